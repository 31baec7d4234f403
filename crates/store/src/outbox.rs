//! The outbox: messages written with the move they report and sent after
//! it commits. A sender claims rows for a lease, sends, and marks each sent
//! or failed; a failure is tried again later (`domain::retry_after`) until
//! it is given up. A sender that dies mid-send leaves its rows to be
//! claimed again once the lease runs out, so a message goes at least once,
//! each try under the row's id as its idempotency key.
use chrono::{DateTime, Duration, Utc};
use domain::{Letter, OutChannel, SmsText};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::entity::{outbox, webhook};
use crate::{Result, Store, StoreError, WriteTx};

/// An outbox row's id: the idempotency key every try of it carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct OutboxId(pub i64);

impl OutboxId {
    /// The key as providers and receivers see it.
    pub fn key(self) -> String {
        format!("sl-{}", self.0)
    }
}

/// Where a message stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutState {
    /// Waiting for its (next) try.
    Pending,
    /// Accepted by the provider or the receiver.
    Sent,
    /// Given up after the last try, or refused for good.
    Failed,
}

impl OutState {
    /// The stored code.
    pub(crate) fn code(self) -> &'static str {
        match self {
            OutState::Pending => "pending",
            OutState::Sent => "sent",
            OutState::Failed => "failed",
        }
    }

    fn parse(code: &str) -> Result<OutState> {
        match code {
            "pending" => Ok(OutState::Pending),
            "sent" => Ok(OutState::Sent),
            "failed" => Ok(OutState::Failed),
            other => Err(StoreError::Corrupt(format!("outbox state {other}"))),
        }
    }

    /// How an administrator reads it.
    pub fn label_zh(self) -> &'static str {
        match self {
            OutState::Pending => "待发送",
            OutState::Sent => "已送达",
            OutState::Failed => "发送失败",
        }
    }
}

/// One message in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxItem {
    /// Its id (and idempotency key).
    pub id: OutboxId,
    /// Text, e-mail or webhook.
    pub channel: OutChannel,
    /// The phone, the address, or the webhook's id.
    pub recipient: String,
    /// What to send, as JSON (see `entity::outbox`).
    pub payload: String,
    /// Where it stands.
    pub state: OutState,
    /// Tries so far (a claim counts as one).
    pub attempts: u32,
    /// The last try's error.
    pub last_error: Option<String>,
    /// The provider's id for it, once sent.
    pub provider_ref: Option<String>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was sent.
    pub sent_at: Option<DateTime<Utc>>,
}

impl OutboxItem {
    fn from_row(row: outbox::Model) -> Result<OutboxItem> {
        Ok(OutboxItem {
            id: OutboxId(row.id),
            channel: OutChannel::parse(&row.channel)
                .ok_or_else(|| StoreError::Corrupt(format!("outbox channel {}", row.channel)))?,
            recipient: row.recipient,
            payload: row.payload,
            state: OutState::parse(&row.state)?,
            attempts: u32::try_from(row.attempts).unwrap_or(0),
            last_error: row.last_error,
            provider_ref: row.provider_ref,
            created_at: row.created_at,
            sent_at: row.sent_at,
        })
    }

    /// The letter this item carries, when it is one.
    pub fn letter(&self) -> Result<Letter> {
        serde_json::from_str(&self.payload)
            .map_err(|e| StoreError::Corrupt(format!("outbox {}: {e}", self.id.0)))
    }

    /// The text this item carries, when it is one.
    pub fn sms(&self) -> Result<SmsText> {
        serde_json::from_str(&self.payload)
            .map_err(|e| StoreError::Corrupt(format!("outbox {}: {e}", self.id.0)))
    }
}

/// One message to queue.
pub(crate) struct Outgoing {
    pub channel: OutChannel,
    pub recipient: String,
    pub payload: String,
}

