//! The 工作台账: every topic raised in a region in a period with its whole
//! chain (triage, research, meetings, opinions and decisions, tasks,
//! completion, rating, likes). Read a page of topics at a time, each page
//! in a handful of queries, so a large region's export streams.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    EventKind, MeetingId, Period, RegionPath, Satisfaction, TaskState, TopicId, beijing_date,
};
use sea_orm::{
    ColumnTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::entity::{
    agenda_item, meeting, opinion, rating, research_record, task, topic, topic_event,
};
use crate::model::{self, parsed};
use crate::{Meeting, Opinion, Result, Store, Task, Topic};

/// One topic and its chain, as a 台账 row shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    /// The topic; its submitter's name and phone are not for the 台账.
    pub topic: Topic,
    /// How and when it was first triaged: accepted, rejected, merged or referred.
    pub triage: Option<(EventKind, DateTime<Utc>)>,
    /// Research visits recorded, and the day of the first.
    pub research_visits: usize,
    /// The first visit's day (or, without one, the day it was recorded).
    pub researched_on: Option<NaiveDate>,
    /// The meetings that put it on their agenda: (title, start), in order.
    pub meetings: Vec<(String, DateTime<Utc>)>,
    /// The opinions formed, with leadership's decisions.
    pub opinions: Vec<Opinion>,
    /// Its tasks, each with the day the department last reported it done.
    pub tasks: Vec<(Task, Option<NaiveDate>)>,
    /// When it was last completed (办结).
    pub completed_at: Option<DateTime<Utc>>,
    /// The latest rating of its result.
    pub rating: Option<Satisfaction>,
}

/// The entries that date a topic's stages.
const DATED: [EventKind; 7] = [
    EventKind::Accepted,
    EventKind::Rejected,
    EventKind::Merged,
    EventKind::Referred,
    EventKind::Completed,
    EventKind::TaskDone,
    EventKind::CompletionSubmitted,
];

/// The topics of the 台账: raised under `path` in `period`.
fn raised(path: &RegionPath, period: &Period) -> sea_orm::Select<topic::Entity> {
    let (from, until) = period.bounds();
    topic::Entity::find()
        .filter(topic::Column::RegionPath.starts_with(path.encode()))
        .filter(topic::Column::CreatedAt.gte(from))
        .filter(topic::Column::CreatedAt.lt(until))
}

impl Store {
    /// How many topics the 台账 of `path` for `period` has: whether it is
    /// made while the request waits or in the background with progress.
    pub async fn ledger_size(&self, path: &RegionPath, period: &Period) -> Result<u64> {
        Ok(raised(path, period).count(self.conn()).await?)
    }

