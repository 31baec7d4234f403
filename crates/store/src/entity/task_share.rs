//! 联办: a co-handling department's share of a task, signed and reported on
//! by itself (migration `m0019`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "task_shares")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "share", indexed)]
    pub task_id: i64,
    #[sea_orm(unique_key = "share", indexed)]
    pub department_id: i64,
    pub state: String,
    /// What the co-handler reported when done.
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