impl Outgoing {
    /// A text to `phone`.
    pub fn sms(phone: &str, text: &SmsText) -> Result<Outgoing> {
        Ok(Outgoing {
            channel: OutChannel::Sms,
            recipient: phone.to_owned(),
            payload: serde_json::to_string(text)
                .map_err(|e| StoreError::Corrupt(format!("text: {e}")))?,
        })
    }

    /// A letter to `address`.
    pub fn email(address: &str, letter: &Letter) -> Result<Outgoing> {
        Ok(Outgoing {
            channel: OutChannel::Email,
            recipient: address.to_owned(),
            payload: serde_json::to_string(letter)
                .map_err(|e| StoreError::Corrupt(format!("letter: {e}")))?,
        })
    }
}

/// Queues messages in the write that reports them.
pub(crate) async fn enqueue(w: &WriteTx, items: Vec<Outgoing>) -> Result<Vec<OutboxId>> {
    let mut ids = Vec::with_capacity(items.len());
    for item in items {
        let row = outbox::ActiveModel {
            channel: Set(item.channel.code().to_owned()),
            recipient: Set(item.recipient),
            payload: Set(item.payload),
            state: Set(OutState::Pending.code().to_owned()),
            attempts: Set(0),
            next_at: Set(w.now),
            lease_until: Set(None),
            last_error: Set(None),
            provider_ref: Set(None),
            created_at: Set(w.now),
            sent_at: Set(None),
            ..Default::default()
        };
        let id = outbox::Entity::insert(row)
            .exec(&w.tx)
            .await?
            .last_insert_id;
        ids.push(OutboxId(id));
    }
    Ok(ids)
}

