//! 工作指标 kept as the chain moves: every timeline entry, closed meeting
//! and batch of likes adds to the counters of its room, every region above
//! the room and (for tasks) its department, for the month it happened in,
//! in its own transaction. Reading a county's year is then a sum over a
//! few hundred rows (`read.rs`).
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use domain::{
    Calendar, Channel, Counter, EventDetail, EventFacts, EventKind, Key, Month,
    ParticipantCategory, RegionPath, TaskTiming, beijing_date,
};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set,
};

use crate::entity::{
    figure_count as cell, meeting_invitation, region, research_record, room, setting, task, topic,
    topic_event,
};
use crate::model::parsed;
use crate::{Result, Store, StoreError, WriteTx};

mod ledger;
mod read;

pub use ledger::LedgerRow;
pub use read::{FigureTopic, Ranked};

/// Where a kept number belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Scope {
    Room,
    Region,
    Department,
}

impl Scope {
    fn code(self) -> &'static str {
        match self {
            Scope::Room => "room",
            Scope::Region => "region",
            Scope::Department => "dept",
        }
    }
}

/// Additions to kept numbers, summed per cell before they are written (one
/// statement cannot update the same row twice on PostgreSQL). A write
/// gathers them and writes them just before `COMMIT`, in one statement in
/// one order, so concurrent writes lock the cells they share in the same
/// order (no deadlock) and for the least time.
#[derive(Default)]
pub(crate) struct Cells(BTreeMap<(Scope, i64, String, Month, String), i64>);

impl WriteTx {
    /// Adds cells to those this write will write at commit.
    fn add_figures(&self, cells: Cells) {
        self.figures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .merge(cells);
    }

