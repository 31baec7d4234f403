//! A department task and a deliberation meeting, as pages and the API read them.
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    DepartmentId, MeetingId, MeetingState, OpinionId, RoomId, TaskId, TaskState, TopicId, UserId,
};

use super::parsed;
use crate::StoreError;
use crate::entity::{meeting, task};

/// 工单: what one department is asked to do about a topic, by when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// Its id, as URLs and the API name it.
    pub id: TaskId,
    /// The topic it carries out.
    pub topic: TopicId,
    /// The department asked to do it.
    pub department: DepartmentId,
    /// What is asked, in a line.
    pub title: String,
    /// Where it stands.
    pub state: TaskState,
    /// The day it is due; a granted extension moves it.
    pub due_date: NaiveDate,
    /// The date a waiting extension request asks for.
    pub requested_due: Option<NaiveDate>,
    /// The adopted opinion it carries out, when the leader named one.
    pub opinion: Option<OpinionId>,
    /// The clerk handling it (承办人), once the head named one.
    pub assignee: Option<UserId>,
    /// When it was given to the department.
    pub created_at: DateTime<Utc>,
    /// When it last moved.
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<task::Model> for Task {
    type Error = StoreError;

    fn try_from(row: task::Model) -> Result<Self, StoreError> {
        Ok(Task {
            id: TaskId(row.id),
            topic: TopicId(row.topic_id),
            department: DepartmentId(row.department_id),
            state: parsed(&row.state, TaskState::parse, "tasks.state")?,
            title: row.title,
            due_date: row.due_date,
            requested_due: row.requested_due,
            opinion: row.opinion_id.map(OpinionId),
            assignee: row.assignee_id.map(UserId),
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// 协商议事会 in a room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    /// Its id, as URLs and the API name it.
    pub id: MeetingId,
    /// The room that holds it.
    pub room: RoomId,
    /// Its name, e.g. 陈师社区秋季协商议事会.
    pub title: String,
    /// Where it is held.
    pub place: String,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// Where it stands: planned, notified, in session or closed.
    pub state: MeetingState,
    /// When the convener planned it.
    pub created_at: DateTime<Utc>,
}

impl TryFrom<meeting::Model> for Meeting {
    type Error = StoreError;

    fn try_from(row: meeting::Model) -> Result<Self, StoreError> {
        Ok(Meeting {
            id: MeetingId(row.id),
            room: RoomId(row.room_id),
            state: parsed(&row.state, MeetingState::parse, "meetings.state")?,
            title: row.title,
            place: row.place,
            starts_at: row.starts_at,
            created_at: row.created_at,
        })
    }
}