impl Store {
    /// Claims up to `limit` messages due now for `lease`, oldest first;
    /// deliveries to a paused webhook wait. Each claim counts as a try.
    pub async fn claim_outbox(&self, limit: u64, lease: Duration) -> Result<Vec<OutboxItem>> {
        let w = self.write().await?;
        let paused: Vec<String> = webhook::Entity::find()
            .filter(webhook::Column::Paused.eq(true))
            .all(&w.tx)
            .await?
            .into_iter()
            .map(|h| h.id.to_string())
            .collect();
        let mut due = outbox::Entity::find()
            .filter(outbox::Column::State.eq(OutState::Pending.code()))
            .filter(outbox::Column::NextAt.lte(w.now))
            .filter(
                outbox::Column::LeaseUntil
                    .is_null()
                    .or(outbox::Column::LeaseUntil.lt(w.now)),
            );
        if !paused.is_empty() {
            due = due.filter(
                outbox::Column::Channel
                    .ne(OutChannel::Webhook.code())
                    .or(outbox::Column::Recipient.is_not_in(paused)),
            );
        }
        let rows = due
            .order_by_asc(outbox::Column::Id)
            .limit(limit)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&w.tx)
            .await?;
        let items = claim_rows(&w, rows, lease).await?;
        w.commit().await?;
        Ok(items)
    }

    /// Claims one message (sent straight after the write that queued it,
    /// as a sign-in code is); `None` when it is not due or someone holds it.
    pub async fn claim_outbox_item(
        &self,
        id: OutboxId,
        lease: Duration,
    ) -> Result<Option<OutboxItem>> {
        let w = self.write().await?;
        let rows = outbox::Entity::find_by_id(id.0)
            .filter(outbox::Column::State.eq(OutState::Pending.code()))
            .filter(
                outbox::Column::LeaseUntil
                    .is_null()
                    .or(outbox::Column::LeaseUntil.lt(w.now)),
            )
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&w.tx)
            .await?;
        let item = claim_rows(&w, rows, lease).await?.pop();
        w.commit().await?;
        Ok(item)
    }

    /// Marks a message sent; a webhook's run of failures ends.
    pub async fn outbox_sent(&self, id: OutboxId, provider_ref: Option<&str>) -> Result<()> {
        let w = self.write().await?;
        let row = outbox::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("待发消息"))?;
        outbox::Entity::update_many()
            .col_expr(outbox::Column::State, Expr::value(OutState::Sent.code()))
            .col_expr(outbox::Column::SentAt, Expr::value(Some(w.now)))
            .col_expr(
                outbox::Column::LeaseUntil,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(
                outbox::Column::ProviderRef,
                Expr::value(provider_ref.map(str::to_owned)),
            )
            .filter(outbox::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        if row.channel == OutChannel::Webhook.code() {
            crate::webhooks::delivered(&w, &row.recipient).await?;
        }
        w.commit().await
    }

    /// Records a failed try: tried again later, or given up (`for_good`,
    /// or after the last try). Returns where the message now stands.
    pub async fn outbox_failed(
        &self,
        id: OutboxId,
        error: &str,
        for_good: bool,
    ) -> Result<OutState> {
        let w = self.write().await?;
        let row = outbox::Entity::find_by_id(id.0)
            .one(&w.tx)
            .await?
            .ok_or(StoreError::NotFound("待发消息"))?;
        let attempts = u32::try_from(row.attempts).unwrap_or(0);
        let next = if for_good {
            None
        } else {
            domain::retry_after(attempts)
        };
        let state = if next.is_some() {
            OutState::Pending
        } else {
            OutState::Failed
        };
        outbox::Entity::update_many()
            .col_expr(outbox::Column::State, Expr::value(state.code()))
            .col_expr(
                outbox::Column::NextAt,
                Expr::value(w.now + next.unwrap_or_default()),
            )
            .col_expr(
                outbox::Column::LeaseUntil,
                Expr::value(None::<DateTime<Utc>>),
            )
            .col_expr(
                outbox::Column::LastError,
                Expr::value(Some(domain::fit(error, 500))),
            )
            .filter(outbox::Column::Id.eq(id.0))
            .exec(&w.tx)
            .await?;
        if row.channel == OutChannel::Webhook.code() {
            crate::webhooks::failed(&w, &row.recipient).await?;
        }
        w.commit().await?;
        Ok(state)
    }

    /// Texts to `phone` sent or claimed since `since` (the daily cap).
    pub async fn texts_since(&self, phone: &str, since: DateTime<Utc>) -> Result<u64> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::Channel.eq(OutChannel::Sms.code()))
            .filter(outbox::Column::Recipient.eq(phone))
            .filter(outbox::Column::State.eq(OutState::Sent.code()))
            .filter(outbox::Column::SentAt.gte(since))
            .count(self.conn())
            .await?)
    }

    /// One message, as it stands.
    pub async fn outbox_item(&self, id: OutboxId) -> Result<OutboxItem> {
        let row = outbox::Entity::find_by_id(id.0)
            .one(self.conn())
            .await?
            .ok_or(StoreError::NotFound("待发消息"))?;
        OutboxItem::from_row(row)
    }

    /// The latest messages on a channel (to one recipient), newest first.
    pub async fn outbox_to(
        &self,
        channel: OutChannel,
        recipient: Option<&str>,
        limit: u64,
    ) -> Result<Vec<OutboxItem>> {
        let mut q = outbox::Entity::find().filter(outbox::Column::Channel.eq(channel.code()));
        if let Some(r) = recipient {
            q = q.filter(outbox::Column::Recipient.eq(r));
        }
        q.order_by_desc(outbox::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(OutboxItem::from_row)
            .collect()
    }
}

/// Takes the lease on `rows` and counts the try.
async fn claim_rows(
    w: &WriteTx,
    rows: Vec<outbox::Model>,
    lease: Duration,
) -> Result<Vec<OutboxItem>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    outbox::Entity::update_many()
        .col_expr(outbox::Column::LeaseUntil, Expr::value(Some(w.now + lease)))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.is_in(ids))
        .exec(&w.tx)
        .await?;
    rows.into_iter()
        .map(|mut r| {
            r.attempts += 1;
            OutboxItem::from_row(r)
        })
        .collect()
}
