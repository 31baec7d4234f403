//! 消息: one line in a person's or device's inbox, written in the same
//! transaction as the move it reports (its text, if any, is queued in the
//! `outbox` by the same write).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// "u:{user id}" or "d:{device token}".
    #[sea_orm(indexed)]
    pub recipient: String,
    pub topic_id: i64,
    pub text: String,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// The number the line was also texted to (the text itself is in `outbox`).
    #[sea_orm(indexed)]
    pub sms_to: Option<String>,
    /// Where a line not about a topic leads (a meeting's invitation; `m0025`); `topic_id` is 0 then.
    pub link: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
