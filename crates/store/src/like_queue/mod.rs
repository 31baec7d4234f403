//! Group commit for likes. Likes arrive in bursts (hundreds of thousands
//! after a result is published); committing each one alone would cost one
//! fsync per like. A single writer takes every like waiting in the
//! queue, writes them in one transaction and answers each request only
//! after that transaction is durable — so no acknowledged like is lost, and
//! one fsync carries as many likes as arrived while the previous one ran.
//!
//! On a SQLite file the writer is a thread with its own connection
//! (`sqlite.rs`); on PostgreSQL it is a task on the pool whose statements
//! take the batch as arrays (`postgres.rs`); in memory (tests) it goes
//! through the query builder like any other write.
use std::collections::{HashMap, HashSet};

use domain::TopicState;
use sea_orm::sea_query::{CaseStatement, Expr, OnConflict};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use tokio::sync::{mpsc, oneshot};

use crate::entity::{topic, topic_like};
use crate::{LikeOutcome, Result, Store, StoreError};

mod postgres;
mod sqlite;

/// The most likes written in one transaction.
const MAX_BATCH: usize = 1024;

struct Request {
    /// The topic's tracking number: the writer looks topics up for the whole
    /// batch at once, so a like costs its request no read of its own.
    tracking_no: String,
    liker: String,
    reply: oneshot::Sender<Result<LikeOutcome>>,
}

/// The handle requests use; cheap to clone. The writer stops when every handle is gone.
#[derive(Clone)]
pub struct LikeQueue {
    tx: mpsc::Sender<Request>,
}

impl Store {
    /// Starts the like writer: on a SQLite file, a thread of its own with a
    /// connection of its own; otherwise a task on the current runtime.
    pub fn like_queue(&self) -> LikeQueue {
        let (tx, rx) = mpsc::channel(8 * MAX_BATCH);
        match (
            self.sqlite_file(),
            self.write_gate.clone(),
            self.node.clone(),
        ) {
            (Some(path), Some(gate), _) => sqlite::start(self.clone(), path, gate, rx),
            (_, None, Some(node)) => {
                let pool = self.db.get_postgres_connection_pool().clone();
                tokio::spawn(postgres::run(self.clone(), pool, node, rx));
            }
            _ => {
                tokio::spawn(writer(self.clone(), rx));
            }
        }
        LikeQueue { tx }
    }
}

impl LikeQueue {
    /// Records a like of the topic with this tracking number; answers once it
    /// is on disk. Liking twice changes nothing.
    pub async fn like(&self, tracking_no: String, liker: String) -> Result<LikeOutcome> {
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Db(DbErr::Custom("like writer stopped".into()));
        self.tx
            .send(Request {
                tracking_no,
                liker,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn writer(store: Store, mut rx: mpsc::Receiver<Request>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = rx.recv().await {
        take_waiting(first, &mut rx, &mut batch);
        let outcomes = store.commit_likes(&wanted(&batch)).await;
        answer(&mut batch, outcomes);
    }
}

/// Fills `batch` with `first` and every like already waiting behind it.
fn take_waiting(first: Request, rx: &mut mpsc::Receiver<Request>, batch: &mut Vec<Request>) {
    batch.push(first);
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(r) => batch.push(r),
            Err(_) => break,
        }
    }
}

/// The batch's likes as the writers take them: (tracking number, liker).
fn wanted(batch: &[Request]) -> Vec<(&str, &str)> {
    batch
        .iter()
        .map(|r| (r.tracking_no.as_str(), r.liker.as_str()))
        .collect()
}

/// Answers every request of the batch, and empties it.
fn answer(batch: &mut Vec<Request>, outcomes: Result<Vec<Result<LikeOutcome>>>) {
    match outcomes {
        Ok(outcomes) => {
            for (r, o) in batch.drain(..).zip(outcomes) {
                let _ = r.reply.send(o);
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, likes = batch.len(), "like batch failed; nothing of it was written");
            for r in batch.drain(..) {
                let _ = r
                    .reply
                    .send(Err(StoreError::Db(DbErr::Custom(e.to_string()))));
            }
        }
    }
}

/// A liked topic as the batch needs it.
struct Liked {
    id: i64,
    /// Its state, `None` when the stored code is unreadable.
    state: Option<TopicState>,
    count: i64,
    room_id: i64,
    region_path: String,
}

impl Liked {
    fn likeable(&self) -> Result<()> {
        let state = self
            .state
            .ok_or_else(|| StoreError::Corrupt(format!("topics.state of topic {}", self.id)))?;
        Ok(state.check_likeable()?)
    }
}

/// The liked topics of a batch, by tracking number.
type Topics = HashMap<String, Liked>;

/// The rows a batch tries to insert: one per likeable topic and liker.
fn rows_to_insert<'a>(likes: &[(&str, &'a str)], topics: &Topics) -> Vec<(i64, &'a str)> {
    let mut seen: HashSet<(i64, &str)> = HashSet::new();
    likes
        .iter()
        .filter_map(|(no, liker)| {
            Some((topics.get(*no).filter(|t| t.likeable().is_ok())?.id, *liker))
        })
        .filter(|key| seen.insert(*key))
        .collect()
}

