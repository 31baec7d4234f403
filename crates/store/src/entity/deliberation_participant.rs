//! A phone's first vote in an online deliberation: where from (a keyed hash
//! of its network address) and when, and whether the convener left it out
//! of the map as part of a burst (migration `m0011`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "deliberation_participants")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "participant", indexed)]
    pub deliberation_id: i64,
    /// "d:{device token}"; accounts are verified and not recorded.
    #[sea_orm(unique_key = "participant")]
    pub participant: String,
    pub origin: String,
    pub first_at: DateTimeUtc,
    pub discounted: bool,
}

impl ActiveModelBehavior for ActiveModel {}