    /// The cells gathered, taken for writing.
    pub(crate) fn take_figures(&self) -> Cells {
        std::mem::take(
            &mut *self
                .figures
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

impl Cells {
    /// Adds another write's cells to these.
    fn merge(&mut self, other: Cells) {
        for (cell, n) in other.0 {
            *self.0.entry(cell).or_default() += n;
        }
    }

    /// Adds `n` under `key` for a room and every region above it.
    fn room(&mut self, room_id: i64, path: &str, month: Month, key: Key, n: i64) {
        self.room_code(room_id, path, month, key.code(), n);
    }

    /// The same under a stored code (a [`Key`]'s, or a category's).
    fn room_code(&mut self, room_id: i64, path: &str, month: Month, code: String, n: i64) {
        *self
            .0
            .entry((Scope::Room, room_id, path.to_owned(), month, code.clone()))
            .or_default() += n;
        let ids = RegionPath::decode(path).map(|p| p.0).unwrap_or_default();
        for depth in 1..=ids.len() {
            let above = RegionPath(ids[..depth].to_vec());
            let cell = (
                Scope::Region,
                ids[depth - 1].0,
                above.encode(),
                month,
                code.clone(),
            );
            *self.0.entry(cell).or_default() += n;
        }
    }

    /// Adds `n` under `key` for a department's tasks in a region.
    fn department(&mut self, dept: i64, path: &str, month: Month, key: Key, n: i64) {
        let cell = (Scope::Department, dept, path.to_owned(), month, key.code());
        *self.0.entry(cell).or_default() += n;
    }

    /// What likes that went in at `at` add, given per topic as (room,
    /// region path, likes).
    pub(crate) fn likes(
        at: DateTime<Utc>,
        liked: impl Iterator<Item = (i64, String, i64)>,
    ) -> Cells {
        let mut cells = Cells::default();
        let month = Month::at(at);
        for (room_id, path, n) in liked {
            cells.room(room_id, &path, month, Key::Count(Counter::Likes), n);
        }
        cells
    }

    /// The additions as rows to write: every cell that changes and by how much.
    pub(crate) fn rows(self) -> impl Iterator<Item = CellRow> {
        self.0
            .into_iter()
            .filter(|(_, n)| *n != 0)
            .map(|((scope, id, path, month, figure), n)| CellRow {
                scope: scope.code(),
                scope_id: id,
                region_path: path,
                month: month.0,
                figure,
                add: n,
            })
    }

    /// Writes them: `value = value + n`, or a new row.
    pub(crate) async fn write(self, conn: &impl ConnectionTrait) -> Result<()> {
        let rows: Vec<cell::ActiveModel> = self
            .rows()
            .map(|r| cell::ActiveModel {
                scope: Set(r.scope.to_owned()),
                scope_id: Set(r.scope_id),
                region_path: Set(r.region_path),
                month: Set(r.month),
                figure: Set(r.figure),
                value: Set(r.add),
                ..Default::default()
            })
            .collect();
        // Bounded so a rebuild's statements stay under SQLite's variable limit.
        for chunk in rows.chunks(2_000) {
            cell::Entity::insert_many(chunk.to_vec())
                .on_conflict(
                    OnConflict::columns([
                        cell::Column::Scope,
                        cell::Column::ScopeId,
                        cell::Column::RegionPath,
                        cell::Column::Month,
                        cell::Column::Figure,
                    ])
                    .value(
                        cell::Column::Value,
                        Expr::cust("figure_counts.value + excluded.value"),
                    )
                    .to_owned(),
                )
                .exec_without_returning(conn)
                .await?;
        }
        Ok(())
    }
}

/// One cell's addition, in its stored form.
pub(crate) struct CellRow {
    pub scope: &'static str,
    pub scope_id: i64,
    pub region_path: String,
    pub month: i32,
    pub figure: String,
    pub add: i64,
}

/// What the figures need to know about the topic an entry is on.
pub(crate) struct TopicFacts {
    pub id: i64,
    pub room_id: i64,
    pub region_path: String,
    pub channel: Channel,
    pub category: String,
    pub raised: DateTime<Utc>,
}

impl TopicFacts {
    pub(crate) fn of(row: &crate::TopicRow) -> Result<TopicFacts> {
        Ok(TopicFacts {
            id: row.id,
            room_id: row.room_id,
            region_path: row.region_path.clone(),
            channel: parsed(&row.channel, Channel::parse, "topics.channel")?,
            category: row.category.clone(),
            raised: row.created_at,
        })
    }
}

/// Adds what one timeline entry counts, in the entry's transaction.
pub(crate) async fn count_event(
    w: &WriteTx,
    t: &TopicFacts,
    task_id: Option<i64>,
    kind: EventKind,
    detail: &EventDetail,
) -> Result<()> {
    let mut cells = Cells::default();
    let mut calendar = None;
    let entry = Entry {
        task_id,
        kind,
        detail,
        at: w.now,
    };
    entry_cells(&w.tx, &mut cells, &mut calendar, t, entry).await?;
    w.add_figures(cells);
    Ok(())
}

/// The code prefix of topics raised in a category (`category:交通出行`).
pub(crate) const CATEGORY: &str = "category:";

/// Entries that add to a department's figures.
const TASK_KINDS: [EventKind; 5] = [
    EventKind::TaskDispatched,
    EventKind::TaskSigned,
    EventKind::TaskVerified,
    EventKind::Carded,
    EventKind::ExtensionGranted,
];

/// A timeline entry as counting sees it.
struct Entry<'a> {
    task_id: Option<i64>,
    kind: EventKind,
    detail: &'a EventDetail,
    at: DateTime<Utc>,
}

/// The cells one entry adds to, reading what its counting needs (research
/// before scheduling; a task's timing) from `conn`. The holiday calendar is
/// read the first time a task's timing needs it and kept in `calendar`.
async fn entry_cells(
    conn: &impl ConnectionTrait,
    cells: &mut Cells,
    calendar: &mut Option<Calendar>,
    t: &TopicFacts,
    Entry {
        task_id,
        kind,
        detail,
        at,
    }: Entry<'_>,
) -> Result<()> {
    let researched = kind == EventKind::Scheduled
        && research_record::Entity::find()
            .filter(research_record::Column::TopicId.eq(t.id))
            .filter(research_record::Column::CreatedAt.lte(at))
            .count(conn)
            .await?
            > 0;
    // Only entries that count for a department need its task.
    let task_row = match task_id {
        Some(id) if TASK_KINDS.contains(&kind) => task::Entity::find_by_id(id).one(conn).await?,
        _ => None,
    };
    let timing = match (&task_row, kind) {
        (Some(row), EventKind::TaskSigned | EventKind::TaskVerified) => {
            let calendar = match calendar {
                Some(c) => c,
                empty => empty.insert(crate::calendar::calendar_on(conn).await?),
            };
            Some(task_timing(conn, calendar, row, at).await?)
        }
        _ => None,
    };
    let counts = domain::counts_for(&EventFacts {
        kind,
        detail,
        channel: t.channel,
        raised_on: beijing_date(t.raised),
        on: beijing_date(at),
        researched,
        task: timing,
    });
    let month = Month::at(at);
    if kind == EventKind::Submitted {
        // Categories are a region's own list, so they are kept by name.
        let code = format!("{CATEGORY}{}", t.category);
        cells.room_code(t.room_id, &t.region_path, month, code, 1);
    }
    for (key, n) in counts {
        cells.room(t.room_id, &t.region_path, month, key, n);
        if let (Some(row), Key::Count(c)) = (&task_row, key)
            && c.is_task()
        {
            cells.department(row.department_id, &t.region_path, month, key, n);
        }
    }
    Ok(())
}

/// When a task was signed (working days after dispatch) and last reported done.
async fn task_timing(
    conn: &impl ConnectionTrait,
    calendar: &Calendar,
    row: &task::Model,
    at: DateTime<Utc>,
) -> Result<TaskTiming> {
    let signed_after = calendar
        .working_days_between(beijing_date(row.created_at), beijing_date(at))
        .ok();
    let done_at: Option<DateTime<Utc>> = topic_event::Entity::find()
        .select_only()
        .column(topic_event::Column::CreatedAt)
        .filter(topic_event::Column::TaskId.eq(row.id))
        .filter(topic_event::Column::Kind.is_in([
            EventKind::TaskDone.code(),
            EventKind::CompletionSubmitted.code(),
        ]))
        .filter(topic_event::Column::CreatedAt.lte(at))
        .order_by_desc(topic_event::Column::Id)
        .into_tuple()
        .one(conn)
        .await?;
    Ok(TaskTiming {
        signed_after,
        due: row.due_date,
        done_on: done_at.map(beijing_date),
    })
}

/// A meeting closed: held, and with members of the CPPCC when one signed in.
pub(crate) async fn count_meeting_closed(
    w: &WriteTx,
    meeting: &crate::entity::meeting::Model,
) -> Result<()> {
    let mut cells = Cells::default();
    meeting_cells(&w.tx, &mut cells, meeting.id, meeting.room_id, w.now).await?;
    w.add_figures(cells);
    Ok(())
}

async fn meeting_cells(
    conn: &impl ConnectionTrait,
    cells: &mut Cells,
    meeting_id: i64,
    room_id: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    let path = room_path(conn, room_id).await?;
    let month = Month::at(at);
    cells.room(room_id, &path, month, Key::Count(Counter::MeetingsHeld), 1);
    let members = meeting_invitation::Entity::find()
        .filter(meeting_invitation::Column::MeetingId.eq(meeting_id))
        .filter(meeting_invitation::Column::Category.eq(ParticipantCategory::CppccMember.code()))
        .filter(meeting_invitation::Column::PresentAt.is_not_null())
        .count(conn)
        .await?;
    if members > 0 {
        cells.room(
            room_id,
            &path,
            month,
            Key::Count(Counter::MeetingsWithMembers),
            1,
        );
    }
    Ok(())
}

/// A room's region path.
async fn room_path(conn: &impl ConnectionTrait, room_id: i64) -> Result<String> {
    let region_id: i64 = room::Entity::find_by_id(room_id)
        .select_only()
        .column(room::Column::RegionId)
        .into_tuple()
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound("议事室"))?;
    region::Entity::find_by_id(region_id)
        .select_only()
        .column(region::Column::Path)
        .into_tuple()
        .one(conn)
        .await?
        .ok_or(StoreError::NotFound("地区"))
}

/// Likes that went in, per topic row (room, region path) and count.
pub(crate) async fn count_likes(
    w: &WriteTx,
    liked: impl Iterator<Item = (i64, String, i64)>,
) -> Result<()> {
    w.add_figures(Cells::likes(w.now, liked));
    Ok(())
}

/// The settings row that asks for the counters to be filled from the
/// timeline: written by `m0035` on a database that had one, or by a bulk
/// loader that wrote rows around the store.
const PENDING: &str = "figures_pending";

impl Store {
    /// Fills the counters from the timeline when asked to (see [`PENDING`]).
    pub(crate) async fn fill_figures_once(&self) -> Result<()> {
        if setting::Entity::find_by_id(PENDING)
            .one(self.conn())
            .await?
            .is_some()
        {
            self.rebuild_figures().await?;
        }
        Ok(())
    }

