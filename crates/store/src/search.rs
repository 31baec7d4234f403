//! 搜索 over the chain's public texts: topics (title, place, category,
//! body), opinions, research visits' findings and published minutes. Each
//! text is indexed as it is written, in its own transaction, under the
//! terms `text::index_terms` gives it; a query's terms must all match.
//! Hits come newest first (what a clerk looks for is usually recent), and
//! the index walks its matches in that order, so a common word in a city's
//! million topics costs no more than a rare one.
use chrono::{DateTime, Utc};
use domain::{Channel, MeetingId, Period, RegionPath, RoomId, SearchKind, TopicState};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set, Statement, Value,
};

use crate::entity::{
    meeting, meeting_minutes, opinion, research_record, search_entry as entry, setting, topic,
};
use crate::model::parsed;
use crate::{Result, Store, WriteTx};

/// What a search is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only texts of rooms at or below this region.
    pub region: Option<RegionPath>,
    /// Only this room's.
    pub room: Option<RoomId>,
    /// Only texts about topics now in this state.
    pub state: Option<TopicState>,
    /// Only texts about topics that came in this way.
    pub channel: Option<Channel>,
    /// Only this kind of text.
    pub kind: Option<SearchKind>,
    /// Only texts written in this period.
    pub period: Option<Period>,
    /// The most hits: 1 to 100.
    pub limit: u64,
}

/// One text found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// What it is.
    pub kind: SearchKind,
    /// The topic it is about (查询码, title, state); none for minutes.
    pub topic: Option<(String, String, TopicState)>,
    /// The meeting, for minutes.
    pub meeting: Option<MeetingId>,
    /// The meeting's title, for minutes.
    pub meeting_title: Option<String>,
    /// The room.
    pub room: RoomId,
    /// The text itself, for a snippet.
    pub text: String,
    /// When it was written.
    pub at: DateTime<Utc>,
}

/// One text to index.
pub(crate) struct Indexed<'a> {
    pub kind: SearchKind,
    pub ref_id: i64,
    pub topic: Option<i64>,
    pub room: i64,
    pub at: DateTime<Utc>,
    /// Texts indexed by their words.
    pub texts: &'a [&'a str],
    /// Names and places, indexed by their words and pinyin initials too.
    pub names: &'a [&'a str],
}

/// Indexes a text (again): its old entry, if any, goes first.
pub(crate) async fn index(conn: &impl ConnectionTrait, t: Indexed<'_>) -> Result<()> {
    unindex(conn, t.kind, t.ref_id).await?;
    let terms = text::index_terms(t.texts, t.names);
    let row = entry::Entity::insert(entry::ActiveModel {
        kind: Set(t.kind.code().to_owned()),
        ref_id: Set(t.ref_id),
        topic_id: Set(t.topic),
        room_id: Set(t.room),
        at: Set(t.at),
        terms: Set(terms.clone()),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    if conn.get_database_backend() == DbBackend::Sqlite {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO search_fts (rowid, terms) VALUES (?, ?)",
            [row.last_insert_id.into(), terms.into()],
        ))
        .await?;
    }
    Ok(())
}

/// Removes a text's entry (minutes taken back, say).
async fn unindex(conn: &impl ConnectionTrait, kind: SearchKind, ref_id: i64) -> Result<()> {
    let old: Option<i64> = entry::Entity::find()
        .select_only()
        .column(entry::Column::Id)
        .filter(entry::Column::Kind.eq(kind.code()))
        .filter(entry::Column::RefId.eq(ref_id))
        .into_tuple()
        .one(conn)
        .await?;
    if let Some(id) = old {
        if conn.get_database_backend() == DbBackend::Sqlite {
            conn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Sqlite,
                "DELETE FROM search_fts WHERE rowid = ?",
                [id.into()],
            ))
            .await?;
        }
        entry::Entity::delete_by_id(id).exec(conn).await?;
    }
    Ok(())
}

/// A topic, as it is submitted.
pub(crate) async fn index_topic(conn: &impl ConnectionTrait, t: &topic::Model) -> Result<()> {
    index(
        conn,
        Indexed {
            kind: SearchKind::Topic,
            ref_id: t.id,
            topic: Some(t.id),
            room: t.room_id,
            at: t.created_at,
            texts: &[&t.body, &t.category],
            names: &[&t.title, &t.place],
        },
    )
    .await
}

