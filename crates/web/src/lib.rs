//! HTTP for Shangliang: server-rendered pages in Simplified Chinese and a
//! JSON API over the same handlers' logic, all declared in one route table
//! (`routes.rs`) with the access policy of every route beside it.

mod api;
mod assets;
mod auth;
mod calendar;
pub mod device;
mod documents;
mod door;
mod encoding;
mod error;
mod forms;
mod limits;
mod open311;
mod ops;
mod page_cache;
mod pages;
mod photos;
mod plane;
mod recompute;
mod routes;
mod share;
mod similar;
mod stages;
mod view;

use std::sync::Arc;

pub use api::openapi::{ApiDoc, document as api_document};
pub use auth::{hash_password, temporary_password};
pub use courier::{LogSmsSender, SmsSender};
pub use device::DeviceKey;
pub use door::rsvp_path;
pub use pages::admin::files::{export_xlsx, import_file};
pub use recompute::Recompute;
pub use routes::{Policy, RouteInfo, route_table};

/// Memory the kept pages and page data may take by default, in MiB.
pub const DEFAULT_CACHE_MB: u64 = 96;

/// Settings the web layer needs; built once by the binary and passed in.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    pub session_hours: i64,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Largest submission with photos, in bytes.
    pub upload_limit: usize,
    /// Memory, in bytes, the bodies of submissions with photos being read
    /// may hold together; more wait their turn (see `AppState::upload_slots`).
    pub upload_memory: usize,
    pub request_timeout_secs: u64,
    /// The address printed in QR codes (e.g. `https://yishi.example.gov.cn`);
    /// without it, the address a request came to.
    pub public_url: Option<String>,
    /// Rate limits on submissions, supports and code requests (off only for load tests).
    pub rate_limits: bool,
    /// Take the client's address from `X-Forwarded-For` (behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Where photos are kept on local disk, unless `photo_bucket` is set.
    pub photo_dir: std::path::PathBuf,
    /// Photos in this S3-compatible bucket instead: what several nodes share.
    pub photo_bucket: Option<media::BucketConfig>,
    /// `/metrics` answers only requests bearing this token
    /// (`Authorization: Bearer …`); without one it is not served at all.
    pub metrics_token: Option<String>,
    /// When supervision reminds and cards, in working days (the worker
    /// sends by the same).
    pub thresholds: domain::Thresholds,
    /// Texts one number may receive a day (`sms_daily_cap`).
    pub sms_daily_cap: u32,
    /// The longest a kept public page is served without this node hearing
    /// of a write: it bounds what another node's writes can leave unseen
    /// should the notice of them be lost (PostgreSQL tells at once).
    pub page_fresh: std::time::Duration,
    /// Memory, in bytes, the kept pages and page data may take together
    /// (`cache_mb`): most of what the server holds beyond its code.
    pub cache_bytes: u64,
    /// Count rate limits in this Redis (`redis://…`), shared by every node;
    /// without it each node counts its own.
    pub redis_url: Option<String>,
    /// Prefixes the keys this deployment writes in Redis.
    pub redis_namespace: String,
    /// Topics up to which a 工作台账 is made while the request waits;
    /// larger ones are made in the background with progress shown.
    pub ledger_at_once: u64,
}

impl WebConfig {
    /// The photo store these settings name: the bucket when one is set,
    /// the photo folder otherwise.
    pub fn photo_store(&self) -> std::io::Result<Arc<dyn media::PhotoStore>> {
        Ok(match &self.photo_bucket {
            Some(bucket) => Arc::new(media::Bucket::new(bucket)?),
            None => Arc::new(media::LocalDisk::new(&self.photo_dir)?),
        })
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_hours: 12,
            body_limit: 1 << 20,
            upload_limit: 64 << 20,
            upload_memory: 512 << 20,
            request_timeout_secs: 30,
            public_url: None,
            rate_limits: true,
            trust_forwarded_for: false,
            photo_dir: "photos".into(),
            photo_bucket: None,
            metrics_token: None,
            thresholds: domain::Thresholds::default(),
            sms_daily_cap: domain::SMS_DAILY_CAP,
            page_fresh: std::time::Duration::from_secs(1),
            cache_bytes: DEFAULT_CACHE_MB << 20,
            redis_url: None,
            redis_namespace: "shangliang".to_owned(),
            ledger_at_once: domain::LEDGER_AT_ONCE,
        }
    }
}

/// Everything a handler can reach. Cloned several times per request (once
/// per layer that takes it), so it is one shared pointer.
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

