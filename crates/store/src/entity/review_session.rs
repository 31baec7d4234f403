//! 上会研究: a leadership meeting of a region that rules on consultation
//! opinions one by one (migration `m0015`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "review_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub region_id: i64,
    /// The region's path, so the sessions covering a topic are one prefix test.
    pub region_path: String,
    pub title: String,
    pub held_on: Date,
    #[sea_orm(column_type = "Text")]
    pub attendees: String,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
