//! 挂钩代表: a committee member, deputy or other registered person linked to
//! a room (migration `m0025`): offered when research or a meeting picks
//! people, and counted in their duty record.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "room_people")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub room_id: i64,
    #[sea_orm(indexed)]
    pub user_id: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
