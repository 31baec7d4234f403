//! An official's authenticator key (migration `m0030`); `confirmed_at` is
//! empty until they typed a first code from it, and `last_step` is the time
//! step of the last code accepted, so no code opens two sign-ins.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "second_factors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// The key in base32.
    pub secret: String,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub last_step: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
