//! Group commit for likes. Likes arrive in bursts (hundreds of thousands
//! after a result is published); committing each one alone would cost one
//! fsync per like. A single writer task takes every like waiting in the
//! queue, writes them in one transaction and answers each request only
//! after that transaction is durable — so no acknowledged like is lost, and
//! one fsync carries as many likes as arrived while the previous one ran.
use std::collections::{HashMap, HashSet};

use domain::{DomainError, TopicId, TopicState};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, Set};
use tokio::sync::{mpsc, oneshot};

use crate::entity::{topic, topic_like};
use crate::{LikeOutcome, Result, Store, StoreError, now};

/// The most likes written in one transaction.
const MAX_BATCH: usize = 1024;

struct Request {
    topic: TopicId,
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
    /// Records a like; answers once it is on disk. Liking twice changes nothing.
    pub async fn like(&self, topic: TopicId, liker: String) -> Result<LikeOutcome> {
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Db(DbErr::Custom("like writer stopped".into()));
        self.tx
            .send(Request {
                topic,
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
        let wanted: Vec<(TopicId, &str)> =
            batch.iter().map(|r| (r.topic, r.liker.as_str())).collect();
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

impl Store {
    /// Writes a batch of likes in one transaction and a handful of
    /// statements, whatever its size: the topics are read at once, the likes
    /// go in as one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`,
    /// and each topic's rolled-up count grows by the rows that went in.
    async fn commit_likes(&self, likes: &[(TopicId, &str)]) -> Result<Vec<Result<LikeOutcome>>> {
        let w = self.write().await?;
        let ids: HashSet<i64> = likes.iter().map(|(t, _)| t.0).collect();
        let open: HashMap<i64, bool> = topic::Entity::find()
            .filter(topic::Column::Id.is_in(ids.iter().copied()))
            .all(&w.tx)
            .await?
            .into_iter()
            .map(|r| {
                let ok = TopicState::parse(&r.state).is_some_and(|s| s.is_public_result());
                (r.id, ok)
            })
            .collect();
        let at = now();
        let mut wanted: HashSet<(i64, &str)> = HashSet::new();
        let rows: Vec<topic_like::ActiveModel> = likes
            .iter()
            .filter(|(t, _)| open.get(&t.0) == Some(&true))
            .filter(|(t, liker)| wanted.insert((t.0, *liker)))
            .map(|(t, liker)| topic_like::ActiveModel {
                topic_id: Set(t.0),
                liker: Set((*liker).to_owned()),
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
        for (id, n) in &added {
            topic::Entity::update_many()
                .col_expr(
                    topic::Column::LikeCount,
                    Expr::col(topic::Column::LikeCount).add(*n),
                )
                .filter(topic::Column::Id.eq(*id))
                .exec(&w.tx)
                .await?;
        }
        let counts: HashMap<i64, i64> = topic::Entity::find()
            .filter(topic::Column::Id.is_in(open.iter().filter(|(_, ok)| **ok).map(|(id, _)| *id)))
            .all(&w.tx)
            .await?
            .into_iter()
            .map(|r| (r.id, r.like_count))
            .collect();
        w.commit().await?;
        // A liker named twice in one batch: the first is new, the second is not.
        let mut answered: HashSet<(i64, &str)> = HashSet::new();
        Ok(likes
            .iter()
            .map(|(t, liker)| match open.get(&t.0) {
                None => Err(StoreError::NotFound("议题")),
                Some(false) => Err(DomainError::Precondition("议题办结后才能点赞".into()).into()),
                Some(true) => {
                    let new = answered.insert((t.0, *liker))
                        && inserted.contains(&(t.0, (*liker).to_owned()));
                    Ok(LikeOutcome {
                        new,
                        count: counts.get(&t.0).copied().unwrap_or(0),
                    })
                }
            })
            .collect())
    }
}
