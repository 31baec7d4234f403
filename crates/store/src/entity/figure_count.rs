//! 工作指标: one kept number — a counter (`domain::Key` code) for a room, a
//! region (every room below it) or a department (its tasks for topics of
//! one village or community) in one month (`m0035`). Each timeline entry
//! adds to its cells in the entry's own transaction.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "figure_counts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `room`, `region` or `dept`.
    #[sea_orm(unique_key = "cell")]
    pub scope: String,
    #[sea_orm(unique_key = "cell")]
    pub scope_id: i64,
    /// The room's region, the region's own path, or (for a department) the
    /// path of the topic's region; moved with its region.
    #[sea_orm(unique_key = "cell", indexed)]
    pub region_path: String,
    /// `year * 100 + month`, Beijing time.
    #[sea_orm(unique_key = "cell")]
    pub month: i32,
    #[sea_orm(unique_key = "cell")]
    pub figure: String,
    pub value: i64,
}

impl ActiveModelBehavior for ActiveModel {}
