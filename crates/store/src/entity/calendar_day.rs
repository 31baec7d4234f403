//! A day the official calendar moves: a weekday off (法定节假日) or a
//! weekend worked (调休), from the State Council's yearly notice
//! (migration `m0013`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "calendar_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    /// True for a day off, false for a weekend worked.
    pub off: bool,
    /// The holiday's name (春节 …), or 调休上班.
    pub name: String,
}

impl ActiveModelBehavior for ActiveModel {}
