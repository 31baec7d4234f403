//! A webhook (migration `m0032`): a URL another system (a 12345 hotline, a
//! city's work-order system) registered by a region's administrator to
//! hear of the chosen events on topics in that region. `failures` counts
//! failed deliveries in a row; at `domain::WEBHOOK_PAUSE_AFTER` it is
//! `paused` until an administrator resumes it.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub region_id: i64,
    /// The region's path, so events below it match by prefix.
    #[sea_orm(indexed)]
    pub region_path: String,
    pub url: String,
    /// The HMAC-SHA256 key deliveries are signed with.
    pub secret: String,
    /// Event kinds' codes, comma-separated.
    #[sea_orm(column_type = "Text")]
    pub events: String,
    pub failures: i32,
    pub paused: bool,
    pub retired: bool,
    pub created_by: i64,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
