//! A convener looked at a submitter's full phone number (migration `m0018`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "phone_reveals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    pub user_id: i64,
    pub revealed_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
