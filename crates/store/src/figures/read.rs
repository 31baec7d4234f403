//! A region's figures for a period, its rooms' and departments' for the
//! rankings, and the topics behind a figure. Sums of kept counters, plus
//! the one figure that is counted live (tasks overdue now).
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use domain::{
    Behind, DepartmentId, Key, MeetingId, MeetingState, Month, Period, RegionPath, RoomId, Tally,
    TaskState, TopicState, beijing_date,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    RelationDef,
};

use super::Scope;
use crate::entity::{figure_count as cell, meeting, region, room, task, topic, topic_event};
use crate::model::parsed;
use crate::{Result, Store};

/// A room's or department's figures for the period and the one before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked<Id> {
    /// Whose.
    pub id: Id,
    /// This period's.
    pub now: Tally,
    /// The period before's, for the change.
    pub before: Tally,
}

/// Something a figure counts, as its link lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FigureTopic {
    /// A topic's 查询码, or none for a meeting.
    pub tracking_no: Option<String>,
    /// A meeting's id, for a meeting.
    pub meeting: Option<MeetingId>,
    /// Its title.
    pub title: String,
    /// Where it stands, for a topic.
    pub state: Option<TopicState>,
    /// The room's id.
    pub room: RoomId,
    /// When it counted (the entry, the meeting's start, or the task's due date).
    pub at: DateTime<Utc>,
}

/// The cells' sum; PostgreSQL sums bigints as numeric, so it is cast back on both.
fn sum() -> Expr {
    Expr::cust("CAST(SUM(figure_counts.value) AS BIGINT)")
}

/// Sums of one scope's cells, per owner.
type Sums = HashMap<i64, Tally>;

impl Store {
    async fn sums(
        &self,
        scope: Scope,
        path_prefix: Option<&str>,
        owners: Option<&[i64]>,
        period: &Period,
    ) -> Result<Sums> {
        let mut q = cell::Entity::find()
            .select_only()
            .column(cell::Column::ScopeId)
            .column(cell::Column::Figure)
            .column_as(sum(), "total")
            .filter(cell::Column::Scope.eq(scope.code()))
            .filter(cell::Column::Month.between(period.first.0, period.last.0))
            .group_by(cell::Column::ScopeId)
            .group_by(cell::Column::Figure);
        if let Some(prefix) = path_prefix {
            q = q.filter(cell::Column::RegionPath.starts_with(prefix));
        }
        if let Some(ids) = owners {
            q = q.filter(cell::Column::ScopeId.is_in(ids.iter().copied()));
        }
        let rows: Vec<(i64, String, Option<i64>)> = q.into_tuple().all(self.conn()).await?;
        let mut out = Sums::new();
        for (id, figure, total) in rows {
            if let Some(key) = Key::parse(&figure) {
                out.entry(id).or_default().add(key, total.unwrap_or(0));
            }
        }
        Ok(out)
    }

    /// Tasks with their department past their due date today, under a
    /// region: (room, department) of each.
    async fn overdue_now(&self, path: &RegionPath) -> Result<Vec<(i64, i64)>> {
        Ok(self
            .overdue_tasks(path)
            .column(topic::Column::RoomId)
            .column(task::Column::DepartmentId)
            .into_tuple()
            .all(self.conn())
            .await?)
    }

    /// Tasks still with their department past their due date today, under
    /// a region, joined to their topics; the caller picks the columns.
    fn overdue_tasks(&self, path: &RegionPath) -> sea_orm::Select<task::Entity> {
        task::Entity::find()
            .select_only()
            .join(JoinType::InnerJoin, task_topic())
            .filter(task::Column::State.is_in(TaskState::WITH_DEPARTMENT.iter().map(|s| s.code())))
            .filter(task::Column::DueDate.lt(beijing_date(self.now())))
            .filter(topic::Column::RegionPath.starts_with(path.encode()))
    }

