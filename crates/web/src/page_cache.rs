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
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};

/// The longest a cached page is served (writes on other app nodes).
const FRESH: Duration = Duration::from_secs(1);
/// Pages kept, and the bytes they may take.
const PAGES: usize = 2_000;
const BYTES: u64 = 64 << 20;

pub struct PageCache(Cache<String, Page, ByLength>);

#[derive(Clone)]
struct Page {
    changes: u64,
    at: Instant,
    body: Bytes,
}

#[derive(Clone)]
struct ByLength;

impl Weighter<String, Page> for ByLength {
    fn weight(&self, key: &String, page: &Page) -> u64 {
        (key.len() + page.body.len()) as u64
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

    async fn get(
        &self,
        state: &AppState,
        key: String,
        render: impl Future<Output = AppResult<Bytes>>,
    ) -> AppResult<Bytes> {
        let changes = state.store.changes();
        if let Some(p) = self.0.get(&key)
            && p.changes == changes
            && p.at.elapsed() < FRESH
        {
            return Ok(p.body);
        }
        // The count is read before rendering: a write committed meanwhile
        // moves it, and the next visitor renders again.
        let at = Instant::now();
        let body = render.await?;
        self.0.insert(
            key,
            Page {
                changes,
                at,
                body: body.clone(),
            },
        );
        Ok(body)
    }
}
