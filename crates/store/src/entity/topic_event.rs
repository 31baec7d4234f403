//! One entry of a topic's public timeline: who, in which role, when, what.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "topic_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    pub task_id: Option<i64>,
    pub kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: String,
    /// The role's code (`convener`); rows before `m0008` held its Chinese label.
    pub actor_role: String,
    /// Text of rows written before `m0008`; empty since (see `data`).
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    /// The entry's facts as JSON (`domain::EventDetail`), rendered where shown (`m0008`).
    #[sea_orm(column_type = "Text", nullable)]
    pub data: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