    /// A region's figures for a period: every room below it.
    pub async fn figures(&self, path: &RegionPath, period: &Period) -> Result<Tally> {
        let Some(id) = path.id() else {
            return Ok(Tally::default());
        };
        let mut sums = self
            .sums(Scope::Region, None, Some(&[id.0]), period)
            .await?;
        let mut t = sums.remove(&id.0).unwrap_or_default();
        t.overdue_now = crate::count(self.overdue_now(path).await?.len()).into();
        Ok(t)
    }

    /// A region's figures month by month through the period (months with
    /// nothing are there, empty).
    pub async fn figures_by_month(
        &self,
        path: &RegionPath,
        period: &Period,
    ) -> Result<Vec<(Month, Tally)>> {
        let Some(id) = path.id() else {
            return Ok(Vec::new());
        };
        let rows: Vec<(i32, String, Option<i64>)> = region_cells(id.0, period, cell::Column::Month)
            .group_by(cell::Column::Month)
            .group_by(cell::Column::Figure)
            .into_tuple()
            .all(self.conn())
            .await?;
        let mut months: Vec<(Month, Tally)> = (0..period.months())
            .map(|k| (period.first.plus(k), Tally::default()))
            .collect();
        for (month, figure, total) in rows {
            let slot = months.iter_mut().find(|(m, _)| m.0 == month);
            if let (Some((_, t)), Some(key)) = (slot, Key::parse(&figure)) {
                t.add(key, total.unwrap_or(0));
            }
        }
        Ok(months)
    }

