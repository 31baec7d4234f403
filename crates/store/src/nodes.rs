//! Other app nodes' writes, heard as they commit.
//!
//! Page caches compare [`Store::changes`], which counts this process's
//! commits; another node's writes they could only bound by time. On
//! PostgreSQL every write transaction also notifies [`CHANNEL`] with the
//! node's name — PostgreSQL delivers it when, and only if, the transaction
//! commits — and every node listens, counting other nodes' commits into
//! the same count, so their caches drop what those writes made stale at
//! once. SQLite is served by one process, so it has nothing to hear.
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
    /// Listens for other nodes' commits for as long as the process runs and
    /// counts each into [`Store::changes`]. A lost connection is made again;
    /// as what was committed meanwhile is unknown, it counts as a change too.
    /// Returns at once on SQLite.
    pub async fn follow_other_nodes(&self) -> Result<()> {
        if self.backend() != DbBackend::Postgres {
            return Ok(());
        }
        let listen = async {
            let mut l =
                PgListener::connect_with(self.conn().get_postgres_connection_pool()).await?;
            l.listen(CHANNEL).await?;
            Ok::<_, sea_orm::sqlx::Error>(l)
        };
        let mut listener = listen.await.map_err(|e| DbErr::Custom(e.to_string()))?;
        loop {
            match listener.try_recv().await {
                Ok(Some(n)) if Some(n.payload()) == self.node.as_deref() => {}
                Ok(_) => {
                    self.changes.fetch_add(1, Ordering::Release);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "listening for other nodes' writes");
                    self.changes.fetch_add(1, Ordering::Release);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }
}
