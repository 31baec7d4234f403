//! The like writer on PostgreSQL: a batch in five round trips whose
//! statements never change their text.
//!
//! Built by the query builder, a batch's statements differ with its size
//! (one placeholder per like), so PostgreSQL parses and plans each of
//! them afresh, and the driver prepares each in a round trip of its own.
//! Here the batch goes as arrays (`unnest`, `= ANY`): each statement is
//! prepared once per connection and the batch's size is only data. The
//! likes' insert and the counts' growth are one statement; the figures'
//! growth and the notice to other nodes another.
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use domain::TopicState;
use sea_orm::DbErr;
use sea_orm::sqlx::{self, PgPool, Row};
use tokio::sync::mpsc;

use super::{Liked, Request, Topics, answer, grow, outcomes, rows_to_insert, take_waiting};
use crate::figures::Cells;
use crate::{LikeOutcome, Result, Store, StoreError};

/// The batch's topics, locked in one order (by id) so that two batches
/// never wait on each other crosswise, with the counts this batch adds to.
const LOCK_TOPICS: &str = "SELECT tracking_no, id, state, like_count, room_id, region_path \
     FROM topics WHERE tracking_no = ANY($1) ORDER BY id FOR UPDATE";

/// Each like unless it is there already; each topic's count grown by the
/// likes of it that went in. Answers the likes that went in.
const INSERT_AND_COUNT: &str = "WITH went_in AS ( \
       INSERT INTO likes (topic_id, liker, created_at) \
       SELECT t, l, $3 FROM unnest($1::int8[], $2::text[]) AS x(t, l) \
       ON CONFLICT (topic_id, liker) DO NOTHING \
       RETURNING topic_id, liker), \
     grown AS ( \
       UPDATE topics SET like_count = topics.like_count + n.added \
       FROM (SELECT topic_id, COUNT(*) AS added FROM went_in GROUP BY topic_id) AS n \
       WHERE topics.id = n.topic_id) \
     SELECT topic_id, liker FROM went_in";

/// The figures' cells grown, and the other nodes told of the commit to come
/// (a notice is delivered only if the transaction commits).
const FIGURES_AND_NOTICE: &str = "WITH cells AS ( \
       INSERT INTO figure_counts (scope, scope_id, region_path, month, figure, value) \
       SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::int4[], $5::text[], $6::int8[]) \
       ON CONFLICT (scope, scope_id, region_path, month, figure) \
       DO UPDATE SET value = figure_counts.value + excluded.value) \
     SELECT pg_notify($7, $8)";

/// The writer: each batch of what is waiting, written and answered in turn.
pub(super) async fn run(
    store: Store,
    pool: PgPool,
    node: Arc<str>,
    mut rx: mpsc::Receiver<Request>,
) {
    let mut batch = Vec::with_capacity(super::MAX_BATCH);
    while let Some(first) = rx.recv().await {
        take_waiting(first, &mut rx, &mut batch);
        let written = commit(&pool, &node, &super::wanted(&batch), store.now()).await;
        if written.is_ok() {
            store.changes.fetch_add(1, Ordering::Release);
        }
        answer(&mut batch, written);
    }
}

/// Writes one batch in one transaction and answers each like of it.
async fn commit(
    pool: &PgPool,
    node: &str,
    likes: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<Vec<Result<LikeOutcome>>> {
    let mut tx = pool.begin().await.map_err(db)?;
    let nos: Vec<&str> = likes
        .iter()
        .map(|(no, _)| *no)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut topics = Topics::new();
    for r in sqlx::query(LOCK_TOPICS)
        .bind(&nos)
        .fetch_all(&mut *tx)
        .await
        .map_err(db)?
    {
        let liked = Liked {
            id: r.try_get(1).map_err(db)?,
            state: TopicState::parse(r.try_get::<&str, _>(2).map_err(db)?),
            count: r.try_get(3).map_err(db)?,
            room_id: r.try_get(4).map_err(db)?,
            region_path: r.try_get(5).map_err(db)?,
        };
        topics.insert(r.try_get(0).map_err(db)?, liked);
    }
    let (ids, likers): (Vec<i64>, Vec<&str>) = rows_to_insert(likes, &topics).into_iter().unzip();
    let mut inserted: HashSet<(i64, String)> = HashSet::new();
    if !ids.is_empty() {
        for r in sqlx::query(INSERT_AND_COUNT)
            .bind(&ids)
            .bind(&likers)
            .bind(now)
            .fetch_all(&mut *tx)
            .await
            .map_err(db)?
        {
            inserted.insert((r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?));
        }
    }
    let added = super::added(&inserted);
    if !added.is_empty() {
        grow_figures_and_tell(&mut tx, node, &mut topics, &added, now).await?;
    }
    tx.commit().await.map_err(db)?;
    Ok(outcomes(likes, &topics, &inserted))
}

/// The figures grown by the likes that went in, in one statement that
/// also tells the other nodes of the write.
async fn grow_figures_and_tell(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    node: &str,
    topics: &mut Topics,
    added: &HashMap<i64, i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut cols = (vec![], vec![], vec![], vec![], vec![], vec![]);
    for c in Cells::likes(now, grow(topics, added).into_iter()).rows() {
        cols.0.push(c.scope);
        cols.1.push(c.scope_id);
        cols.2.push(c.region_path);
        cols.3.push(c.month);
        cols.4.push(c.figure);
        cols.5.push(c.add);
    }
    sqlx::query(FIGURES_AND_NOTICE)
        .bind(cols.0)
        .bind(cols.1)
        .bind(cols.2)
        .bind(cols.3)
        .bind(cols.4)
        .bind(cols.5)
        .bind(crate::nodes::CHANNEL)
        .bind(node)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok(())
}

fn db(e: sqlx::Error) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("like writer: {e}")))
}
