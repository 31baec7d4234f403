//! 专题活动 (migration `m0027`): a named window with a theme, run by a
//! region's leaders; `campaign_rooms` lists the rooms that take part, and
//! topics and meetings name the campaign they count in.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub region_id: i64,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub theme: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
