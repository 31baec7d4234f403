//! 线上议事 (画出同心圆): one online deliberation per topic.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "deliberations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub topic_id: i64,
    /// "open" or "closed".
    pub state: String,
    pub created_at: DateTimeUtc,
    /// When a statement was last approved, rejected or marked meta
    /// (migration `m0007`).
    pub moderated_at: Option<DateTimeUtc>,
    /// Only accounts (phone-verified residents, officials) take part
    /// (migration `m0010`).
    pub verified_only: bool,
}

impl ActiveModelBehavior for ActiveModel {}
