//! Background jobs: housekeeping of expired sessions and codes, supervision
//! of tasks (催办, 黄牌, 红牌: each notice once, see `Store::supervise`), and the SMS
//! outbox (texts for inbox lines, sent after the move that wrote them has
//! committed, so a crash in between delays a text but never loses it).
//! Runs inside `serve` unless `--no-worker`, or alone as `shangliang worker`.
use std::sync::Arc;
use std::time::Duration;

/// How often the SMS outbox is emptied.
const SMS_EVERY: Duration = Duration::from_secs(5);

/// Runs the jobs until `stop`; texts link to their topic under `public_url`
/// when one is configured.
pub async fn run(
    store: store::Store,
    sms: Arc<dyn web::SmsSender>,
    interval_secs: u64,
    web: &web::WebConfig,
    stop: impl std::future::Future<Output = ()>,
) {
    store::Origin::worker()
        .scope(rounds(store, sms, interval_secs, web, stop))
        .await
}

/// The worker's loop, its writes audited as 后台任务.
async fn rounds(
    store: store::Store,
    sms: Arc<dyn web::SmsSender>,
    interval_secs: u64,
    web: &web::WebConfig,
    stop: impl std::future::Future<Output = ()>,
) {
    let (public_url, thresholds) = (web.public_url.clone(), web.thresholds);
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
            _ = sms_tick.tick() => send_texts(&store, sms.as_ref(), public_url.as_deref()).await,
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

/// Sends every pending text; one that fails stays pending for the next round.
async fn send_texts(store: &store::Store, sms: &dyn web::SmsSender, public_url: Option<&str>) {
    let read = async {
        let pending = store.pending_sms(100).await?;
        let numbers = store
            .tracking_numbers(pending.iter().filter_map(|n| n.topic))
            .await?;
        Ok::<_, store::StoreError>((pending, numbers))
    };
    let (pending, numbers) = match read.await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the SMS outbox; will retry");
            return;
        }
    };
    for n in pending {
        let Some(phone) = n.sms_to.as_deref() else {
            continue;
        };
        let path = match (&n.link, n.topic.and_then(|t| numbers.get(&t))) {
            (Some(link), _) => Some(link.clone()),
            (None, Some(no)) => Some(format!("/t/{no}")),
            (None, None) => None,
        };
        let text = sms_text(&n.text, path.as_deref(), public_url);
        match sms.send(phone, &text).await {
            Ok(()) => {
                if let Err(e) = store.sms_sent(n.id).await {
                    tracing::warn!(error = %e, "SMS sent but not marked; it may go twice");
                }
            }
            Err(e) => tracing::warn!(error = %e, "SMS failed; will retry"),
        }
    }
}

/// A text as it goes out: signed 【商量】 and, with a public address, a link
/// to its topic (or, for an invitation, to its answer page).
fn sms_text(line: &str, path: Option<&str>, public_url: Option<&str>) -> String {
    match (public_url, path) {
        (Some(base), Some(path)) => {
            format!("【商量】{line} 详情：{}{path}", base.trim_end_matches('/'))
        }
        _ => format!("【商量】{line}"),
    }
}

#[cfg(test)]
mod tests {
    use super::sms_text;

    #[test]
    fn texts_link_to_their_topic_when_the_site_has_an_address() {
        assert_eq!(
            sms_text(
                "议题已办结",
                Some("/t/2026000001"),
                Some("https://yishi.example.gov.cn/")
            ),
            "【商量】议题已办结 详情：https://yishi.example.gov.cn/t/2026000001"
        );
        assert_eq!(
            sms_text("议题已办结", Some("/t/2026000001"), None),
            "【商量】议题已办结"
        );
    }
}
