//! The audit chain's head: one row, locked by each write that appends, so
//! concurrent writers on PostgreSQL take their turns in the chain.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "audit_head")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub seq: i64,
    pub hash: String,
}

impl ActiveModelBehavior for ActiveModel {}