/// Likes that went in, per topic id.
fn added(inserted: &HashSet<(i64, String)>) -> HashMap<i64, i64> {
    let mut added: HashMap<i64, i64> = HashMap::new();
    for (t, _) in inserted {
        *added.entry(*t).or_default() += 1;
    }
    added
}

/// Grows the counts read by the likes that went in, and returns what the
/// figures count of them: (room, region path, likes) per topic.
fn grow(topics: &mut Topics, added: &HashMap<i64, i64>) -> Vec<(i64, String, i64)> {
    let mut liked = Vec::with_capacity(added.len());
    for t in topics.values_mut() {
        if let Some(n) = added.get(&t.id) {
            t.count += n;
            liked.push((t.room_id, t.region_path.clone(), *n));
        }
    }
    liked
}

/// Each like's answer, in the batch's order. A liker named twice in one
/// batch: the first is new, the second is not.
fn outcomes(
    likes: &[(&str, &str)],
    topics: &Topics,
    inserted: &HashSet<(i64, String)>,
) -> Vec<Result<LikeOutcome>> {
    let mut answered: HashSet<(i64, &str)> = HashSet::new();
    likes
        .iter()
        .map(|(no, liker)| {
            let t = topics.get(*no).ok_or(StoreError::NotFound("议题"))?;
            t.likeable()?;
            let new =
                answered.insert((t.id, *liker)) && inserted.contains(&(t.id, (*liker).to_owned()));
            Ok(LikeOutcome {
                new,
                count: t.count,
            })
        })
        .collect()
}

impl Store {
    /// Writes a batch of likes in one transaction and four statements,
    /// whatever its size, through the query builder: the topics are read
    /// at once by tracking number, the likes go in as one multi-row
    /// `INSERT … ON CONFLICT DO NOTHING RETURNING`, each topic's rolled-up
    /// count grows by the rows that went in (one `UPDATE`), and the figures
    /// by as many at commit. Only a SQLite database in memory (tests)
    /// writes likes this way; the writer's turn keeps other writes out
    /// meanwhile. A SQLite file and PostgreSQL have writers of their own
    /// (`sqlite.rs`, `postgres.rs`).
    async fn commit_likes(&self, likes: &[(&str, &str)]) -> Result<Vec<Result<LikeOutcome>>> {
        let w = self.write().await?;
        let nos: HashSet<&str> = likes.iter().map(|(no, _)| *no).collect();
        let mut topics: Topics = topic::Entity::find()
            .select_only()
            .columns([
                topic::Column::TrackingNo,
                topic::Column::Id,
                topic::Column::State,
                topic::Column::LikeCount,
                topic::Column::RoomId,
                topic::Column::RegionPath,
            ])
            .filter(topic::Column::TrackingNo.is_in(nos.iter().copied()))
            .order_by_asc(topic::Column::Id)
            .lock_exclusive()
            .into_tuple::<(String, i64, String, i64, i64, String)>()
            .all(&w.tx)
            .await?
            .into_iter()
            .map(|(no, id, state, count, room_id, region_path)| {
                let state = TopicState::parse(&state);
                let liked = Liked {
                    id,
                    state,
                    count,
                    room_id,
                    region_path,
                };
                (no, liked)
            })
            .collect();
        let rows: Vec<topic_like::ActiveModel> = rows_to_insert(likes, &topics)
            .into_iter()
            .map(|(id, liker)| topic_like::ActiveModel {
                topic_id: Set(id),
                liker: Set(liker.to_owned()),
                created_at: Set(w.now),
                ..Default::default()
            })
            .collect();
        let mut inserted: HashSet<(i64, String)> = HashSet::new();
        if !rows.is_empty() {
            let written = topic_like::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([topic_like::Column::TopicId, topic_like::Column::Liker])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_with_returning(&w.tx)
                .await?;
            inserted.extend(written.into_iter().map(|r| (r.topic_id, r.liker)));
        }
        let added = added(&inserted);
        if !added.is_empty() {
            // One statement for every topic of the batch:
            // like_count = like_count + CASE id WHEN … THEN n … END.
            let by = added
                .iter()
                .fold(CaseStatement::new(), |c, (id, n)| {
                    c.case(topic::Column::Id.eq(*id), *n)
                })
                .finally(0i64);
            topic::Entity::update_many()
                .col_expr(
                    topic::Column::LikeCount,
                    Expr::col(topic::Column::LikeCount).add(by),
                )
                .filter(topic::Column::Id.is_in(added.keys().copied()))
                .exec(&w.tx)
                .await?;
            let liked = grow(&mut topics, &added);
            crate::figures::count_likes(&w, liked.into_iter()).await?;
        }
        w.commit().await?;
        Ok(outcomes(likes, &topics, &inserted))
    }
}
