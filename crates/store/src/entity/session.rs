//! A signed-in session; the cookie holds a random token, the table only its hash.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    #[sea_orm(indexed)]
    pub user_id: i64,
    pub created_at: DateTimeUtc,
    #[sea_orm(indexed)]
    pub expires_at: DateTimeUtc,
    /// The address it was started from, for its owner's list (`m0029`).
    #[sea_orm(default_value = "")]
    pub address: String,
    /// Empty for a session in use; `code` while the password was right and
    /// the second factor is still to come; `enrolment` while a region's
    /// rule waits for the official to set one up (`m0030`).
    #[sea_orm(default_value = "")]
    pub awaiting: String,
}

impl ActiveModelBehavior for ActiveModel {}
