//! A supervision notice sent about a task (催办, 黄牌, 红牌): unique per task
//! and notice, so each goes out once however often and on however many
//! workers supervision runs (migration `m0014`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "task_notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "notice", indexed)]
    pub task_id: i64,
    #[sea_orm(unique_key = "notice")]
    pub notice: String,
    pub sent_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
