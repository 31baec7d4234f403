//! HTTP for Shangliang: server-rendered pages in Simplified Chinese and a
//! JSON API over the same handlers' logic, all declared in one route table
//! ([`routes`]) with the access policy of every route beside it.

mod actions;
mod api;
mod auth;
mod error;
mod forms;
mod ops;
mod pages;
mod recompute;
mod routes;
mod sms;
mod view;

use std::sync::Arc;

pub use api::openapi::ApiDoc;
pub use auth::hash_password;
pub use recompute::Recompute;
pub use routes::{Policy, RouteInfo, route_table};
pub use sms::{LogSmsSender, SmsSender};

/// Settings the web layer needs; built once by the binary and passed in.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    pub session_hours: i64,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    pub request_timeout_secs: u64,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_hours: 12,
            body_limit: 1 << 20,
            request_timeout_secs: 30,
        }
    }
}

/// Everything a handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: store::Store,
    /// Likes go through one writer that commits them in batches.
    pub likes: store::LikeQueue,
    /// Recomputes opinion maps in the background after votes.
    pub recompute: Recompute,
    pub config: Arc<WebConfig>,
    pub sms: Arc<dyn SmsSender>,
}

impl AppState {
    /// Must be called inside the Tokio runtime (it starts the like writer and the map worker).
    pub fn new(store: store::Store, config: WebConfig, sms: Arc<dyn SmsSender>) -> Self {
        let likes = store.like_queue();
        let recompute = Recompute::start(store.clone());
        AppState {
            store,
            likes,
            recompute,
            config: Arc::new(config),
            sms,
        }
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
    let app = app(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
