//! The API's JSON shapes: codes for machines, labels in Chinese for people.
use domain::{Channel, TaskState};
use serde::Serialize;

use crate::view::{fmt_time, state_label};

pub fn room(r: &store::Room) -> serde_json::Value {
    serde_json::json!({
        "code": r.code, "name": r.name, "place": r.place,
        "description": r.description, "allow_anonymous": r.allow_anonymous,
    })
}

#[derive(Debug, Serialize)]
pub struct TopicJson {
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    pub place: String,
    pub room: String,
    pub room_name: String,
    pub channel: String,
    pub channel_label: String,
    pub state: String,
    pub state_label: String,
    pub decision: Option<String>,
    pub like_count: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl TopicJson {
    pub fn new(t: &store::Topic, room: &store::Room) -> Self {
        TopicJson {
            tracking_no: t.tracking_no.clone(),
            title: t.title.clone(),
            category: t.category.clone(),
            place: t.place.clone(),
            room: room.code.clone(),
            room_name: room.name.clone(),
            channel: t.channel.clone(),
            channel_label: Channel::parse(&t.channel)
                .map(|c| c.label_zh())
                .unwrap_or("")
                .to_owned(),
            state: t.state.clone(),
            state_label: state_label(&t.state),
            decision: t.decision.clone(),
            like_count: t.like_count,
            created_at: t.created_at.to_rfc3339(),
            updated_at: t.updated_at.to_rfc3339(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct EventJson {
    pub kind: String,
    pub label: String,
    pub actor: String,
    pub role: String,
    pub detail: String,
    pub at: String,
    pub at_local: String,
}

impl EventJson {
    pub fn new(e: &store::TopicEvent) -> Self {
        EventJson {
            kind: e.kind.clone(),
            label: domain::EventKind::parse(&e.kind)
                .map(|k| k.label_zh())
                .unwrap_or("")
                .to_owned(),
            actor: e.actor_name.clone(),
            role: e.actor_role.clone(),
            detail: e.detail.clone(),
            at: e.created_at.to_rfc3339(),
            at_local: fmt_time(e.created_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TaskJson {
    pub id: i64,
    pub title: String,
    pub department: String,
    pub state: String,
    pub state_label: String,
    pub due_date: String,
    pub requested_due: Option<String>,
    pub overdue: bool,
}

impl TaskJson {
    pub fn new(t: &store::Task, d: &store::Department) -> Self {
        let state = TaskState::parse(&t.state);
        TaskJson {
            id: t.id,
            title: t.title.clone(),
            department: d.name.clone(),
            state: t.state.clone(),
            state_label: state.map(|s| s.label_zh()).unwrap_or("").to_owned(),
            due_date: t.due_date.to_string(),
            requested_due: t.requested_due.map(|d| d.to_string()),
            overdue: state.is_some_and(|s| s.is_overdue(t.due_date, crate::view::today())),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct MeetingJson {
    pub id: i64,
    pub title: String,
    pub place: String,
    pub starts_at: String,
    pub state: String,
    pub state_label: String,
    pub agenda: Vec<String>,
}

impl MeetingJson {
    pub fn new(m: &store::Meeting, agenda: Vec<store::Topic>) -> Self {
        MeetingJson {
            id: m.id,
            title: m.title.clone(),
            place: m.place.clone(),
            starts_at: m.starts_at.to_rfc3339(),
            state: m.state.clone(),
            state_label: domain::MeetingState::parse(&m.state)
                .map(|s| s.label_zh())
                .unwrap_or("")
                .to_owned(),
            agenda: agenda.into_iter().map(|t| t.tracking_no).collect(),
        }
    }
}
