//! 行政区划: province → city → county → township → village, as a materialised path.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "regions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub parent_id: Option<i64>,
    pub name: String,
    pub level: String,
    /// "/1/5/12/" — lets "everything below this region" be one prefix query.
    #[sea_orm(indexed)]
    pub path: String,
    /// When it was retired (撤销); it keeps its history but takes nothing new (`m0028`).
    pub retired_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
