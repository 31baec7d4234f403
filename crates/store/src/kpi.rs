//! Figures for governance KPIs, computed from the timeline itself.
use chrono::{DateTime, Utc};
use domain::{Channel, EventKind, RoomId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{topic, topic_event};
use crate::{Result, Store};

/// The moves that end triage (受理): accept, reject, merge, refer.
const TRIAGE: [EventKind; 4] = [
    EventKind::Accepted,
    EventKind::Rejected,
    EventKind::Merged,
    EventKind::Referred,
];

impl Store {
    /// Seconds from submission to triage for the topics of these rooms
    /// submitted since `since` and triaged already (党政点题 is accepted on
    /// creation and does not count).
    pub async fn triage_seconds(&self, rooms: &[RoomId], since: DateTime<Utc>) -> Result<Vec<i64>> {
        let topics = topic::Entity::find()
            .filter(topic::Column::RoomId.is_in(rooms.iter().map(|r| r.0)))
            .filter(topic::Column::CreatedAt.gte(since))
            .filter(topic::Column::Channel.ne(Channel::Leadership.code()))
            .all(self.conn())
            .await?;
        if topics.is_empty() {
            return Ok(Vec::new());
        }
        let events = topic_event::Entity::find()
            .filter(topic_event::Column::TopicId.is_in(topics.iter().map(|t| t.id)))
            .filter(topic_event::Column::Kind.is_in(TRIAGE.iter().map(|k| k.code())))
            .order_by_asc(topic_event::Column::Id)
            .all(self.conn())
            .await?;
        let mut out = Vec::new();
        for t in &topics {
            if let Some(e) = events.iter().find(|e| e.topic_id == t.id) {
                out.push((e.created_at - t.created_at).num_seconds().max(0));
            }
        }
        Ok(out)
    }
}
