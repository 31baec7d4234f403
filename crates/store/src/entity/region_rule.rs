//! A region's own rules for its departments' work (migration `m0022`):
//! whether a completion needs the department head's approval, and whether
//! its officials must use a second factor, and its topic categories.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "region_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub region_id: i64,
    pub region_path: String,
    pub head_approval: bool,
    /// Officials working here must use a second factor (`m0030`).
    #[sea_orm(default_value = false)]
    pub second_factor: bool,
    /// The region's own topic categories, one per line; empty when it
    /// files under the list from above (`m0031`).
    #[sea_orm(column_type = "Text", default_value = "")]
    pub categories: String,
    pub updated_by: i64,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
