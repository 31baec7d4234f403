//! A vote taken in a meeting (表决; migration `m0026`): by show of hands,
//! counted by the convener, or by phone, each ballot a `meeting_ballots` row.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "meeting_votes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub meeting_id: i64,
    pub topic_id: Option<i64>,
    pub question: String,
    /// A `VoteMode` code.
    pub mode: String,
    pub yes: i32,
    pub no: i32,
    pub abstain: i32,
    pub open: bool,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
