//! Background jobs: housekeeping of expired sessions and codes, supervision
//! of tasks (催办, 黄牌, 红牌: each notice once, see `Store::supervise`), and the
//! outbox (texts and webhook deliveries, sent by `courier` after the move that
//! wrote them has committed, so a crash in between delays one but never loses it).
//! Runs inside `serve` unless `--no-worker`, or alone as `shangliang worker`.
use std::time::Duration;

/// How often the outbox is emptied.
const SMS_EVERY: Duration = Duration::from_secs(5);

/// Runs the jobs until `stop`; texts link to their topic under `public_url`
/// when one is configured.
pub async fn run(
    store: store::Store,
    courier: courier::Courier,
    interval_secs: u64,
    web: &web::WebConfig,
    stop: impl std::future::Future<Output = ()>,
) {
    store::Origin::worker()
        .scope(rounds(store, courier, interval_secs, web, stop))
        .await
}

/// The worker's loop, its writes audited as 后台任务.
async fn rounds(
    store: store::Store,
    courier: courier::Courier,
    interval_secs: u64,
    web: &web::WebConfig,
    stop: impl std::future::Future<Output = ()>,
) {
    let thresholds = web.thresholds;
    let mut checkpoint = None;
    let mut tick = tokio::time::interval(Duration::from_secs(interval_secs.max(1)));
    let mut sms_tick = tokio::time::interval(SMS_EVERY);
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            _ = tick.tick() => {
                match store.purge_expired().await {
                    Ok(n) if n > 0 => tracing::info!(removed = n, "purged expired sessions and codes"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "housekeeping failed; will retry"),
                }
                supervise(&store, &thresholds).await;
                print_checkpoint(&store, &mut checkpoint).await;
            }
            _ = sms_tick.tick() => send_messages(&courier).await,
        }
    }
}

/// Prints the audit chain's head to the log when it has moved: kept outside
/// the database, these checkpoints let `shangliang audit verify
/// --checkpoint SEQ:HASH` find a chain rewritten whole or cut short.
async fn print_checkpoint(store: &store::Store, last: &mut Option<i64>) {
    match store.audit_head().await {
        Ok(head) if *last != Some(head.seq) => {
            tracing::info!(checkpoint = %format!("{}:{}", head.seq, head.hash), "audit checkpoint");
            *last = Some(head.seq);
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "cannot read the audit chain's head"),
    }
}

/// Sends the supervision notices due; what fails is sent on the next round.
async fn supervise(store: &store::Store, thresholds: &domain::Thresholds) {
    let sent = match store.calendar().await {
        Ok(calendar) => store.supervise(&calendar, thresholds).await,
        Err(e) => Err(e),
    };
    match sent {
        Ok(n) if n > 0 => tracing::info!(notices = n, "supervision notices sent"),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "supervision failed; will retry"),
    }
}

/// Sends what the outbox holds; what fails is tried again later.
async fn send_messages(courier: &courier::Courier) {
    match courier.send_due().await {
        Ok(r) if r.sent + r.retrying + r.failed > 0 => {
            tracing::info!(
                sent = r.sent,
                retrying = r.retrying,
                failed = r.failed,
                "outbox round"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "cannot read the outbox; will retry"),
    }
}
