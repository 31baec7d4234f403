//! Limits counted in Redis, shared by every app node, when `redis_url` is
//! set: each key counts its attempts in a fixed window (an hour, or a day
//! for sign-in codes), so a script spreading its requests over the nodes
//! meets the same limit as one hitting a single node. Should Redis not
//! answer within half a second, the node falls back to its own counts
//! rather than refuse residents, and tries Redis again ten seconds later
//! (so a Redis that is down costs residents nothing).
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::ConnectionManager;
use tokio::sync::OnceCell;

/// Attempts allowed in one window.
#[derive(Clone, Copy)]
pub struct Window {
    pub allowed: u32,
    pub seconds: u64,
}

/// What Redis made of an attempt.
pub enum Counted {
    /// Every key has room.
    Allowed,
    /// A key is over its allowance, for this many more seconds.
    Over(u64),
    /// Redis did not answer (or failed a moment ago): count on this node.
    Unavailable,
}

/// The shared counts: a client, connected on first use.
pub struct Shared {
    client: redis::Client,
    conn: OnceCell<ConnectionManager>,
    /// Prefixes every key, so several deployments (or tests) can share one Redis.
    namespace: String,
    /// Until when (seconds since the epoch) Redis is left alone after failing.
    resting_until: AtomicU64,
}

const ANSWER_WITHIN: Duration = Duration::from_millis(500);
const REST_AFTER_FAILING: u64 = 10;

fn epoch_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Shared {
    /// Checks the address; connects only when first needed.
    pub fn new(url: &str, namespace: &str) -> redis::RedisResult<Shared> {
        Ok(Shared {
            client: redis::Client::open(url)?,
            conn: OnceCell::new(),
            namespace: namespace.to_owned(),
            resting_until: AtomicU64::new(0),
        })
    }

    /// Counts one attempt on each `(key, window)`.
    pub async fn count(&self, act: &str, keys: &[(String, Window)]) -> Counted {
        let now = epoch_seconds();
        if now < self.resting_until.load(Ordering::Relaxed) {
            return Counted::Unavailable;
        }
        let answer = tokio::time::timeout(ANSWER_WITHIN, self.count_now(act, keys))
            .await
            .unwrap_or_else(|_| Err("no answer within half a second".to_owned()));
        match answer {
            Ok(None) => Counted::Allowed,
            Ok(Some(seconds)) => Counted::Over(seconds),
            Err(e) => {
                tracing::warn!(error = %e, "shared rate limits unavailable; counting on this node for {REST_AFTER_FAILING} s");
                self.resting_until
                    .store(now + REST_AFTER_FAILING, Ordering::Relaxed);
                Counted::Unavailable
            }
        }
    }

    async fn count_now(&self, act: &str, keys: &[(String, Window)]) -> Result<Option<u64>, String> {
        let conn = self
            .conn
            .get_or_try_init(|| self.client.get_connection_manager())
            .await
            .map_err(|e| e.to_string())?;
        let now = epoch_seconds();
        let mut pipe = redis::pipe();
        let mut ends = Vec::with_capacity(keys.len());
        for (key, w) in keys {
            let slot = now / w.seconds;
            let name = format!("{}:limit:{act}:{key}:{slot}", self.namespace);
            pipe.incr(&name, 1_u32)
                .expire(&name, i64::try_from(w.seconds).unwrap_or(i64::MAX))
                .ignore();
            ends.push((slot + 1) * w.seconds);
        }
        let counts: Vec<u64> = pipe
            .query_async(&mut conn.clone())
            .await
            .map_err(|e| e.to_string())?;
        Ok(keys
            .iter()
            .zip(counts)
            .zip(ends)
            .find(|(((_, w), count), _)| *count > u64::from(w.allowed))
            .map(|(_, end)| end.saturating_sub(now)))
    }
}
