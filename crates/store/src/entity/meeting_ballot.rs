//! One attendee's ballot in a phone vote (migration `m0026`); the unique
//! (vote, attendee) index keeps it to one each even under a race.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "meeting_ballots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique_key = "one_ballot")]
    pub vote_id: i64,
    #[sea_orm(unique_key = "one_ballot")]
    pub invitation_id: i64,
    /// A `VoteChoice` code.
    pub choice: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
