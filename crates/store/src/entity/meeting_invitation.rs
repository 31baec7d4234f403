//! Someone on a meeting's list (migration `m0025`): invited beforehand —
//! a registered person or a name with a phone — or signed in as a walk-in
//! at the door; their answer and when they signed in, and how.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "meeting_invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub meeting_id: i64,
    #[sea_orm(indexed)]
    pub user_id: Option<i64>,
    pub name: String,
    pub phone: Option<String>,
    /// A `ParticipantCategory` code.
    pub category: String,
    /// False for a walk-in signed in at the door.
    pub invited: bool,
    /// An `Rsvp` code.
    pub rsvp: String,
    pub answered_at: Option<DateTimeUtc>,
    pub present_at: Option<DateTimeUtc>,
    /// A `CheckIn` code, once signed in.
    pub check_in: Option<String>,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
