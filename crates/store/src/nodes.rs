//! Other app nodes' writes, heard as they commit.
//!
//! Page caches compare [`Store::changes`], which counts this process's
//! commits; another node's writes they could only bound by time. On
//! PostgreSQL every write transaction also notifies [`CHANNEL`] with the
//! node's name — PostgreSQL delivers it when, and only if, the transaction
//! commits — and every node listens, counting other nodes' commits into
//! the same count, so their caches drop what those writes made stale at
//! once. On a SQLite file, another process's commits (a command run beside
//! the server) are seen by the count SQLite keeps of them.
use std::sync::atomic::Ordering;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};

use crate::{Result, Store};

/// The channel write transactions notify on.
pub const CHANNEL: &str = "shangliang_changes";

/// A name for this store's node, unique among the processes and stores
/// that share a database.
pub(crate) fn node_name() -> String {
    use rand::Rng;
    format!(
        "{}-{:016x}",
        std::process::id(),
        rand::rng().random::<u64>()
    )
}

/// Tells the other nodes, on commit, that `node` wrote.
pub(crate) async fn announce(tx: &DatabaseTransaction, node: &str) -> Result<()> {
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT pg_notify($1, $2)",
        [CHANNEL.into(), node.into()],
    ))
    .await?;
    Ok(())
}

impl Store {
    /// Hears, for as long as the process runs, the commits this store does
    /// not make itself and counts each into [`Store::changes`]:
    /// - on PostgreSQL, other nodes' (see the module's doc). A lost
    ///   connection is made again; as what was committed meanwhile is
    ///   unknown, it counts as a change, and so does the first notice
    ///   heard again;
    /// - on a SQLite file, other processes' (a command run beside the
    ///   server, say): SQLite counts every commit to the file, and that
    ///   count is looked at once a second.
    ///
    /// While it hears every write, [`Store::hears_every_write`] says so.
    /// Returns at once on SQLite in memory, which no other process reaches.
    pub async fn follow_other_writers(&self) -> Result<()> {
        let hearing = Hearing(self);
        match self.backend() {
            DbBackend::Postgres => self.follow_other_nodes(&hearing).await,
            _ => match self.sqlite_file() {
                Some(file) => self.follow_the_file(&file, &hearing).await,
                None => Ok(()),
            },
        }
    }

    async fn follow_other_nodes(&self, hearing: &Hearing<'_>) -> Result<()> {
        let listen = async {
            let mut l =
                PgListener::connect_with(self.conn().get_postgres_connection_pool()).await?;
            l.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(l)
        };
        let mut listener = listen.await.map_err(|e| DbErr::Custom(e.to_string()))?;
        hearing.set(true);
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) => {
                    if !hearing.get() || Some(n.payload()) != self.node.as_deref() {
                        self.changes.fetch_add(1, Ordering::Release);
                    }
                    hearing.set(true);
                }
                Ok(None) => {
                    hearing.set(false);
                    self.changes.fetch_add(1, Ordering::Release);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "listening for other nodes' writes");
                    hearing.set(false);
                    self.changes.fetch_add(1, Ordering::Release);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// SQLite's `data_version` moves with every commit to the file by any
    /// other connection, this process's own included: those are counted
    /// already, and counting them again only drops a cached page once more.
    async fn follow_the_file(&self, file: &std::path::Path, hearing: &Hearing<'_>) -> Result<()> {
        let conn = crate::in_place::open(file).map_err(crate::in_place::db)?;
        let mut seen = data_version(&conn)?;
        // Anything committed before the first look is counted once here.
        self.changes.fetch_add(1, Ordering::Release);
        hearing.set(true);
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let now = data_version(&conn)?;
            if now != seen {
                seen = now;
                self.changes.fetch_add(1, Ordering::Release);
            }
        }
    }
}

fn data_version(conn: &rusqlite::Connection) -> Result<i64> {
    conn.query_row("PRAGMA data_version", [], |r| r.get(0))
        .map_err(crate::in_place::db)
}

/// Marks the store as hearing every write, and not once the follower stops.
struct Hearing<'a>(&'a Store);

impl Hearing<'_> {
    fn set(&self, on: bool) {
        self.0.hearing.store(on, Ordering::Release);
    }

    fn get(&self) -> bool {
        self.0.hearing.load(Ordering::Acquire)
    }
}

impl Drop for Hearing<'_> {
    fn drop(&mut self) {
        self.set(false);
    }
}
