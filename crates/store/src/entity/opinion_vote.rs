//! 赞同 / 反对 / 跳过 on a statement: one per statement and voter; a new vote replaces the old.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "opinion_votes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub deliberation_id: i64,
    #[sea_orm(unique_key = "vote")]
    pub statement_id: i64,
    /// "u:{user id}" or "d:{device token}".
    #[sea_orm(unique_key = "vote")]
    pub voter: String,
    /// Public sign: agree = 1, disagree = -1, pass = 0.
    pub vote: i16,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
