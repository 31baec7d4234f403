//! A visitor's own marks on a public page (whether they liked, supported
//! or follow a topic; what they voted on; whether they took part), read in
//! place on a SQLite file.
//!
//! Every other part of a public page is rendered once and kept (see the web
//! crate's page cache); these few reads are all that is left per view.
//! Through the pool, each is a hand-over to the driver's worker thread and
//! back to the runtime, and measured on a topic's page those two thread
//! wake-ups cost more than everything else the view does. Here the same
//! query (built once, by the same code, for either database) runs on the
//! caller's thread over a read-only connection of its own: a few index
//! lookups, microseconds, which in WAL mode no writer holds up. PostgreSQL,
//! and SQLite in memory, keep the pool.
use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::types::Value as Param;
use rusqlite::{Connection, OpenFlags, Row};
use sea_orm::{DbBackend, DbErr, QueryTrait, Value};

use crate::{Result, StoreError};

/// Idle read connections kept for the next reads: one per core of a
/// small machine and some, so the runtime's threads rarely open one.
const KEPT: usize = 8;

/// Read-only connections to a SQLite file, opened as needed.
pub(crate) struct Readers {
    path: Arc<Path>,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    pub(crate) fn new(path: Arc<Path>) -> Readers {
        Readers {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The rows `query` reads (built here for SQLite), each made by `row`.
    pub(crate) fn rows<T>(
        &self,
        query: &impl QueryTrait,
        mut row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let statement = query.build(DbBackend::Sqlite);
        let params = statement
            .values
            .iter()
            .flat_map(|v| v.0.iter())
            .map(param)
            .collect::<Result<Vec<Param>>>()?;
        let conn = self.take()?;
        let read = || -> rusqlite::Result<Vec<T>> {
            let mut prepared = conn.prepare_cached(&statement.sql)?;
            let mut rows = prepared.query(rusqlite::params_from_iter(params))?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(row(r)?);
            }
            Ok(out)
        };
        let out = read().map_err(db);
        // A connection that failed is not kept: the next read opens afresh.
        if out.is_ok() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < KEPT {
                idle.push(conn);
            }
        }
        out
    }

    fn take(&self) -> Result<Connection> {
        let kept = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        match kept {
            Some(conn) => Ok(conn),
            None => open(&self.path).map_err(db),
        }
    }
}

/// Read-only, so nothing written here can bypass the writer's turn; a
/// busy database waited for as long as the pool waits. A few index lookups
/// need few pages at hand: a small page cache (256 KiB, not SQLite's 2 MiB)
/// keeps what these connections hold small; the system caches the file.
pub(crate) fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(crate::SQLITE_BUSY_TIMEOUT)?;
    conn.pragma_update(None, "cache_size", -256)?;
    Ok(conn)
}

/// A query's value as rusqlite binds it; the kinds these reads use.
fn param(v: &Value) -> Result<Param> {
    Ok(match v {
        Value::Bool(b) => b.map_or(Param::Null, |b| Param::Integer(i64::from(b))),
        Value::Int(n) => n.map_or(Param::Null, |n| Param::Integer(i64::from(n))),
        Value::BigInt(n) => n.map_or(Param::Null, Param::Integer),
        Value::Unsigned(n) => n.map_or(Param::Null, |n| Param::Integer(i64::from(n))),
        // A `LIMIT`'s count.
        Value::BigUnsigned(Some(n)) => Param::Integer(i64::try_from(*n).unwrap_or(i64::MAX)),
        Value::String(s) => s.clone().map_or(Param::Null, Param::Text),
        other => {
            return Err(StoreError::Db(DbErr::Custom(format!(
                "in-place read: cannot bind {other:?}"
            ))));
        }
    })
}

pub(crate) fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Db(DbErr::Custom(format!("in-place read: {e}")))
}
