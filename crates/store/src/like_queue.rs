//! Group commit for likes. Likes arrive in bursts (hundreds of thousands
//! after a result is published); committing each one alone would cost one
//! fsync per like. A single writer task takes every like waiting in the
//! queue, writes them in one transaction and answers each request only
//! after that transaction is durable — so no acknowledged like is lost, and
//! one fsync carries as many likes as arrived while the previous one ran.
use std::collections::{HashMap, HashSet};

use domain::TopicState;
use sea_orm::sea_query::{CaseStatement, Expr, OnConflict};
use sea_orm::{
    ColumnTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use tokio::sync::{mpsc, oneshot};

use crate::entity::{topic, topic_like};
use crate::{LikeOutcome, Result, Store, StoreError};

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
    /// Starts the like writer on the current runtime.
    pub fn like_queue(&self) -> LikeQueue {
        let (tx, rx) = mpsc::channel(8 * MAX_BATCH);
        tokio::spawn(writer(self.clone(), rx));
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
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        let wanted: Vec<(&str, &str)> = batch
            .iter()
            .map(|r| (r.tracking_no.as_str(), r.liker.as_str()))
            .collect();
        match store.commit_likes(&wanted).await {
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

impl Store {
    /// Writes a batch of likes in one transaction and four statements,
    /// whatever its size: the topics are read at once by tracking number
    /// (on PostgreSQL with their row locks, taken in one order, so the
    /// counts read are the counts this batch adds to), the likes go in as
    /// one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`, each
    /// topic's rolled-up count grows by the rows that went in (one
    /// `UPDATE`), and the figures by as many at commit.
    async fn commit_likes(&self, likes: &[(&str, &str)]) -> Result<Vec<Result<LikeOutcome>>> {
        let w = self.write().await?;
        let nos: HashSet<&str> = likes.iter().map(|(no, _)| *no).collect();
        let mut topics: HashMap<String, Liked> = topic::Entity::find()
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
        let at = w.now;
        let mut wanted: HashSet<(i64, &str)> = HashSet::new();
        let rows: Vec<topic_like::ActiveModel> = likes
            .iter()
            .filter_map(|(no, liker)| {
                Some((topics.get(*no).filter(|t| t.likeable().is_ok())?.id, *liker))
            })
            .filter(|key| wanted.insert(*key))
            .map(|(id, liker)| topic_like::ActiveModel {
                topic_id: Set(id),
                liker: Set(liker.to_owned()),
                created_at: Set(at),
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
        let mut added: HashMap<i64, i64> = HashMap::new();
        for (t, _) in &inserted {
            *added.entry(*t).or_default() += 1;
        }
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
            let grown = topics
                .values_mut()
                .filter_map(|t| Some((added.get(&t.id)?, t)));
            let mut liked = Vec::with_capacity(added.len());
            for (n, t) in grown {
                t.count += n;
                liked.push((t.room_id, t.region_path.clone(), *n));
            }
            crate::figures::count_likes(&w, liked.into_iter()).await?;
        }
        w.commit().await?;
        // A liker named twice in one batch: the first is new, the second is not.
        let mut answered: HashSet<(i64, &str)> = HashSet::new();
        Ok(likes
            .iter()
            .map(|(no, liker)| {
                let t = topics.get(*no).ok_or(StoreError::NotFound("议题"))?;
                t.likeable()?;
                let new = answered.insert((t.id, *liker))
                    && inserted.contains(&(t.id, (*liker).to_owned()));
                Ok(LikeOutcome {
                    new,
                    count: t.count,
                })
            })
            .collect())
    }
}