/// A meeting's minutes, while they are published (drafts are not public).
pub(crate) async fn index_minutes(conn: &impl ConnectionTrait, meeting_id: i64) -> Result<()> {
    let m = meeting::Entity::find_by_id(meeting_id).one(conn).await?;
    let minutes = meeting_minutes::Entity::find()
        .filter(meeting_minutes::Column::MeetingId.eq(meeting_id))
        .one(conn)
        .await?;
    match (m, minutes) {
        (Some(m), Some(mm)) if mm.published_at.is_some() => {
            index(
                conn,
                Indexed {
                    kind: SearchKind::Minutes,
                    ref_id: m.id,
                    topic: None,
                    room: m.room_id,
                    at: mm.updated_at,
                    texts: &[&mm.summary],
                    names: &[&m.title, &m.place],
                },
            )
            .await
        }
        _ => unindex(conn, SearchKind::Minutes, meeting_id).await,
    }
}

/// Placeholders as each database writes them.
struct Sql {
    backend: DbBackend,
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn bind(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            // Numbered, as the text need not bind in the order it reads.
            _ => format!("?{}", self.values.len()),
        }
    }
}

/// Which entries a statement of hits looks among.
#[derive(Clone, Copy)]
enum Phase {
    /// All, through SQLite's FTS5 table (it walks its matches newest first).
    All,
    /// PostgreSQL: the newest [`WALKED`] entries, walked newest first.
    Newest,
    /// PostgreSQL: the matches found by the GIN index below this id (or
    /// below the walked entries), then ordered.
    Older(Option<i64>),
}

/// The newest entries PostgreSQL walks before asking its GIN index: about
/// 10 ms of reading lexemes when none matches (at a million entries).
const WALKED: i64 = 10_000;

/// The newest entry's id, inside a statement.
const NEWEST: &str = "(SELECT COALESCE(MAX(id), 0) FROM search_entries)";

/// The settings row that asks for everything to be indexed again.
const PENDING: &str = "search_pending";

/// The settings row naming what the index was built from
/// (`text::index_version`).
const VERSION: &str = "search_version";

