//! 工单: a task for a functional department with a due date.
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(indexed)]
    pub topic_id: i64,
    #[sea_orm(indexed)]
    pub department_id: i64,
    pub title: String,
    #[sea_orm(indexed)]
    pub state: String,
    pub due_date: Date,
    /// The new due date a department asked for, until a leader decides.
    pub requested_due: Option<Date>,
    /// The adopted opinion the task carries out, when named (`m0015`).
    pub opinion_id: Option<i64>,
    /// The clerk the department's head named to handle it (`m0020`).
    pub assignee_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
