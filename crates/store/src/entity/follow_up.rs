//! 跟踪问效: a follow-up check of a completed topic, scheduled a set time
//! after completion (migration `m0017`). `notified_at` is set once, by the
//! worker that reminds the conveners; `recorded_at` when someone went back.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "follow_ups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    #[sea_orm(indexed)]
    pub due_on: Date,
    pub notified_at: Option<DateTimeUtc>,
    pub recorded_at: Option<DateTimeUtc>,
    pub recorded_by: Option<i64>,
    pub recorder_name: Option<String>,
    /// effective, partial, ineffective.
    pub outcome: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub note: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
