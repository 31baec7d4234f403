//! A room taking part in a campaign (migration `m0027`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "campaign_rooms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed, unique_key = "campaign_room")]
    pub campaign_id: i64,
    #[sea_orm(unique_key = "campaign_room")]
    pub room_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
