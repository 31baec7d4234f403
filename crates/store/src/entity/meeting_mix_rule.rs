//! The mix of categories a convener wants at a meeting (migration `m0025`):
//! at least so many, and at least such a share, of one category.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "meeting_mix_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub meeting_id: i64,
    /// A `ParticipantCategory` code.
    pub category: String,
    pub at_least: i32,
    pub share_percent: i32,
}

impl ActiveModelBehavior for ActiveModel {}
