//! A role held by a user, scoped to a region, room or department.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "grants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed, unique_key = "grant")]
    pub user_id: i64,
    #[sea_orm(unique_key = "grant")]
    pub role: String,
    #[sea_orm(unique_key = "grant")]
    pub scope_kind: String,
    /// Region, room or department id according to `scope_kind`; 0 for global.
    #[sea_orm(unique_key = "grant")]
    pub scope_id: i64,
}

impl ActiveModelBehavior for ActiveModel {}
