//! 督办单: a leader's formal order on a task and the department's answer
//! (migration `m0016`). `escalated_at` is set once, by whichever worker
//! finds the order unanswered past its date first.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "supervision_orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub task_id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    pub issued_by: i64,
    pub issuer_name: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub answer_by: Date,
    pub issued_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub answer: Option<String>,
    pub answered_by: Option<i64>,
    pub answered_at: Option<DateTimeUtc>,
    pub escalated_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
