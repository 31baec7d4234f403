//! 待发消息 (migration `m0032`): one message to leave the building — a
//! text, an e-mail or a webhook delivery — written in the same transaction
//! as the move it reports, then sent by the worker with retries. A row is
//! `pending` until `sent` or `failed` (given up); `lease_until` holds it for
//! the one sender that claimed it, so a sender that dies mid-send leaves it
//! to be claimed again (at least once; every try carries the row's id as
//! its idempotency key, for the receiving side to drop a repeat).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `sms`, `email` or `webhook` (`domain::OutChannel`).
    pub channel: String,
    /// A phone number, an e-mail address, or a webhook's id.
    #[sea_orm(indexed)]
    pub recipient: String,
    /// What to send, as JSON: an `SmsText`, a mail's subject and body, or
    /// the webhook's body exactly as every try sends it.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// `pending`, `sent` or `failed`.
    #[sea_orm(indexed)]
    pub state: String,
    pub attempts: i32,
    pub next_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    /// The provider's id for what it accepted (BizId, SerialNo, …).
    pub provider_ref: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
