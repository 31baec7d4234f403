//! Public pages (as a resident without a sign-in sees them) and public
//! lists of the API, rendered once per change.
//!
//! A poster on a notice board or a result in the news sends many phones to
//! the same room page within minutes. Such a page is the same for all of
//! them, so it is rendered once and served from memory until this process
//! commits a write ([`store::Store::changes`]) — so a resident always sees
//! the latest topics and counts — and for at most [`FRESH`], which bounds
//! what another app node's writes can leave unseen. Signed-in viewers, whose
//! pages carry their own actions, are always rendered afresh.
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};

/// Pages kept, and the bytes they may take.
const PAGES: usize = 2_000;
const BYTES: u64 = 64 << 20;

/// A page as rendered at one count of this node's writes, within one second
/// (by the clock of this process) — so never older than [`FRESH`].
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    name: String,
    changes: u64,
    second: u64,
}

/// The longest a kept page is served (bounds other app nodes' writes).
const FRESH: Duration = Duration::from_secs(1);

pub struct PageCache(Cache<Key, Bytes, ByLength>);

#[derive(Clone)]
struct ByLength;

impl Weighter<Key, Bytes> for ByLength {
    fn weight(&self, key: &Key, body: &Bytes) -> u64 {
        (key.name.len() + body.len()) as u64
    }
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache(Cache::with_weighter(PAGES, BYTES, ByLength))
    }
}

impl PageCache {
    /// The page named `key` (built from what the handler parsed, so only
    /// pages that rendered are kept) for this viewer: from memory while it is
    /// current, otherwise from `render`. Errors are never kept.
    pub async fn html(
        &self,
        state: &AppState,
        viewer: &Viewer,
        key: String,
        render: impl Future<Output = AppResult<String>>,
    ) -> AppResult<Response> {
        if viewer.user.is_some() {
            return Ok(Html(render.await?).into_response());
        }
        let key = if viewer.care { key + "#care" } else { key };
        let html = self
            .get(state, key, async { Ok(render.await?.into()) })
            .await?;
        Ok(Html(html).into_response())
    }

    /// A public JSON document that is the same for every viewer.
    pub async fn json<T: serde::Serialize>(
        &self,
        state: &AppState,
        key: String,
        render: impl Future<Output = AppResult<T>>,
    ) -> AppResult<Response> {
        let body = self
            .get(state, key, async {
                let value = render.await?;
                serde_json::to_vec(&value)
                    .map(Bytes::from)
                    .map_err(|e| AppError::Internal(e.into()))
            })
            .await?;
        Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
    }

    /// Visitors who arrive together while a page is rendered wait for that
    /// one rendering instead of each rendering it again.
    async fn get(
        &self,
        state: &AppState,
        name: String,
        render: impl Future<Output = AppResult<Bytes>>,
    ) -> AppResult<Bytes> {
        static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
        // Read before rendering: a write committed meanwhile moves the
        // count, and the next visitor renders again.
        let key = Key {
            name,
            changes: state.store.changes(),
            second: EPOCH.elapsed().as_secs() / FRESH.as_secs(),
        };
        self.0.get_or_insert_async(&key, render).await
    }
}
