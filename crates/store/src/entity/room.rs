//! 议事室: a deliberation room in a village or community.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "rooms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub region_id: i64,
    /// Permanent short code printed in the room's QR poster; survives renames.
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub place: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub allow_anonymous: bool,
    /// When it was retired (停用); its page says so and takes no topics (`m0028`).
    pub retired_at: Option<DateTimeUtc>,
    /// Where it is, millionths of a degree (`m0034`).
    pub lat_e6: Option<i64>,
    pub lng_e6: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
