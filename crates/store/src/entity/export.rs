//! A 工作台账 being made in the background (migration `m0039`), with the
//! count of topics written so far and, once made, the file. Derived and
//! short-lived: not backed up, deleted a day after it was asked for.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "exports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub region_id: i64,
    /// The period's code (`2026`, `2026-Q4`, …).
    pub period: String,
    pub requested_by: i64,
    /// Topics to write.
    pub total: i64,
    /// Topics written so far.
    pub done: i64,
    /// The made file; none while it is being made.
    pub file: Option<Vec<u8>>,
    /// Why making it failed, for the log; none otherwise.
    pub failure: Option<String>,
    #[sea_orm(indexed)]
    pub created_at: DateTimeUtc,
    /// When the count last moved.
    pub moved_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
