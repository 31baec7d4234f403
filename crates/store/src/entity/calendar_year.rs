//! A year whose holiday schedule has been entered, and the notice it comes
//! from; a year without a row is not guessed at (migration `m0013`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "calendar_years")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub source: String,
}

impl ActiveModelBehavior for ActiveModel {}
