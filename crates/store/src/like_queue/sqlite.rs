//! The like writer on a SQLite file: a thread of its own, with a connection
//! of its own, that runs each batch straight through.
//!
//! Through the pool, every statement is a round trip to the driver's
//! worker thread and back to the runtime; a batch of six of them spends
//! most of its time in those hand-overs (thread wake-ups, costly on a
//! virtual machine), not in SQLite. Here a batch costs one wake-up of this
//! thread: the statements are prepared once and run in place, a few
//! microseconds each, and the commit's `fsync` is the batch's main cost.
//! The thread takes the writer's turn like any other write, so the rest of
//! the store's writes and these still go one at a time.
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use chrono::{DateTime, SecondsFormat, Utc};
use domain::TopicState;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sea_orm::DbErr;
use tokio::sync::{Mutex, mpsc};

use super::{Liked, Request, Topics, added, answer, grow, outcomes, rows_to_insert, take_waiting};
use crate::figures::Cells;
use crate::{LikeOutcome, Result, Store, StoreError};

/// Starts the writer thread for the database file at `path`, taking
/// turns with the store's other writes on `gate`.
pub(super) fn start(
    store: Store,
    path: PathBuf,
    gate: Arc<Mutex<()>>,
    rx: mpsc::Receiver<Request>,
) {
    let started = std::thread::Builder::new()
        .name("like-writer".into())
        .spawn(move || match open(&path) {
            Ok(conn) => run(&store, &gate, conn, rx),
            // The queue's handles then answer "like writer stopped".
            Err(e) => tracing::error!(error = %e, "the like writer could not open the database"),
        });
    if let Err(e) = started {
        tracing::error!(error = %e, "the like writer's thread did not start");
    }
}

/// The connection, set up as the pool's are: every commit durable
/// (`synchronous=FULL` in WAL mode), foreign keys checked.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(crate::SQLITE_BUSY_TIMEOUT)?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(conn)
}

fn run(store: &Store, gate: &Mutex<()>, mut conn: Connection, mut rx: mpsc::Receiver<Request>) {
    let mut batch = Vec::with_capacity(super::MAX_BATCH);
    while let Some(first) = rx.blocking_recv() {
        take_waiting(first, &mut rx, &mut batch);
        let outcomes = {
            let _turn = gate.blocking_lock();
            let likes = super::wanted(&batch);
            let written = commit(&mut conn, &likes, store.now());
            if written.is_ok() {
                store.changes.fetch_add(1, Ordering::Release);
            }
            written
        };
        answer(&mut batch, outcomes);
    }
}

/// The batch in one transaction: each liked topic read once, each like
/// inserted unless it is there already, each topic's count and the
/// figures grown by the likes that went in.
fn commit(
    conn: &mut Connection,
    likes: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<Vec<Result<LikeOutcome>>> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(db)?;
    let mut topics = read_topics(&tx, likes).map_err(db)?;
    // Stamped as the pool's driver stamps times, so both read the same.
    let at = now.to_rfc3339_opts(SecondsFormat::AutoSi, false);
    let mut inserted: HashSet<(i64, String)> = HashSet::new();
    {
        let mut insert = tx
            .prepare_cached(
                "INSERT INTO likes (topic_id, liker, created_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (topic_id, liker) DO NOTHING",
            )
            .map_err(db)?;
        for (id, liker) in rows_to_insert(likes, &topics) {
            if insert.execute(params![id, liker, at]).map_err(db)? == 1 {
                inserted.insert((id, liker.to_owned()));
            }
        }
    }
    let added = added(&inserted);
    {
        let mut grow_count = tx
            .prepare_cached("UPDATE topics SET like_count = like_count + ?1 WHERE id = ?2")
            .map_err(db)?;
        for (id, n) in &added {
            grow_count.execute(params![n, id]).map_err(db)?;
        }
        let mut add_cell = tx
            .prepare_cached(
                "INSERT INTO figure_counts (scope, scope_id, region_path, month, figure, value) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                 ON CONFLICT (scope, scope_id, region_path, month, figure) \
                 DO UPDATE SET value = figure_counts.value + excluded.value",
            )
            .map_err(db)?;
        for c in Cells::likes(now, grow(&mut topics, &added).into_iter()).rows() {
            add_cell
                .execute(params![
                    c.scope,
                    c.scope_id,
                    c.region_path,
                    c.month,
                    c.figure,
                    c.add
                ])
                .map_err(db)?;
        }
    }
    tx.commit().map_err(db)?;
    Ok(outcomes(likes, &topics, &inserted))
}

/// The batch's topics, each read once by its tracking number.
fn read_topics(conn: &Connection, likes: &[(&str, &str)]) -> rusqlite::Result<Topics> {
    let mut read = conn.prepare_cached(
        "SELECT id, state, like_count, room_id, region_path FROM topics WHERE tracking_no = ?1",
    )?;
    let mut topics = Topics::new();
    for (no, _) in likes {
        if topics.contains_key(*no) {
            continue;
        }
        let found = read
            .query_row([no], |r| {
                Ok(Liked {
                    id: r.get(0)?,
                    state: TopicState::parse(&r.get::<_, String>(1)?),
                    count: r.get(2)?,
                    room_id: r.get(3)?,
                    region_path: r.get(4)?,
                })
            })
            .optional()?;
        if let Some(t) = found {
            topics.insert((*no).to_owned(), t);
        }
    }
    Ok(topics)
}

fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("like writer: {e}")))
}
