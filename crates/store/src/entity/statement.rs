//! A short statement participants agree or disagree with (a Pol.is comment).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "statements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed, unique_key = "tid")]
    pub deliberation_id: i64,
    /// The Pol.is comment id within the deliberation, from 0.
    #[sea_orm(unique_key = "tid")]
    pub tid: i64,
    pub text: String,
    pub author_user_id: Option<i64>,
    pub author_device: Option<String>,
    /// "pending", "approved" or "rejected".
    pub state: String,
    /// About the conversation rather than an opinion; left out of the math.
    pub is_meta: bool,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
