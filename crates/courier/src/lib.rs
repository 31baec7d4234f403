//! Messages that leave the building. The store queues each message in its
//! outbox with the move it reports; the [`Courier`] claims what is due and
//! sends it — texts through the configured [`SmsSender`], letters through
//! the [`Mailer`], webhook deliveries signed with HMAC-SHA256 — and marks each sent, to be tried
//! again (with backoff), or given up. Delivery is at least once: a sender
//! that dies between sending and marking leaves the message to be claimed
//! again when its lease runs out, and every try carries the same key.
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveTime, Utc};
use domain::OutChannel;
use store::{OutState, OutboxId, OutboxItem, Store, StoreError, WebhookId};

pub mod mail;
pub mod sms;
pub mod webhook;

pub use mail::{MailSettings, Mailer};
pub use sms::{LogSmsSender, SendError, SmsSender};

/// How long a claimed message is held for its sender before another may
/// claim it (longer than any send may take).
const LEASE: chrono::Duration = chrono::Duration::minutes(2);

/// Messages claimed in one round.
const ROUND: u64 = 100;

/// Sends what the outbox holds.
#[derive(Clone)]
pub struct Courier(Arc<Inner>);

struct Inner {
    store: Store,
    sms: Arc<dyn SmsSender>,
    client: reqwest::Client,
    daily_cap: u32,
    /// Letters' SMTP server, when one is configured.
    mail: Option<Arc<Mailer>>,
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Sent.
    pub sent: usize,
    /// Failed, to be tried again.
    pub retrying: usize,
    /// Given up.
    pub failed: usize,
}

/// An HTTP client for providers and webhooks: short timeouts, no redirects
/// (a redirected delivery would go somewhere nobody registered).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

impl Courier {
    /// A courier for `store`'s outbox, texting through `sms`, at most
    /// `daily_cap` texts a day to one number.
    pub fn new(store: Store, sms: Arc<dyn SmsSender>, daily_cap: u32) -> Courier {
        Courier(Arc::new(Inner {
            store,
            sms,
            client: http_client(),
            daily_cap,
            mail: None,
        }))
    }

    /// The same courier, sending letters through `mail`.
    pub fn with_mail(self, mail: Mailer) -> Courier {
        let i = &self.0;
        Courier(Arc::new(Inner {
            store: i.store.clone(),
            sms: i.sms.clone(),
            client: i.client.clone(),
            daily_cap: i.daily_cap,
            mail: Some(Arc::new(mail)),
        }))
    }

    /// Sends every message due now, a round at a time.
    pub async fn send_due(&self) -> Result<Round, StoreError> {
        let mut round = Round::default();
        loop {
            let items = self.0.store.claim_outbox(ROUND, LEASE).await?;
            let full = items.len() as u64 == ROUND;
            for item in items {
                match self.send(item).await? {
                    OutState::Sent => round.sent += 1,
                    OutState::Pending => round.retrying += 1,
                    OutState::Failed => round.failed += 1,
                }
            }
            if !full {
                return Ok(round);
            }
        }
    }

    /// Sends one message now (a sign-in code, straight after it was
    /// queued); `None` when another sender holds it. What fails here is
    /// left to the worker's next round.
    pub async fn send_now(&self, id: OutboxId) -> Result<Option<OutState>, StoreError> {
        match self.0.store.claim_outbox_item(id, LEASE).await? {
            Some(item) => self.send(item).await.map(Some),
            None => Ok(None),
        }
    }

    /// Sends a claimed message and records how it went.
    async fn send(&self, item: OutboxItem) -> Result<OutState, StoreError> {
        let store = &self.0.store;
        let now = store.clock().now();
        let outcome = match item.channel {
            OutChannel::Sms => self.text(&item, now).await?,
            OutChannel::Webhook => self.post(&item, now).await?,
            OutChannel::Email => self.letter(&item).await?,
        };
        match outcome {
            Ok(reference) => {
                store.outbox_sent(item.id, reference.as_deref()).await?;
                Ok(OutState::Sent)
            }
            Err(e) => {
                let for_good = matches!(e, SendError::GiveUp(_));
                let state = store
                    .outbox_failed(item.id, &e.to_string(), for_good)
                    .await?;
                tracing::warn!(target: "outbox", id = item.id.0, channel = item.channel.code(), error = %e, "message not sent");
                Ok(state)
            }
        }
    }

    /// A text, within the number's daily cap.
    async fn text(
        &self,
        item: &OutboxItem,
        now: DateTime<Utc>,
    ) -> Result<Result<Option<String>, SendError>, StoreError> {
        let store = &self.0.store;
        let midnight = domain::beijing_date(now)
            .and_time(NaiveTime::MIN)
            .and_local_timezone(domain::BEIJING)
            .single()
            .map_or(now, |t| t.with_timezone(&Utc));
        let today = store.texts_since(&item.recipient, midnight).await?;
        if !domain::within_daily_cap(today, self.0.daily_cap) {
            return Ok(Err(SendError::GiveUp(format!(
                "该号码今日已发送{today}条短信，达到每日上限"
            ))));
        }
        let text = item.sms()?;
        let key = item.id.key();
        let msg = sms::Outgoing {
            key: &key,
            phone: &item.recipient,
            text: &text,
            now,
        };
        Ok(self.0.sms.send(msg).await)
    }

    /// A letter, when an SMTP server is configured.
    async fn letter(
        &self,
        item: &OutboxItem,
    ) -> Result<Result<Option<String>, SendError>, StoreError> {
        let Some(mail) = &self.0.mail else {
            return Ok(Err(SendError::GiveUp("未配置邮件发送（smtp_host）".into())));
        };
        let letter = item.letter()?;
        Ok(mail.send(&item.id.key(), &item.recipient, &letter).await)
    }

    /// A webhook delivery, signed.
    async fn post(
        &self,
        item: &OutboxItem,
        now: DateTime<Utc>,
    ) -> Result<Result<Option<String>, SendError>, StoreError> {
        let Ok(id) = item.recipient.parse::<i64>() else {
            return Ok(Err(SendError::GiveUp("Webhook 编号无效".into())));
        };
        let (url, secret) = match self.0.store.webhook_target(WebhookId(id)).await {
            Ok(target) => target,
            Err(StoreError::NotFound(_)) => {
                return Ok(Err(SendError::GiveUp("Webhook 已删除".into())));
            }
            Err(e) => return Err(e),
        };
        let event: serde_json::Value = serde_json::from_str(&item.payload).unwrap_or_default();
        let key = item.id.key();
        let delivery = webhook::Delivery {
            url: &url,
            secret: &secret,
            key: &key,
            body: &item.payload,
            event: event["event"].as_str().unwrap_or_default(),
            now,
        };
        Ok(webhook::deliver(&self.0.client, delivery)
            .await
            .map(|()| None))
    }
}
