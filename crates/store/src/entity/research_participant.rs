//! Someone who took part in a research record, with the category that
//! counts them (migration `m0024`); `user_id` when chosen from the people
//! registered, so a member's duty record finds the research they joined.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "research_participants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub record_id: i64,
    pub topic_id: i64,
    pub name: String,
    /// A `ParticipantCategory` code.
    pub category: String,
    #[sea_orm(indexed)]
    pub user_id: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
