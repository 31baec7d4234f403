//! 协商意见 reached at a meeting, and the leadership's decision on it.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "opinions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    pub meeting_id: i64,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub decision: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub instructions: String,
    /// The leadership meeting that ruled on it (`m0015`).
    pub review_session_id: Option<i64>,
    /// 部分采纳: the part adopted.
    #[sea_orm(column_type = "Text", nullable)]
    pub part: Option<String>,
    /// 不予采纳: the reason, public.
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
    pub reviewed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
