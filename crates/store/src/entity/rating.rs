//! A resident's satisfaction rating of a completed topic.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    pub satisfaction: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub created_at: DateTimeUtc,
    /// Who rated (person key); a supporter's rating needs it (`m0023`).
    pub rater: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