impl Store {
    /// The texts matching every term, newest first, narrowed by `f`.
    pub async fn search(&self, terms: &[String], f: &SearchFilter) -> Result<Vec<SearchHit>> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let limit = f.limit.clamp(1, 100);
        let rows = match self.backend() {
            DbBackend::Postgres => {
                let query = terms
                    .iter()
                    .map(|t| format!("'{t}'"))
                    .collect::<Vec<_>>()
                    .join(" & ");
                // Newest first, the planner walks the entries by id and reads
                // each one's lexemes: quick for a common word, but a rare one
                // is then looked for in every entry (0.7 s at a million). So
                // only the newest entries are walked, and if they do not fill
                // the page the older matches come from the GIN index.
                let mut rows = self.hit_rows(Phase::Newest, &query, f, limit).await?;
                let more = limit.saturating_sub(rows.len() as u64);
                // The walk saw every match among the newest entries, so the
                // older ones lie below its oldest hit (or, with none, below
                // what it walked); when it walked them all, there are none.
                let older = match rows.last() {
                    None => Some(Phase::Older(None)),
                    Some(last) => {
                        let newest: i64 = last.try_get("", "newest")?;
                        (newest > WALKED).then_some(Phase::Older(Some(last.try_get("", "id")?)))
                    }
                };
                if let Some(phase) = older.filter(|_| more > 0) {
                    rows.extend(self.hit_rows(phase, &query, f, more).await?);
                }
                rows
            }
            _ => {
                let query = terms
                    .iter()
                    .map(|t| format!("\"{t}\""))
                    .collect::<Vec<_>>()
                    .join(" ");
                self.hit_rows(Phase::All, &query, f, limit).await?
            }
        };
        let mut hits = Vec::with_capacity(rows.len());
        for r in rows {
            let kind: String = r.try_get("", "kind")?;
            let kind = parsed(&kind, SearchKind::parse, "search_entries.kind")?;
            let ref_id: i64 = r.try_get("", "ref_id")?;
            let topic = match r.try_get::<Option<String>>("", "tracking_no")? {
                Some(no) => {
                    let state: String = r.try_get("", "state")?;
                    let state = parsed(&state, TopicState::parse, "topics.state")?;
                    Some((no, r.try_get("", "title")?, state))
                }
                None => None,
            };
            hits.push(SearchHit {
                kind,
                meeting: (kind == SearchKind::Minutes).then_some(MeetingId(ref_id)),
                meeting_title: r.try_get("", "meeting_title")?,
                topic,
                room: RoomId(r.try_get("", "room_id")?),
                text: r.try_get::<Option<String>>("", "text")?.unwrap_or_default(),
                at: r.try_get("", "at")?,
            });
        }
        Ok(hits)
    }

    /// One statement's hits, newest first; `query` is in the database's
    /// own match syntax.
    async fn hit_rows(
        &self,
        phase: Phase,
        query: &str,
        f: &SearchFilter,
        limit: u64,
    ) -> Result<Vec<sea_orm::QueryResult>> {
        let backend = self.backend();
        let mut q = Sql {
            backend,
            text: String::new(),
            values: Vec::new(),
        };
        let p = q.bind(query.to_owned());
        let (with, from, matches, order) = match phase {
            Phase::All => (
                String::new(),
                "search_fts JOIN search_entries e ON e.id = search_fts.rowid",
                format!("search_fts MATCH {p}"),
                "search_fts.rowid DESC",
            ),
            Phase::Newest => (
                String::new(),
                "search_entries e",
                format!("e.lexemes @@ {p}::tsquery AND e.id > {NEWEST} - {WALKED}"),
                "e.id DESC",
            ),
            Phase::Older(below) => (
                format!(
                    "WITH matched AS MATERIALIZED (SELECT id FROM search_entries \
                     WHERE lexemes @@ {p}::tsquery AND {}) ",
                    match below {
                        Some(id) => format!("id < {}", q.bind(id)),
                        None => format!("id <= {NEWEST} - {WALKED}"),
                    }
                ),
                "matched JOIN search_entries e ON e.id = matched.id",
                "TRUE".to_owned(),
                "e.id DESC",
            ),
        };
        // The walk also says how far the entries reach.
        let newest = match phase {
            Phase::Newest => format!(", {NEWEST} AS newest"),
            _ => String::new(),
        };
        let mut conditions = vec![matches];
        if let Some(path) = &f.region {
            let p = q.bind(format!("{}%", path.encode()));
            conditions.push(format!(
                "e.room_id IN (SELECT r.id FROM rooms r JOIN regions g ON g.id = r.region_id \
                 WHERE g.path LIKE {p})"
            ));
        }
        if let Some(room) = f.room {
            conditions.push(format!("e.room_id = {}", q.bind(room.0)));
        }
        if let Some(state) = f.state {
            conditions.push(format!("t.state = {}", q.bind(state.code())));
        }
        if let Some(channel) = f.channel {
            conditions.push(format!("t.channel = {}", q.bind(channel.code())));
        }
        if let Some(kind) = f.kind {
            conditions.push(format!("e.kind = {}", q.bind(kind.code())));
        }
        if let Some(period) = &f.period {
            let (start, end) = period.bounds();
            conditions.push(format!("e.at >= {}", q.bind(start)));
            conditions.push(format!("e.at < {}", q.bind(end)));
        }
        let limit = q.bind(limit as i64);
        // Each hit's own text comes with it, by its kind, in this one
        // statement: a hit list is at most a hundred lookups by key.
        let [opinion, research, minutes] = [
            SearchKind::Opinion,
            SearchKind::Research,
            SearchKind::Minutes,
        ]
        .map(|k| q.bind(k.code()));
        q.text = format!(
            "{with}SELECT e.id{newest}, e.kind, e.ref_id, e.topic_id, e.room_id, e.at, t.tracking_no, t.title, t.state, \
             CASE e.kind \
               WHEN {opinion} THEN (SELECT o.text FROM opinions o WHERE o.id = e.ref_id) \
               WHEN {research} THEN (SELECT r.note FROM research_records r WHERE r.id = e.ref_id) \
               WHEN {minutes} THEN (SELECT m.summary FROM meeting_minutes m WHERE m.meeting_id = e.ref_id) \
               ELSE t.body END AS text, \
             CASE WHEN e.kind = {minutes} THEN (SELECT m.title FROM meetings m WHERE m.id = e.ref_id) END AS meeting_title \
             FROM {from} LEFT JOIN topics t ON t.id = e.topic_id WHERE {} ORDER BY {order} LIMIT {limit}",
            conditions.join(" AND ")
        );
        Ok(self
            .conn()
            .query_all_raw(Statement::from_sql_and_values(backend, q.text, q.values))
            .await?)
    }

    /// Indexes everything when asked to (see [`PENDING`]), when there
    /// are topics and no entries (a restored backup: entries are derived),
    /// or when the index was built from other tables ([`VERSION`]).
    pub(crate) async fn fill_search_once(&self) -> Result<()> {
        let asked = setting::Entity::find_by_id(PENDING)
            .one(self.conn())
            .await?
            .is_some();
        let built_by = setting::Entity::find_by_id(VERSION)
            .one(self.conn())
            .await?
            .map(|s| s.value);
        let stale = built_by.as_deref() != Some(text::index_version().as_str());
        let empty = entry::Entity::find().one(self.conn()).await?.is_none()
            && topic::Entity::find().one(self.conn()).await?.is_some();
        if asked || empty || stale {
            self.rebuild_search().await?;
        }
        Ok(())
    }

    /// Indexes every public text again, in one transaction.
    pub async fn rebuild_search(&self) -> Result<()> {
        let w = self.write().await?;
        rebuild_in(&w).await?;
        w.commit().await
    }
}