    /// Counts every figure again from the timeline, meetings and likes, in
    /// one transaction (after data was loaded by other means, or a region
    /// moved under another).
    pub async fn rebuild_figures(&self) -> Result<()> {
        let w = self.write().await?;
        rebuild_in(&w).await?;
        w.commit().await
    }
}

/// Counts every figure again inside a write (a region's move rebuilds in
/// its own transaction, as its cells above the region change).
pub(crate) async fn rebuild_in(w: &WriteTx) -> Result<()> {
    cell::Entity::delete_many().exec(&w.tx).await?;
    let mut cells = Cells::default();
    // Only the columns counting needs: at city size the bodies would be gigabytes.
    let rows: Vec<(i64, i64, String, String, String, DateTime<Utc>)> = topic::Entity::find()
        .select_only()
        .columns([
            topic::Column::Id,
            topic::Column::RoomId,
            topic::Column::RegionPath,
            topic::Column::Channel,
            topic::Column::Category,
            topic::Column::CreatedAt,
        ])
        .into_tuple()
        .all(&w.tx)
        .await?;
    let topics: HashMap<i64, TopicFacts> = rows
        .into_iter()
        .map(|(id, room_id, region_path, channel, category, raised)| {
            let channel = parsed(&channel, Channel::parse, "topics.channel")?;
            let t = TopicFacts {
                id,
                room_id,
                region_path,
                channel,
                category,
                raised,
            };
            Ok((id, t))
        })
        .collect::<Result<_>>()?;
    let mut calendar = None;
    let mut last = 0;
    loop {
        let events = topic_event::Entity::find()
            .filter(topic_event::Column::Id.gt(last))
            .order_by_asc(topic_event::Column::Id)
            .limit(10_000)
            .all(&w.tx)
            .await?;
        let Some(end) = events.last() else { break };
        last = end.id;
        for row in events {
            let e = crate::TopicEvent::try_from(row)?;
            if let Some(t) = topics.get(&e.topic.0) {
                let entry = Entry {
                    task_id: e.task.map(|t| t.0),
                    kind: e.kind,
                    detail: &e.detail,
                    at: e.at,
                };
                entry_cells(&w.tx, &mut cells, &mut calendar, t, entry).await?;
            }
        }
    }
    let closed = crate::entity::meeting::Entity::find()
        .filter(crate::entity::meeting::Column::State.eq(domain::MeetingState::Closed.code()))
        .all(&w.tx)
        .await?;
    for m in closed {
        // A meeting keeps no closing time; its agenda's timelines do.
        let agenda = crate::entity::agenda_item::Entity::find()
            .select_only()
            .column(crate::entity::agenda_item::Column::TopicId)
            .filter(crate::entity::agenda_item::Column::MeetingId.eq(m.id))
            .into_query();
        let at = topic_event::Entity::find()
            .select_only()
            .column(topic_event::Column::CreatedAt)
            .filter(topic_event::Column::Kind.eq(EventKind::MeetingClosed.code()))
            .filter(topic_event::Column::TopicId.in_subquery(agenda))
            .filter(topic_event::Column::CreatedAt.gte(m.starts_at))
            .order_by_asc(topic_event::Column::CreatedAt)
            .into_tuple::<DateTime<Utc>>()
            .one(&w.tx)
            .await?
            .unwrap_or(m.starts_at);
        meeting_cells(&w.tx, &mut cells, m.id, m.room_id, at).await?;
    }
    likes_cells(&w.tx, &mut cells, &topics).await?;
    cells.write(&w.tx).await?;
    setting::Entity::delete_by_id(PENDING).exec(&w.tx).await?;
    Ok(())
}

/// Every like, by its topic's room and the month it was given (counted per
/// topic and month first: there may be millions).
async fn likes_cells(
    conn: &impl ConnectionTrait,
    cells: &mut Cells,
    topics: &HashMap<i64, TopicFacts>,
) -> Result<()> {
    use crate::entity::topic_like;
    let mut per: HashMap<(i64, Month), i64> = HashMap::new();
    let mut last = 0;
    loop {
        let rows: Vec<(i64, i64, DateTime<Utc>)> = topic_like::Entity::find()
            .select_only()
            .columns([
                topic_like::Column::Id,
                topic_like::Column::TopicId,
                topic_like::Column::CreatedAt,
            ])
            .filter(topic_like::Column::Id.gt(last))
            .order_by_asc(topic_like::Column::Id)
            .limit(50_000)
            .into_tuple()
            .all(conn)
            .await?;
        let Some(end) = rows.last() else { break };
        last = end.0;
        for (_, topic_id, at) in rows {
            *per.entry((topic_id, Month::at(at))).or_default() += 1;
        }
    }
    for ((topic_id, month), n) in per {
        if let Some(t) = topics.get(&topic_id) {
            cells.room(
                t.room_id,
                &t.region_path,
                month,
                Key::Count(Counter::Likes),
                n,
            );
        }
    }
    Ok(())
}
