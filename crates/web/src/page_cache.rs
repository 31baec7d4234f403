//! Public pages (as a resident without a sign-in sees them), public lists of
//! the API and the shared part of topic pages, read once per change.
//!
//! A poster on a notice board or a result in the news sends many phones to
//! the same page within minutes. What they are shown is the same for all of
//! them, so it is read once and served from memory until this process
//! commits a write, or hears of another node's ([`store::Store::changes`]) —
//! so a resident always sees the latest topics and counts — and for at most
//! a minute (pages say how long ago things happened). While the notices of
//! other nodes' writes may be lost, `page_fresh` (one second) bounds what
//! those writes can leave unseen. Signed-in viewers, whose
//! pages carry their own actions, are always read afresh. What a write or
//! the next period has made stale is dropped then, so the memory held is
//! what visitors can still be shown, not the cache's bound.
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use tokio::sync::OnceCell;

use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::{AppState, encoding};

/// A page or a page's data as read at one count of the writes this node
/// knows of, within one period (see `period_now`) — so never older than that.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    name: String,
    changes: u64,
    period: u64,
    /// Kept by the version its name carries, not by `changes` and `period`.
    versioned: bool,
}

impl Key {
    /// Whether a value under this key can still be served at `now` (the
    /// write count and period of a fresh key).
    fn current_at(&self, now: (u64, u64)) -> bool {
        self.versioned || (self.changes, self.period) == now
    }
}

/// What a kept value costs the cache, roughly in bytes.
pub trait Weigh {
    fn weigh(&self) -> u64;
}

#[derive(Clone)]
struct ByWeight;

impl<V: Weigh> Weighter<Key, V> for ByWeight {
    fn weight(&self, key: &Key, value: &V) -> u64 {
        key.name.len() as u64 + value.weigh()
    }
}

/// Values kept while current, at most `bytes` of them.
pub struct Kept<V> {
    cache: Cache<Key, V, ByWeight>,
    /// The write count and period whose stale values were last dropped.
    swept: std::sync::Mutex<(u64, u64)>,
}

impl<V: Clone + Weigh> Kept<V> {
    pub fn new(items: usize, bytes: u64) -> Self {
        Kept {
            cache: Cache::with_weighter(items, bytes, ByWeight),
            swept: std::sync::Mutex::new((0, 0)),
        }
    }

    /// Drops the values no key can reach any more, once per write or
    /// period: they would otherwise stay until the bound pushed them out,
    /// and the process would hold the whole bound all the time.
    fn sweep(&self, now: (u64, u64)) {
        let Ok(mut swept) = self.swept.try_lock() else {
            return; // another visitor is sweeping
        };
        if *swept != now {
            *swept = now;
            self.cache.retain(|k, _| k.current_at(now));
        }
    }

    /// The value named `name` (built from what the handler parsed; errors
    /// are never kept, so only names that exist take room) while it is
    /// current, otherwise from `read`. Visitors who arrive while it is read
    /// wait for that one reading instead of each reading it again.
    pub async fn get(
        &self,
        state: &AppState,
        name: String,
        read: impl Future<Output = AppResult<V>>,
    ) -> AppResult<V> {
        // Taken before reading: a write committed meanwhile moves the count,
        // and the next visitor reads again.
        let key = Key {
            name,
            changes: state.store.changes(),
            period: period_now(state),
            versioned: false,
        };
        self.sweep((key.changes, key.period));
        self.cache.get_or_insert_async(&key, read).await
    }

    /// The value named `name`, which carries its own version (so it is kept
    /// across writes until the cache needs the room): for pages that change
    /// only with what the name says, such as an opinion map per map.
    pub async fn get_versioned(
        &self,
        name: String,
        read: impl Future<Output = AppResult<V>>,
    ) -> AppResult<V> {
        let key = Key {
            name,
            changes: 0,
            period: 0,
            versioned: true,
        };
        self.cache.get_or_insert_async(&key, read).await
    }

    /// [`Kept::get`] for a visitor without a sign-in; a signed-in viewer,
    /// who must see their own moves at once on any node, always reads afresh.
    pub async fn get_for(
        &self,
        state: &AppState,
        viewer: &Viewer,
        name: String,
        read: impl Future<Output = AppResult<V>>,
    ) -> AppResult<V> {
        if viewer.user.is_some() {
            return read.await;
        }
        self.get(state, name, read).await
    }
}

/// The period a value read now is kept for at most. While the store hears
/// every write (see [`store::Store::hears_every_write`]), no write can leave
/// it stale unseen, and it is kept until the next write or for the minute
/// of the store's clock it was read in (pages say how long ago things
/// happened, and deadlines pass). Otherwise another node's write could be
/// missed, and it is kept for one period of `page_fresh` by the clock of
/// this process.
fn period_now(state: &AppState) -> u64 {
    static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
    /// Sets minutes apart from periods, which never reach it.
    const MINUTES: u64 = 1 << 63;
    if state.store.hears_every_write() {
        let minute = state.store.clock().now().timestamp().div_euclid(60);
        MINUTES | u64::try_from(minute).unwrap_or(0)
    } else {
        period(EPOCH.elapsed(), state.config.page_fresh)
    }
}

/// Which period of length `fresh` the time `since` falls in.
fn period(since: Duration, fresh: Duration) -> u64 {
    u64::try_from(since.as_millis() / fresh.as_millis().max(1)).unwrap_or(u64::MAX)
}

