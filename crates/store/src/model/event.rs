//! One entry of a topic's public timeline, as the page, the API and the
//! inbox read it: kind, role and facts typed, the text left to the reader.
use chrono::{DateTime, Utc};
use domain::{EventDetail, EventKind, Role, TaskId, TopicId, UserId};

use super::parsed;
use crate::StoreError;
use crate::entity::topic_event;

/// One entry of a topic's public timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicEvent {
    /// The topic whose timeline it is on.
    pub topic: TopicId,
    /// The task (工单) it is about, if any.
    pub task: Option<TaskId>,
    /// What happened.
    pub kind: EventKind,
    /// The account that acted; `None` for someone without one.
    pub actor_user: Option<UserId>,
    /// As the public sees them (匿名群众 for an anonymous submitter).
    pub actor_name: String,
    /// The role the actor acted in.
    pub actor_role: Role,
    /// The entry's facts, rendered into Chinese where shown.
    pub detail: EventDetail,
    /// When it happened; entries of one write share the instant.
    pub at: DateTime<Utc>,
}

impl TryFrom<topic_event::Model> for TopicEvent {
    type Error = StoreError;

    fn try_from(row: topic_event::Model) -> Result<Self, StoreError> {
        let detail = match row.data.as_deref() {
            Some(json) => serde_json::from_str(json)
                .map_err(|e| StoreError::Corrupt(format!("topic_events.data: {e}")))?,
            None if row.detail.is_empty() => EventDetail::None,
            None => EventDetail::Legacy { text: row.detail },
        };
        Ok(TopicEvent {
            topic: TopicId(row.topic_id),
            task: row.task_id.map(TaskId),
            kind: parsed(&row.kind, EventKind::parse, "topic_events.kind")?,
            actor_user: row.actor_user_id.map(UserId),
            actor_name: row.actor_name,
            actor_role: parsed(&row.actor_role, Role::parse, "topic_events.actor_role")?,
            detail,
            at: row.created_at,
        })
    }
}
