//! 会议纪要 (migration `m0026`): what the convener writes beyond what the
//! records already say (attendance, opinions and votes are filled in from
//! them); public once published.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "meeting_minutes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub meeting_id: i64,
    pub chair: String,
    pub recorder: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub published_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