/// A kept page or document, with its compressed forms made once, when a
/// browser first asks for each: a phone on a slow connection gets a kept
/// page compressed without the server compressing it again per visit.
pub struct KeptBody {
    raw: Bytes,
    brotli: OnceCell<Bytes>,
    gzip: OnceCell<Bytes>,
}

impl KeptBody {
    fn new(raw: Bytes) -> Arc<Self> {
        Arc::new(KeptBody {
            raw,
            brotli: OnceCell::new(),
            gzip: OnceCell::new(),
        })
    }

    /// The body in `coding` (`br` or `gzip`), compressed on the blocking
    /// pool on first use while other visitors wait without holding a
    /// thread; `None` if that failed (the plain body is sent).
    async fn encoded(&self, coding: &'static str) -> Option<Bytes> {
        let cell = if coding == "br" {
            &self.brotli
        } else {
            &self.gzip
        };
        let raw = self.raw.clone();
        cell.get_or_try_init(|| async move {
            tokio::task::spawn_blocking(move || match coding {
                "br" => Bytes::from(encoding::brotli(&raw, 5)),
                _ => Bytes::from(encoding::gzip(&raw, 6)),
            })
            .await
        })
        .await
        .ok()
        .cloned()
    }

    /// The plain body, marked so that [`send_compressed`] may swap in a
    /// compressed form the browser takes.
    fn response(self: Arc<Self>, content_type: &'static str) -> Response {
        let mut r = ([(header::CONTENT_TYPE, content_type)], self.raw.clone()).into_response();
        r.extensions_mut().insert(Compressible(self));
        r
    }
}

impl Weigh for Arc<KeptBody> {
    /// The plain body, and room for its compressed forms.
    fn weigh(&self) -> u64 {
        self.raw.len() as u64 * 3 / 2
    }
}

#[derive(Clone)]
struct Compressible(Arc<KeptBody>);

/// Sends a kept body in the best encoding the browser takes, compressed
/// once for every visitor; other responses pass on to the compression
/// layer, which leaves these alone (they carry `Content-Encoding`).
pub async fn send_compressed(req: Request, next: Next) -> Response {
    let coding = encoding::preferred(req.headers());
    let mut res = next.run(req).await;
    let Some(Compressible(body)) = res.extensions_mut().remove::<Compressible>() else {
        return res;
    };
    let Some(coding) = coding else {
        return res;
    };
    let Some(encoded) = body.encoded(coding).await else {
        return res;
    };
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.remove(header::CONTENT_LENGTH);
    *res.body_mut() = Body::from(encoded);
    res
}

/// Rendered pages and documents.
pub type PageCache = Kept<Arc<KeptBody>>;

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
        self.page(viewer, key, Some(state), render).await
    }

    /// [`PageCache::html`] for a page whose `key` names its version: kept
    /// across writes (see [`Kept::get_versioned`]); the caller serves only
    /// visitors who all see the same page from here.
    pub async fn versioned_html(
        &self,
        viewer: &Viewer,
        key: String,
        render: impl Future<Output = AppResult<String>>,
    ) -> AppResult<Response> {
        self.page(viewer, key, None, render).await
    }

    /// A page kept while current (`current`: the app whose writes make it
    /// stale) or per its version (`None`), in 适老化 mode apart.
    async fn page(
        &self,
        viewer: &Viewer,
        key: String,
        current: Option<&AppState>,
        render: impl Future<Output = AppResult<String>>,
    ) -> AppResult<Response> {
        let key = if viewer.care { key + "#care" } else { key };
        let read = async { Ok(KeptBody::new(render.await?.into())) };
        let html = match current {
            Some(state) => self.get_for(state, viewer, key, read).await?,
            None => self.get_versioned(key, read).await?,
        };
        Ok(html.response("text/html; charset=utf-8"))
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
                    .map(|v| KeptBody::new(v.into()))
                    .map_err(|e| AppError::Internal(e.into()))
            })
            .await?;
        Ok(body.response("application/json"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone)]
    struct Page;

    impl Weigh for Page {
        fn weigh(&self) -> u64 {
            1
        }
    }

    fn key(name: &str, changes: u64, period: u64, versioned: bool) -> Key {
        Key {
            name: name.to_owned(),
            changes,
            period,
            versioned,
        }
    }

    #[test]
    fn values_no_visitor_can_reach_are_dropped_after_a_write_or_a_second() {
        let kept = Kept::<Page>::new(100, 1 << 20);
        kept.cache.insert(key("/", 1, 5, false), Page);
        kept.cache.insert(key("/r/chenshi-sq", 1, 5, false), Page);
        kept.cache.insert(key("/d/1/results#v3", 0, 0, true), Page);
        kept.sweep((1, 5));
        assert_eq!(kept.cache.len(), 3, "all current");
        // A write: the two pages read before it can no longer be served.
        kept.sweep((2, 5));
        assert!(kept.cache.get(&key("/", 1, 5, false)).is_none());
        assert_eq!(kept.cache.len(), 1, "the page kept by version stays");
        kept.cache.insert(key("/", 2, 5, false), Page);
        // The next second.
        kept.sweep((2, 6));
        assert_eq!(kept.cache.len(), 1);
        assert!(
            kept.cache
                .get(&key("/d/1/results#v3", 0, 0, true))
                .is_some()
        );
    }
}
