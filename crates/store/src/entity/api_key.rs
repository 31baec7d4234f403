//! A key another system posts with (migration `m0034`): Open311 clients and
//! a 12345 hotline, each issued by a region's administrator and good for
//! rooms in that region. Only the key's SHA-256 is kept.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Who uses it, e.g. 涟水县12345热线.
    pub name: String,
    pub region_id: i64,
    #[sea_orm(indexed)]
    pub region_path: String,
    /// Hex SHA-256 of the key.
    #[sea_orm(unique)]
    pub key_hash: String,
    pub retired: bool,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
