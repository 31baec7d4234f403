//! Health, readiness and Prometheus metrics.
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tower_http::classify::{
    ClassifiedResponse, ClassifyResponse, MakeClassifier, NeverClassifyEos, ServerErrorsAsFailures,
    ServerErrorsFailureClass,
};

use crate::AppState;

/// Liveness: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// Which answers the request log counts as failures: a server error, except
/// on the probes. `/readyz` answers 503 while a node starts, by design (the
/// balancer waits), and says itself when the database is down.
#[derive(Clone, Copy)]
pub struct ProbesAreNotFailures;

impl MakeClassifier for ProbesAreNotFailures {
    type Classifier = ServerErrors;
    type FailureClass = ServerErrorsFailureClass;
    type ClassifyEos = NeverClassifyEos<ServerErrorsFailureClass>;

    fn make_classifier<B>(&self, req: &axum::http::Request<B>) -> ServerErrors {
        ServerErrors {
            probe: matches!(req.uri().path(), "/healthz" | "/readyz"),
        }
    }
}

/// [`ServerErrorsAsFailures`], or nothing for a probe.
#[derive(Clone, Copy)]
pub struct ServerErrors {
    probe: bool,
}

impl ClassifyResponse for ServerErrors {
    type FailureClass = ServerErrorsFailureClass;
    type ClassifyEos = NeverClassifyEos<ServerErrorsFailureClass>;

    fn classify_response<B>(
        self,
        res: &axum::http::Response<B>,
    ) -> ClassifiedResponse<Self::FailureClass, Self::ClassifyEos> {
        if self.probe {
            return ClassifiedResponse::Ready(Ok(()));
        }
        ServerErrorsAsFailures::new().classify_response(res)
    }

    fn classify_error<E: std::fmt::Display + 'static>(self, error: &E) -> Self::FailureClass {
        ServerErrorsAsFailures::new().classify_error(error)
    }
}

/// Readiness: the database answers too, and the search's dictionaries are
/// loaded (so no write that indexes a text waits for them).
pub async fn readyz(State(state): State<AppState>) -> Response {
    if !text::is_warm() {
        return (StatusCode::SERVICE_UNAVAILABLE, "starting").into_response();
    }
    match state.store.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// The process-wide recorder; installed once, however many apps a test builds.
fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new();
        let handle = match builder.install_recorder() {
            Ok(h) => h,
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        };
        keep_up(handle.clone());
        handle
    })
}

/// How often the recorder folds the latencies it has recorded into its summaries.
const UPKEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Folds recorded latencies into the recorder's summaries every few
/// seconds. Until folded, each request's latency is kept as a sample of
/// its own: with no scraper reading `/metrics` (none is configured by
/// default) they would pile up for as long as the server runs, 8 bytes a
/// request, about a megabyte a minute at a few thousand requests a second.
fn keep_up(handle: PrometheusHandle) {
    let started = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        });
    if let Err(e) = started {
        tracing::error!(error = %e, "the metrics upkeep thread did not start");
    }
}

/// Prometheus metrics, for the operator's scraper only: the request must
/// carry the configured token. Without a configured token nobody gets them.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let expected = state.config.metrics_token.as_deref();
    let ok = matches!((given, expected), (Some(g), Some(e)) if same(g.as_bytes(), e.as_bytes()));
    if !ok {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")],
            "metrics need the operator's token",
        )
            .into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        recorder().render(),
    )
        .into_response()
}

/// Compares two secrets in time that depends only on their lengths.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Counts requests and their latency by route template and status.
pub async fn track_metrics(req: Request, next: Next) -> Response {
    recorder();
    let start = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().to_string();
    let resp = next.run(req).await;
    let status = resp.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    resp
}
