//! 附议: a resident's "me too" on an open topic, at most one per person or device.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "supports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "support")]
    pub topic_id: i64,
    /// "u:{user id}" or "d:{device token}", as for likes.
    #[sea_orm(unique_key = "support")]
    pub supporter: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