    /// Up to `limit` topics raised under `path` in `period`, after the
    /// topic `after` (in the order they came), each with its chain.
    pub async fn ledger(
        &self,
        path: &RegionPath,
        period: &Period,
        after: Option<TopicId>,
        limit: u64,
    ) -> Result<Vec<LedgerRow>> {
        let conn = self.conn();
        let topics: Vec<Topic> = model::all(
            raised(path, period)
                .filter(topic::Column::Id.gt(after.map_or(0, |t| t.0)))
                .order_by_asc(topic::Column::Id)
                .limit(limit)
                .all(conn)
                .await?,
        )?;
        let ids: Vec<i64> = topics.iter().map(|t| t.id.0).collect();
        let mut rows: HashMap<i64, LedgerRow> = topics
            .into_iter()
            .map(|t| (t.id.0, LedgerRow::new(t)))
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let events: Vec<(i64, Option<i64>, String, DateTime<Utc>)> = topic_event::Entity::find()
            .select_only()
            .columns([
                topic_event::Column::TopicId,
                topic_event::Column::TaskId,
                topic_event::Column::Kind,
                topic_event::Column::CreatedAt,
            ])
            .filter(topic_event::Column::TopicId.is_in(ids.clone()))
            .filter(topic_event::Column::Kind.is_in(DATED.iter().map(|k| k.code())))
            .order_by_asc(topic_event::Column::Id)
            .into_tuple()
            .all(conn)
            .await?;
        let mut done_on: HashMap<i64, NaiveDate> = HashMap::new();
        for (topic_id, task_id, kind, at) in events {
            let kind = parsed(&kind, EventKind::parse, "topic_events.kind")?;
            let Some(row) = rows.get_mut(&topic_id) else {
                continue;
            };
            match kind {
                EventKind::Completed => row.completed_at = Some(at),
                EventKind::TaskDone | EventKind::CompletionSubmitted => {
                    if let Some(t) = task_id {
                        done_on.insert(t, beijing_date(at));
                    }
                }
                _ => {
                    row.triage.get_or_insert((kind, at));
                }
            }
        }
        let visits: Vec<(i64, Option<NaiveDate>, DateTime<Utc>)> = research_record::Entity::find()
            .select_only()
            .columns([
                research_record::Column::TopicId,
                research_record::Column::VisitedOn,
                research_record::Column::CreatedAt,
            ])
            .filter(research_record::Column::TopicId.is_in(ids.clone()))
            .into_tuple()
            .all(conn)
            .await?;
        for (topic_id, visited, at) in visits {
            if let Some(row) = rows.get_mut(&topic_id) {
                row.research_visits += 1;
                let day = visited.unwrap_or_else(|| beijing_date(at));
                row.researched_on = Some(row.researched_on.map_or(day, |d| d.min(day)));
            }
        }
        let agendas: Vec<(i64, String, DateTime<Utc>)> = agenda_item::Entity::find()
            .select_only()
            .column(agenda_item::Column::TopicId)
            .column(meeting::Column::Title)
            .column(meeting::Column::StartsAt)
            .join(
                JoinType::InnerJoin,
                agenda_item::Entity::belongs_to(meeting::Entity)
                    .from(agenda_item::Column::MeetingId)
                    .to(meeting::Column::Id)
                    .into(),
            )
            .filter(agenda_item::Column::TopicId.is_in(ids.clone()))
            .order_by_asc(meeting::Column::StartsAt)
            .into_tuple()
            .all(conn)
            .await?;
        for (topic_id, title, at) in agendas {
            if let Some(row) = rows.get_mut(&topic_id) {
                row.meetings.push((title, at));
            }
        }
        let opinions: Vec<Opinion> = model::all(
            opinion::Entity::find()
                .filter(opinion::Column::TopicId.is_in(ids.clone()))
                .order_by_asc(opinion::Column::Id)
                .all(conn)
                .await?,
        )?;
        for o in opinions {
            if let Some(row) = rows.get_mut(&o.topic.0) {
                row.opinions.push(o);
            }
        }
        let tasks: Vec<Task> = model::all(
            task::Entity::find()
                .filter(task::Column::TopicId.is_in(ids.clone()))
                .order_by_asc(task::Column::Id)
                .all(conn)
                .await?,
        )?;
        for t in tasks {
            // Reported done and accepted as done; a report still awaiting
            // its head's approval, or sent back, is not done.
            let finished = matches!(t.state, TaskState::Done | TaskState::Verified);
            let done = done_on.get(&t.id.0).copied().filter(|_| finished);
            if let Some(row) = rows.get_mut(&t.topic.0) {
                row.tasks.push((t, done));
            }
        }
        let ratings: Vec<(i64, String)> = rating::Entity::find()
            .select_only()
            .column(rating::Column::TopicId)
            .column(rating::Column::Satisfaction)
            .filter(rating::Column::TopicId.is_in(ids.clone()))
            .order_by_asc(rating::Column::Id)
            .into_tuple()
            .all(conn)
            .await?;
        for (topic_id, s) in ratings {
            let s = parsed(&s, Satisfaction::parse, "ratings.satisfaction")?;
            if let Some(row) = rows.get_mut(&topic_id) {
                row.rating = Some(s);
            }
        }
        Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
    }
}

impl Store {
    /// Up to `limit` meetings under `path` starting in `period`, after the
    /// meeting `after`, in the order they were planned: open data.
    pub async fn meetings_under(
        &self,
        path: &RegionPath,
        period: &Period,
        after: Option<MeetingId>,
        limit: u64,
    ) -> Result<Vec<Meeting>> {
        let (from, until) = period.bounds();
        model::all(
            super::read::meetings_under(path)
                .filter(meeting::Column::StartsAt.gte(from))
                .filter(meeting::Column::StartsAt.lt(until))
                .filter(meeting::Column::Id.gt(after.map_or(0, |m| m.0)))
                .order_by_asc(meeting::Column::Id)
                .limit(limit)
                .all(self.conn())
                .await?,
        )
    }
}

impl LedgerRow {
    fn new(topic: Topic) -> Self {
        LedgerRow {
            topic,
            triage: None,
            research_visits: 0,
            researched_on: None,
            meetings: Vec::new(),
            opinions: Vec::new(),
            tasks: Vec::new(),
            completed_at: None,
            rating: None,
        }
    }
}
