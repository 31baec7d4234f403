//! A person: an official or member with a password, or a resident known by phone.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: Option<String>,
    #[sea_orm(unique)]
    pub phone: Option<String>,
    pub display_name: String,
    pub title: String,
    /// Participant categories as comma-separated codes (党员, 人大代表, …).
    pub categories: String,
    pub password_hash: Option<String>,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    /// When an administrator disabled the account; it cannot sign in (`m0028`).
    pub disabled_at: Option<DateTimeUtc>,
    /// Set by a reset: the next sign-in must choose a new password first.
    #[sea_orm(default_value = false)]
    pub must_change_password: bool,
    /// The region whose administrators look after this person (`m0028`).
    pub region_id: Option<i64>,
    /// Where notices go by e-mail, when the person chose it (`m0033`).
    pub email: Option<String>,
    /// `domain::NoticeBy`: notices by text or by e-mail.
    #[sea_orm(default_value = "sms")]
    pub notice_by: String,
}

impl ActiveModelBehavior for ActiveModel {}
