//! A topic's photo (a resident's, or evidence of work done or of a
//! follow-up check): the keys of its re-encoded full image and thumbnail in
//! the photo store (content-addressed), in the order the resident chose them.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "photos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    pub position: i32,
    pub key: String,
    pub thumb_key: String,
    pub width: i32,
    pub height: i32,
    pub created_at: DateTimeUtc,
    /// Evidence of a department's completion report (`m0017`).
    pub task_id: Option<i64>,
    /// Taken at a follow-up check (`m0017`).
    pub follow_up_id: Option<i64>,
    /// Evidence of a research visit (`m0024`).
    pub research_record_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