    /// Topics raised under a region in the period by category, most first.
    pub async fn figures_by_category(
        &self,
        path: &RegionPath,
        period: &Period,
    ) -> Result<Vec<(String, i64)>> {
        let Some(id) = path.id() else {
            return Ok(Vec::new());
        };
        let rows: Vec<(String, Option<i64>)> = region_cells(id.0, period, None)
            .filter(cell::Column::Figure.starts_with(super::CATEGORY))
            .group_by(cell::Column::Figure)
            .into_tuple()
            .all(self.conn())
            .await?;
        let mut out: Vec<(String, i64)> = rows
            .into_iter()
            .map(|(f, n)| {
                (
                    f.trim_start_matches(super::CATEGORY).to_owned(),
                    n.unwrap_or(0),
                )
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(out)
    }

    /// The regions directly below, each with its figures for the period and
    /// the one before.
    pub async fn figures_below(
        &self,
        below: &[domain::RegionId],
        period: &Period,
    ) -> Result<Vec<Ranked<domain::RegionId>>> {
        let ids: Vec<i64> = below.iter().map(|r| r.0).collect();
        let mut now = self.sums(Scope::Region, None, Some(&ids), period).await?;
        let mut before = self
            .sums(Scope::Region, None, Some(&ids), &period.previous())
            .await?;
        Ok(below
            .iter()
            .map(|r| Ranked {
                id: *r,
                now: now.remove(&r.0).unwrap_or_default(),
                before: before.remove(&r.0).unwrap_or_default(),
            })
            .collect())
    }

    /// Every room under a region that has figures in either period.
    pub async fn room_figures(
        &self,
        path: &RegionPath,
        period: &Period,
    ) -> Result<Vec<Ranked<RoomId>>> {
        self.owners_figures(Scope::Room, path, period, |(room, _)| room, RoomId)
            .await
    }

    /// Every department with tasks for topics under a region.
    pub async fn department_figures(
        &self,
        path: &RegionPath,
        period: &Period,
    ) -> Result<Vec<Ranked<DepartmentId>>> {
        self.owners_figures(
            Scope::Department,
            path,
            period,
            |(_, dept)| dept,
            DepartmentId,
        )
        .await
    }

    /// Rooms' or departments' figures under a region for the period and
    /// the one before; `owner` picks the room or department of an overdue task.
    async fn owners_figures<Id>(
        &self,
        scope: Scope,
        path: &RegionPath,
        period: &Period,
        owner: fn((i64, i64)) -> i64,
        id: fn(i64) -> Id,
    ) -> Result<Vec<Ranked<Id>>> {
        let prefix = path.encode();
        let now = self.sums(scope, Some(&prefix), None, period).await?;
        let before = self
            .sums(scope, Some(&prefix), None, &period.previous())
            .await?;
        let mut overdue: HashMap<i64, i64> = HashMap::new();
        for task in self.overdue_now(path).await? {
            *overdue.entry(owner(task)).or_default() += 1;
        }
        Ok(ranked(now, before, overdue, id))
    }

    /// The topics completed under a region in the period that residents
    /// liked most, for a report's 典型议题.
    pub async fn notable_resolved(
        &self,
        path: &RegionPath,
        period: &Period,
        limit: u64,
    ) -> Result<Vec<crate::Topic>> {
        let (from, to) = period.bounds();
        let completed = topic_event::Entity::find()
            .select_only()
            .column(topic_event::Column::TopicId)
            .filter(topic_event::Column::Kind.eq(domain::EventKind::Completed.code()))
            .filter(topic_event::Column::CreatedAt.gte(from))
            .filter(topic_event::Column::CreatedAt.lt(to))
            .into_query();
        crate::model::all(
            topic::Entity::find()
                .filter(topic::Column::RegionPath.starts_with(path.encode()))
                .filter(topic::Column::Id.in_subquery(completed))
                .order_by_desc(topic::Column::LikeCount)
                .order_by_asc(topic::Column::Id)
                .limit(limit)
                .all(self.conn())
                .await?,
        )
    }

    /// What a figure counts under a region in a period, latest first, at
    /// most `limit`.
    pub async fn figure_topics(
        &self,
        path: &RegionPath,
        period: &Period,
        behind: Behind,
        limit: u64,
    ) -> Result<Vec<FigureTopic>> {
        let (from, to) = period.bounds();
        let prefix = path.encode();
        match behind {
            Behind::Events(kinds, channel) => {
                let mut q = topic_event::Entity::find()
                    .select_only()
                    .column(topic::Column::TrackingNo)
                    .column(topic::Column::Title)
                    .column(topic::Column::State)
                    .column(topic::Column::RoomId)
                    .column(topic_event::Column::CreatedAt)
                    .join(JoinType::InnerJoin, event_topic())
                    .filter(topic_event::Column::Kind.is_in(kinds.iter().map(|k| k.code())))
                    .filter(topic_event::Column::CreatedAt.gte(from))
                    .filter(topic_event::Column::CreatedAt.lt(to))
                    .filter(topic::Column::RegionPath.starts_with(&prefix))
                    .order_by_desc(topic_event::Column::Id)
                    .limit(limit);
                if let Some(c) = channel {
                    q = q.filter(topic::Column::Channel.eq(c.code()));
                }
                let rows: Vec<(String, String, String, i64, DateTime<Utc>)> =
                    q.into_tuple().all(self.conn()).await?;
                rows.into_iter().map(topic_item).collect()
            }
            Behind::Liked => {
                let rows: Vec<(String, String, String, i64, DateTime<Utc>)> = topic::Entity::find()
                    .select_only()
                    .columns([
                        topic::Column::TrackingNo,
                        topic::Column::Title,
                        topic::Column::State,
                        topic::Column::RoomId,
                        topic::Column::UpdatedAt,
                    ])
                    .filter(topic::Column::RegionPath.starts_with(&prefix))
                    .filter(topic::Column::LikeCount.gt(0))
                    .order_by_desc(topic::Column::LikeCount)
                    .limit(limit)
                    .into_tuple()
                    .all(self.conn())
                    .await?;
                rows.into_iter().map(topic_item).collect()
            }
            Behind::Overdue => {
                let rows: Vec<(String, String, String, i64, chrono::NaiveDate)> = self
                    .overdue_tasks(path)
                    .columns([topic::Column::TrackingNo, topic::Column::Title])
                    .column(topic::Column::State)
                    .column(topic::Column::RoomId)
                    .column(task::Column::DueDate)
                    .order_by_asc(task::Column::DueDate)
                    .limit(limit)
                    .into_tuple()
                    .all(self.conn())
                    .await?;
                rows.into_iter()
                    .map(|(no, title, state, room, due)| {
                        topic_item((no, title, state, room, domain::beijing_midnight(due)))
                    })
                    .collect()
            }
            Behind::Meetings => {
                let rows = meetings_under(path)
                    .filter(meeting::Column::State.eq(MeetingState::Closed.code()))
                    .filter(meeting::Column::StartsAt.gte(from))
                    .filter(meeting::Column::StartsAt.lt(to))
                    .order_by_desc(meeting::Column::StartsAt)
                    .limit(limit)
                    .all(self.conn())
                    .await?;
                Ok(rows
                    .into_iter()
                    .map(|m| FigureTopic {
                        tracking_no: None,
                        meeting: Some(MeetingId(m.id)),
                        title: m.title,
                        state: None,
                        room: RoomId(m.room_id),
                        at: m.starts_at,
                    })
                    .collect())
            }
        }
    }
}

/// A region's cells in a period: `by` (if any), the figure and the sum.
fn region_cells(
    region: i64,
    period: &Period,
    by: impl Into<Option<cell::Column>>,
) -> sea_orm::Select<cell::Entity> {
    let q = cell::Entity::find().select_only();
    let q = match by.into() {
        Some(c) => q.column(c),
        None => q,
    };
    q.column(cell::Column::Figure)
        .column_as(sum(), "total")
        .filter(cell::Column::Scope.eq(Scope::Region.code()))
        .filter(cell::Column::ScopeId.eq(region))
        .filter(cell::Column::Month.between(period.first.0, period.last.0))
}

/// Tasks joined to their topics.
fn task_topic() -> RelationDef {
    task::Entity::belongs_to(topic::Entity)
        .from(task::Column::TopicId)
        .to(topic::Column::Id)
        .into()
}

/// Meetings of the rooms under a region.
pub(super) fn meetings_under(path: &RegionPath) -> sea_orm::Select<meeting::Entity> {
    let regions = region::Entity::find()
        .select_only()
        .column(region::Column::Id)
        .filter(region::Column::Path.starts_with(path.encode()))
        .into_query();
    let rooms = room::Entity::find()
        .select_only()
        .column(room::Column::Id)
        .filter(room::Column::RegionId.in_subquery(regions))
        .into_query();
    meeting::Entity::find().filter(meeting::Column::RoomId.in_subquery(rooms))
}

/// Timeline entries joined to their topics.
fn event_topic() -> RelationDef {
    topic_event::Entity::belongs_to(topic::Entity)
        .from(topic_event::Column::TopicId)
        .to(topic::Column::Id)
        .into()
}

fn topic_item(
    (no, title, state, room, at): (String, String, String, i64, DateTime<Utc>),
) -> Result<FigureTopic> {
    Ok(FigureTopic {
        tracking_no: Some(no),
        meeting: None,
        title,
        state: Some(parsed(&state, TopicState::parse, "topics.state")?),
        room: RoomId(room),
        at,
    })
}

fn ranked<Id>(
    mut now: Sums,
    mut before: Sums,
    overdue: HashMap<i64, i64>,
    id: fn(i64) -> Id,
) -> Vec<Ranked<Id>> {
    let mut owners: Vec<i64> = now
        .keys()
        .chain(before.keys())
        .chain(overdue.keys())
        .copied()
        .collect();
    owners.sort_unstable();
    owners.dedup();
    owners
        .into_iter()
        .map(|o| {
            let mut t = now.remove(&o).unwrap_or_default();
            t.overdue_now = overdue.get(&o).copied().unwrap_or(0);
            Ranked {
                id: id(o),
                now: t,
                before: before.remove(&o).unwrap_or_default(),
            }
        })
        .collect()
}
