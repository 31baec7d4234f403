//! 职能部门: a functional department that receives tasks.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "departments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub region_id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// When it was retired (停用); it takes no new tasks (`m0028`).
    pub retired_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