/// Texts read from the tables at a time while rebuilding.
const BATCH: u64 = 2_000;

async fn rebuild_in(w: &WriteTx) -> Result<()> {
    let conn = &w.tx;
    if conn.get_database_backend() == DbBackend::Sqlite {
        conn.execute_unprepared("DELETE FROM search_fts").await?;
    }
    entry::Entity::delete_many().exec(conn).await?;
    let mut last = 0;
    loop {
        let rows = topic::Entity::find()
            .filter(topic::Column::Id.gt(last))
            .order_by_asc(topic::Column::Id)
            .limit(BATCH)
            .all(conn)
            .await?;
        let Some(end) = rows.last() else { break };
        last = end.id;
        for t in &rows {
            index_topic(conn, t).await?;
        }
    }
    let rooms: std::collections::HashMap<i64, i64> = topic::Entity::find()
        .select_only()
        .columns([topic::Column::Id, topic::Column::RoomId])
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    for o in opinion::Entity::find().all(conn).await? {
        if let Some(room) = rooms.get(&o.topic_id) {
            index_opinion(conn, &o, *room).await?;
        }
    }
    for r in research_record::Entity::find().all(conn).await? {
        if let Some(room) = rooms.get(&r.topic_id) {
            index_research(conn, &r, *room).await?;
        }
    }
    let published: Vec<i64> = meeting_minutes::Entity::find()
        .select_only()
        .column(meeting_minutes::Column::MeetingId)
        .filter(meeting_minutes::Column::PublishedAt.is_not_null())
        .into_tuple()
        .all(conn)
        .await?;
    for m in published {
        index_minutes(conn, m).await?;
    }
    setting::Entity::delete_by_id(PENDING).exec(conn).await?;
    setting::Entity::delete_by_id(VERSION).exec(conn).await?;
    setting::Entity::insert(setting::ActiveModel {
        key: Set(VERSION.to_owned()),
        value: Set(text::index_version()),
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// An opinion, as the meeting records it.
pub(crate) async fn index_opinion(
    conn: &impl ConnectionTrait,
    o: &opinion::Model,
    room: i64,
) -> Result<()> {
    index(
        conn,
        Indexed {
            kind: SearchKind::Opinion,
            ref_id: o.id,
            topic: Some(o.topic_id),
            room,
            at: o.created_at,
            texts: &[&o.text],
            names: &[],
        },
    )
    .await
}

/// A research visit's findings.
pub(crate) async fn index_research(
    conn: &impl ConnectionTrait,
    r: &research_record::Model,
    room: i64,
) -> Result<()> {
    index(
        conn,
        Indexed {
            kind: SearchKind::Research,
            ref_id: r.id,
            topic: Some(r.topic_id),
            room,
            at: r.created_at,
            texts: &[&r.note],
            names: &[&r.place],
        },
    )
    .await
}