pub struct Services {
    pub store: store::Store,
    /// Likes go through one writer that commits them in batches.
    pub likes: store::LikeQueue,
    /// Recomputes opinion maps in the background after votes.
    pub recompute: Recompute,
    pub config: Arc<WebConfig>,
    /// Sends what the outbox holds (a sign-in code at once).
    pub courier: courier::Courier,
    /// Residents' photos (local disk, or the bucket every node shares).
    pub photos: Arc<dyn media::PhotoStore>,
    pub limits: Arc<limits::RateLimits>,
    /// Photos decoded at once (each may take a few hundred MB while it is made safe).
    pub photo_slots: Arc<tokio::sync::Semaphore>,
    /// Submissions with photos read at once: as many as `upload_memory`
    /// holds at three times `upload_limit` each (a body read chunk by chunk
    /// grows by doubling, and the allocator keeps some freed pages resident),
    /// at least one; the rest wait their turn.
    pub upload_slots: Arc<tokio::sync::Semaphore>,
    pub posters: Arc<share::PosterCache>,
    pub docs: Arc<similar::DocCache>,
    /// Public pages as residents without a sign-in see them.
    pub pages: Arc<page_cache::PageCache>,
    /// What every viewer sees of a topic's page, for those without a sign-in.
    pub topics: Arc<page_cache::Kept<Arc<pages::topic_data::TopicData>>>,
    /// What deliberations' voting pages show every voter alike.
    pub ballots: Arc<page_cache::Kept<Arc<pages::deliberation::VoteShared>>>,
    /// The official calendar, re-read once a minute.
    pub calendar: calendar::KeptCalendar,
    /// The key that signs device cookies, read from the store on first use.
    pub device_key: tokio::sync::OnceCell<device::DeviceKey>,
    /// The home page's totals and when they were counted.
    pub home_counts: Arc<std::sync::Mutex<Option<(std::time::Instant, u64, u64)>>>,
}

/// How many bodies with photos fit the configured memory at once.
fn upload_slots(config: &WebConfig) -> usize {
    (config.upload_memory / config.upload_limit.max(1).saturating_mul(3)).max(1)
}

impl AppState {
    /// Must be called inside the Tokio runtime (it starts the like writer and the map worker).
    pub fn new(
        store: store::Store,
        config: WebConfig,
        sms: Arc<dyn SmsSender>,
    ) -> std::io::Result<Self> {
        let slots = upload_slots(&config);
        let cache = config.cache_bytes;
        let likes = store.like_queue();
        let recompute = Recompute::start(store.clone());
        let photos = config.photo_store()?;
        assets::compress_ahead();
        tokio::task::spawn_blocking(text::warm_up);
        let courier = courier::Courier::new(store.clone(), sms, config.sms_daily_cap);
        let shared = match &config.redis_url {
            Some(url) => Some(
                limits::Shared::new(url, &config.redis_namespace)
                    .map_err(|e| std::io::Error::other(format!("redis_url: {e}")))?,
            ),
            None => None,
        };
        Ok(AppState(Arc::new(Services {
            store,
            likes,
            recompute,
            limits: Arc::new(limits::RateLimits::new(config.rate_limits, shared)),
            courier,
            config: Arc::new(config),
            photos,
            photo_slots: Arc::new(tokio::sync::Semaphore::new(2)),
            upload_slots: Arc::new(tokio::sync::Semaphore::new(slots)),
            posters: Arc::default(),
            docs: Arc::default(),
            // Half for pages as sent, a third for topics' data (the most
            // read), the rest for ballots.
            pages: Arc::new(page_cache::Kept::new(2_000, cache / 2)),
            topics: Arc::new(page_cache::Kept::new(5_000, cache / 3)),
            ballots: Arc::new(page_cache::Kept::new(500, cache / 6)),
            home_counts: Arc::default(),
            calendar: calendar::KeptCalendar::default(),
            device_key: tokio::sync::OnceCell::new(),
        })))
    }
}

/// The whole application as a router, with every cross-cutting layer.
pub fn app(state: AppState) -> axum::Router {
    routes::router(state)
}

/// Serves until `shutdown` resolves, then stops accepting and lets
/// in-flight requests (and so their writes) finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Other nodes' (or processes') writes move this node's page caches on.
    let store = state.store.clone();
    let following = tokio::spawn(async move {
        if let Err(e) = store.follow_other_writers().await {
            tracing::warn!(error = %e, "not hearing other writers; pages keep for at most page_fresh");
        }
    });
    let app = app(state);
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    following.abort();
    served
}
