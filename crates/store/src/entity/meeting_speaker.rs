//! One turn in a meeting's speakers' queue (发言; migration `m0026`).
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "meeting_speakers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub meeting_id: i64,
    /// The attendee, when someone on the list asked.
    pub invitation_id: Option<i64>,
    pub name: String,
    /// The agenda item under discussion when they asked.
    pub topic_id: Option<i64>,
    /// A `SpeakerState` code.
    pub state: String,
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
