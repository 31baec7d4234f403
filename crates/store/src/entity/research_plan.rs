//! 调研方案: what a topic's research sets out to find, where, when, who
//! leads it and how (migration `m0024`); one per topic, rewritten in place.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "research_plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub topic_id: i64,
    #[sea_orm(column_type = "Text")]
    pub questions: String,
    pub places: String,
    pub period: String,
    pub lead: String,
    /// Method codes separated by commas (visit, forum, survey, documents).
    pub methods: String,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
