//! Group commit for likes. Likes arrive in bursts (hundreds of thousands
//! after a result is published); committing each one alone would cost one
//! fsync per like. A single writer task takes every like waiting in the
//! queue, writes them in one transaction and answers each request only
//! after that transaction is durable — so no acknowledged like is lost, and
//! one fsync carries as many likes as arrived while the previous one ran.
use std::collections::HashMap;

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
    /// Writes a batch of likes in one transaction: each is new or already
    /// there (or refused, if its topic is not a result), and every topic's
    /// rolled-up count grows by its new likes.
    async fn commit_likes(&self, likes: &[(TopicId, &str)]) -> Result<Vec<Result<LikeOutcome>>> {
        let w = self.write().await?;
        let mut topics: HashMap<i64, Option<bool>> = HashMap::new();
        for (t, _) in likes {
            if let std::collections::hash_map::Entry::Vacant(e) = topics.entry(t.0) {
                let row = topic::Entity::find_by_id(t.0).one(&w.tx).await?;
                e.insert(
                    row.map(|r| TopicState::parse(&r.state).is_some_and(|s| s.is_public_result())),
                );
            }
        }
        let mut fresh: Vec<Option<bool>> = Vec::with_capacity(likes.len());
        let mut added: HashMap<i64, i64> = HashMap::new();
        let at = now();
        for (t, liker) in likes {
            if topics.get(&t.0) != Some(&Some(true)) {
                fresh.push(None);
                continue;
            }
            let inserted = topic_like::Entity::insert(topic_like::ActiveModel {
                topic_id: Set(t.0),
                liker: Set((*liker).to_owned()),
                created_at: Set(at),
                ..Default::default()
            })
            .on_conflict(
                OnConflict::columns([topic_like::Column::TopicId, topic_like::Column::Liker])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&w.tx)
            .await?;
            if inserted == 1 {
                *added.entry(t.0).or_default() += 1;
            }
            fresh.push(Some(inserted == 1));
        }
        let mut counts: HashMap<i64, i64> = HashMap::new();
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
        for (id, ok) in &topics {
            if *ok == Some(true)
                && let Some(r) = topic::Entity::find_by_id(*id).one(&w.tx).await?
            {
                counts.insert(*id, r.like_count);
            }
        }
        w.commit().await?;
        Ok(likes
            .iter()
            .zip(fresh)
            .map(|((t, _), f)| match (f, topics.get(&t.0)) {
                (Some(new), _) => Ok(LikeOutcome {
                    new,
                    count: counts.get(&t.0).copied().unwrap_or(0),
                }),
                (None, Some(None)) | (None, None) => Err(StoreError::NotFound("议题")),
                (None, Some(Some(_))) => {
                    Err(DomainError::Precondition("议题办结后才能点赞".into()).into())
                }
            })
            .collect())
    }
}
