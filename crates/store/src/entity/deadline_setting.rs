//! A region's own working days for a deadline class (migration `m0021`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "deadline_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "class")]
    pub region_id: i64,
    pub region_path: String,
    #[sea_orm(unique_key = "class")]
    pub class: String,
    pub working_days: i32,
    pub updated_by: i64,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
