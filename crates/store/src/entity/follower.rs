//! Someone to tell when a topic moves: its submitter's stand-ins, supporters
//! and residents who asked to follow it. A phone, when left, gets SMS too.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "followers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "follower")]
    pub topic_id: i64,
    /// "u:{user id}" or "d:{device token}".
    #[sea_orm(unique_key = "follower")]
    pub follower: String,
    pub phone: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
