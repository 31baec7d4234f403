//! 协商议事会: a deliberation meeting held in a room.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub room_id: i64,
    pub title: String,
    pub place: String,
    pub starts_at: DateTimeUtc,
    pub state: String,
    pub created_at: DateTimeUtc,
    /// The agenda item under discussion now (`m0026`).
    pub current_topic_id: Option<i64>,
    /// The campaign (专题活动) it counts in (`m0027`).
    pub campaign_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
