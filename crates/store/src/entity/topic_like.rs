//! 点赞: at most one per topic and resident or device (the unique key enforces it).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "likes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "like")]
    pub topic_id: i64,
    /// "u:{user id}" or "d:{device token}".
    #[sea_orm(unique_key = "like")]
    pub liker: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
