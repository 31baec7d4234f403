//! A department task and a deliberation meeting, as pages and the API read them.
use chrono::{DateTime, NaiveDate, Utc};
use domain::{DepartmentId, MeetingId, MeetingState, RoomId, TaskId, TaskState, TopicId};

use super::parsed;
use crate::StoreError;
use crate::entity::{meeting, task};

/// 工单: what one department is asked to do about a topic, by when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: TaskId,
    pub topic: TopicId,
    pub department: DepartmentId,
    pub title: String,
    pub state: TaskState,
    pub due_date: NaiveDate,
    /// The date a waiting extension request asks for.
    pub requested_due: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
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
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// 协商议事会 in a room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub id: MeetingId,
    pub room: RoomId,
    pub title: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub state: MeetingState,
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
