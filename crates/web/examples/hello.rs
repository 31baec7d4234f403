//! Request-rate baseline for `bench/run`: the smallest axum app (`GET /` → "ok").
//!
//! Pages and likes in the benchmark are reported as a percentage of this
//! server's requests per second, measured in the same run on the same machine.
//!
//! Usage: `hello [ADDR]` (default `127.0.0.1:8099`).

use axum::{Router, routing::get};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8099".to_owned());
    let app = Router::new().route("/", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await
}
