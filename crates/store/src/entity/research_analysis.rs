//! 调研分析: the analysis of a topic's research in its four sections
//! (migration `m0024`); one per topic, rewritten in place.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "research_analyses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub topic_id: i64,
    #[sea_orm(column_type = "Text")]
    pub feasibility: String,
    #[sea_orm(column_type = "Text")]
    pub measures: String,
    #[sea_orm(column_type = "Text")]
    pub risks: String,
    #[sea_orm(column_type = "Text")]
    pub recommendation: String,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
