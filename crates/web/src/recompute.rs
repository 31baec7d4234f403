//! The opinion map is computed in the background, never while a voter waits.
//!
//! A vote marks its deliberation dirty. One task waits until the deliberation
//! has been quiet for a second (or dirty for three), at most once every two
//! seconds per deliberation, then loads the votes, runs `opinion::analyze_log` on
//! the blocking pool — starting from the previous run's analysis, kept here in
//! memory and, for after a restart, in the database — and saves the report.
//! Pages only read the saved report.
use std::collections::HashMap;
use std::time::Duration;

use domain::DeliberationId;
use opinion::Analysis;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Quiet time after the last vote before a run.
const QUIET: Duration = Duration::from_secs(1);
/// The longest a dirty deliberation waits while votes keep coming.
const MAX_WAIT: Duration = Duration::from_secs(3);
/// The shortest time between two runs of one deliberation.
const MIN_GAP: Duration = Duration::from_secs(2);
/// No map from fewer voters than this.
pub const MIN_VOTERS: usize = 3;

/// The handle handlers use to say "this deliberation has new votes".
#[derive(Clone)]
pub struct Recompute {
    tx: mpsc::UnboundedSender<DeliberationId>,
}

impl Recompute {
    /// Starts the worker on the current runtime; it stops when every handle
    /// is gone. It first catches up on maps that miss votes — cast while no
    /// process was computing them (a crash, a bulk load).
    pub fn start(store: store::Store) -> Recompute {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(worker(store.clone(), rx));
        let recompute = Recompute { tx };
        let catch_up = recompute.clone();
        tokio::spawn(async move {
            match store.stale_deliberations(MIN_VOTERS as u64).await {
                Ok(ids) => ids.into_iter().for_each(|id| catch_up.mark(id)),
                Err(e) => tracing::warn!(error = %e, "stale opinion maps not looked up"),
            }
        });
        recompute
    }

    pub fn mark(&self, deliberation: DeliberationId) {
        let _ = self.tx.send(deliberation);
    }
}

struct Dirty {
    first: Instant,
    last: Instant,
}

async fn worker(store: store::Store, mut rx: mpsc::UnboundedReceiver<DeliberationId>) {
    let mut dirty: HashMap<DeliberationId, Dirty> = HashMap::new();
    let mut last_run: HashMap<DeliberationId, Instant> = HashMap::new();
    let mut previous: HashMap<DeliberationId, Analysis> = HashMap::new();
    let tick = Duration::from_millis(200);
    loop {
        let got = if dirty.is_empty() {
            rx.recv().await.map(Some)
        } else {
            match tokio::time::timeout(tick, rx.recv()).await {
                Ok(m) => m.map(Some),
                Err(_) => Some(None),
            }
        };
        let Some(got) = got else { return };
        let now = Instant::now();
        if let Some(id) = got {
            dirty
                .entry(id)
                .and_modify(|d| d.last = now)
                .or_insert(Dirty {
                    first: now,
                    last: now,
                });
        }
        let due: Vec<DeliberationId> = dirty
            .iter()
            .filter(|(id, d)| {
                let settled =
                    now.duration_since(d.last) >= QUIET || now.duration_since(d.first) >= MAX_WAIT;
                let rested = last_run
                    .get(id)
                    .is_none_or(|t| now.duration_since(*t) >= MIN_GAP);
                settled && rested
            })
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            dirty.remove(&id);
            last_run.insert(id, Instant::now());
            let last = match previous.remove(&id) {
                Some(a) => Some(a),
                None => kept(&store, id).await,
            };
            match run(&store, id, last).await {
                Ok(Some(a)) => {
                    previous.insert(id, a);
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, deliberation = id.0, "opinion map not computed")
                }
            }
        }
    }
}

/// The continuation saved by the last run before this process started.
async fn kept(store: &store::Store, id: DeliberationId) -> Option<Analysis> {
    let json = match store.analysis_state(id).await {
        Ok(json) => json?,
        Err(e) => {
            tracing::warn!(error = %e, deliberation = id.0, "previous opinion map not read");
            return None;
        }
    };
    serde_json::from_str(&json)
        .inspect_err(|e| {
            tracing::warn!(error = %e, deliberation = id.0, "previous opinion map unreadable; starting cold")
        })
        .ok()
}

async fn run(
    store: &store::Store,
    id: DeliberationId,
    previous: Option<Analysis>,
) -> anyhow::Result<Option<Analysis>> {
    let input = store.analysis_input(id).await?;
    let voters = input
        .votes
        .iter()
        .map(|v| v.pid)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    if voters < MIN_VOTERS {
        return Ok(previous);
    }
    let counted = i64::try_from(input.rows_read).unwrap_or(i64::MAX);
    let read_at = input.read_at;
    let started = Instant::now();
    let (analysis, json, continuation) = tokio::task::spawn_blocking(move || {
        let mut opts = opinion::Options {
            threads: 2,
            ..Default::default()
        };
        opts.moderation.meta = input.meta;
        opts.moderation.mod_out = input.mod_out;
        let a = opinion::analyze_log(&input.votes, &opts, previous.as_ref());
        let json = serde_json::to_string(&opinion::report(&a));
        let continuation = serde_json::to_string(&a.continuation());
        (a, json, continuation)
    })
    .await?;
    store
        .save_deliberation_result(id, json?, counted, continuation?, read_at)
        .await?;
    tracing::info!(
        deliberation = id.0,
        votes = counted,
        ms = started.elapsed().as_millis() as u64,
        "opinion map updated"
    );
    Ok(Some(analysis))
}
