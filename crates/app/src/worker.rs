//! Background jobs. Today: housekeeping of expired sessions and codes.
//! Runs inside `serve` unless `--no-worker`, or alone as `shangliang worker`.
use std::time::Duration;

pub async fn run(
    store: store::Store,
    interval_secs: u64,
    stop: impl std::future::Future<Output = ()>,
) {
    let mut tick = tokio::time::interval(Duration::from_secs(interval_secs.max(1)));
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => match store.purge_expired().await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "purged expired sessions and codes"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
            },
        }
    }
}
