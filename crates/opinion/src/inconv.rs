//! Who takes part in clustering ("in-conv"), and which statements are left
//! out of the math (moderated-out and meta statements).
//!
//! Pol.is clusters only participants who voted enough to be placed reliably:
//! at least `min(7, n_statements)` votes. Once in, always in. If fewer than 15
//! qualify, the most active voters are added until there are 15, so a young
//! conversation still gets a map.

use crate::matrix::{SortedLog, VoteMatrix, VoteRecord};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Moderation state: statements excluded from the map.
///
/// Pol.is puts meta statements into its mod-out set too (`mod-update`), so
/// both are excluded from PCA, repness and consensus; meta statements also get
/// a fixed priority.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moderation {
    /// Statement ids moderated out.
    pub mod_out: BTreeSet<u64>,
    /// Meta statements (about the conversation, not opinions).
    pub meta: BTreeSet<u64>,
}

impl Moderation {
    /// Column mask of statements excluded from the math (mod-out ∪ meta).
    pub fn excluded_mask(&self, m: &VoteMatrix) -> Vec<bool> {
        m.column_mask(self.mod_out.iter().chain(self.meta.iter()).copied())
    }

    /// Column mask of meta statements.
    pub fn meta_mask(&self, m: &VoteMatrix) -> Vec<bool> {
        m.column_mask(self.meta.iter().copied())
    }
}

/// Thresholds of the in-conv rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InConvRule {
    /// Votes needed to join (capped by the number of statements).
    pub min_votes: usize,
    /// Minimum number of clustered participants, filled greedily.
    pub greedy_n: usize,
}

impl Default for InConvRule {
    fn default() -> Self {
        InConvRule {
            min_votes: 7,
            greedy_n: 15,
        }
    }
}

/// Non-blank vote count per row of the raw matrix (passes and votes on
/// moderated statements included, as in Pol.is's `user-vote-counts`).
pub fn vote_counts(m: &VoteMatrix) -> Vec<usize> {
    (0..m.n_rows()).map(|i| m.row_len(i)).collect()
}

/// In-conv mask over rows. `previous` holds participant ids that were in
/// before ("once in, always in"); ids no longer in the matrix are ignored.
///
/// Quirk decision: Pol.is breaks ties among equally active voters in the
/// greedy fill by hash-map order; we break them by row order (participant id),
/// which is deterministic.
pub fn select(m: &VoteMatrix, rule: &InConvRule, previous: &BTreeSet<u64>) -> Vec<bool> {
    let counts = vote_counts(m);
    let need = rule.min_votes.min(m.n_cols());
    let mut inc: Vec<bool> = (0..m.n_rows())
        .map(|i| counts[i] >= need || previous.contains(&m.pids()[i]))
        .collect();
    let n_in = inc.iter().filter(|&&b| b).count();
    if n_in < rule.greedy_n {
        let mut rest: Vec<usize> = (0..m.n_rows()).filter(|&i| !inc[i]).collect();
        // Stable sort: equal counts keep row order.
        rest.sort_by(|&a, &b| counts[b].cmp(&counts[a]));
        for &i in rest.iter().take(rule.greedy_n - n_in) {
            inc[i] = true;
        }
    }
    inc
}

/// Reconstructs the sticky in-conv set from the vote log, as if the rule had
/// been applied after every vote since the conversation began (Pol.is applies
/// it at every math update, and nobody ever leaves). A participant is in once
/// their distinct-statement count reaches `min(min_votes, statements so far)`,
/// or if they voted while fewer than `greedy_n` were in.
///
/// A cold start needs this to place the early, light voters Pol.is kept
/// from the conversation's first minutes. Pol.is batches votes per update,
/// so on a busy start its set can differ slightly from this per-vote replay.
pub fn replay(votes: &[VoteRecord], rule: &InConvRule) -> BTreeSet<u64> {
    replay_log(&SortedLog::new(votes), rule)
}

/// [`replay`] of a log already sorted (as the matrix build sorts it).
pub fn replay_log(log: &SortedLog, rule: &InConvRule) -> BTreeSet<u64> {
    // Plain vectors instead of ordered sets: a million votes replay in tens
    // of milliseconds. From the log's (participant, statement, time) order:
    // whether each vote is its pair's first.
    let votes = log.votes;
    let mut first = vec![false; votes.len()];
    let mut last_pair = None;
    for &(pid, tid, _, i) in &log.keys {
        if last_pair != Some((pid, tid)) {
            first[i] = true;
            last_pair = Some((pid, tid));
        }
    }
    // Then in time order (ties by position in the log), as the votes came.
    let mut by_time: Vec<(i64, usize)> = votes
        .iter()
        .enumerate()
        .map(|(i, v)| (v.timestamp, i))
        .collect();
    by_time.sort_unstable();
    let mut tid_seen = vec![false; log.tids.len()];
    let mut statements = 0;
    let mut counts = vec![0usize; log.pids.len()];
    let mut inc = vec![false; log.pids.len()];
    let mut n_in = 0;
    for &(_, i) in &by_time {
        let j = log.tids.position(votes[i].tid);
        if !tid_seen[j] {
            tid_seen[j] = true;
            statements += 1;
        }
        let r = log.pids.position(votes[i].pid);
        if first[i] {
            counts[r] += 1;
        }
        let need = rule.min_votes.min(statements);
        if !inc[r] && (counts[r] >= need || n_in < rule.greedy_n) {
            inc[r] = true;
            n_in += 1;
        }
    }
    log.pids
        .ids()
        .iter()
        .zip(&inc)
        .filter(|(_, i)| **i)
        .map(|(p, _)| *p)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{Vote, VoteRecord};

    fn matrix(counts: &[usize], n_cols: u64) -> VoteMatrix {
        let mut v = Vec::new();
        for (p, &c) in counts.iter().enumerate() {
            for t in 0..c as u64 {
                v.push(VoteRecord {
                    pid: p as u64,
                    tid: t,
                    vote: Vote::Agree,
                    timestamp: 0,
                });
            }
        }
        // make sure all columns exist
        v.push(VoteRecord {
            pid: 1000,
            tid: n_cols - 1,
            vote: Vote::Pass,
            timestamp: 0,
        });
        VoteMatrix::from_votes(&v)
    }

    #[test]
    fn threshold_and_greedy_fill() {
        // 20 participants with 7+ votes: no greedy fill.
        let counts: Vec<usize> = (0..25).map(|i| if i < 20 { 8 } else { 1 }).collect();
        let m = matrix(&counts, 10);
        let inc = select(&m, &InConvRule::default(), &BTreeSet::new());
        assert_eq!(inc.iter().filter(|&&b| b).count(), 20);

        // Only 3 qualify: fill to 15 with the most active, ties by row order.
        let counts: Vec<usize> = (0..30)
            .map(|i| if i < 3 { 9 } else { 1 + (i % 3) })
            .collect();
        let m = matrix(&counts, 10);
        let inc = select(&m, &InConvRule::default(), &BTreeSet::new());
        assert_eq!(inc.iter().filter(|&&b| b).count(), 15);
        // every participant with 3 votes (i % 3 == 2) is in before any with fewer
        for (i, &b) in inc.iter().enumerate().take(30).skip(3) {
            if i % 3 == 2 {
                assert!(b, "row {i}");
            }
        }
    }

    #[test]
    fn replay_keeps_early_light_voters() {
        let mut v = Vec::new();
        // 20 early participants vote once each; then 20 vote on 8 statements.
        for p in 0..20u64 {
            v.push(VoteRecord {
                pid: p,
                tid: 0,
                vote: Vote::Agree,
                timestamp: p as i64,
            });
        }
        for p in 20..40u64 {
            for t in 0..8u64 {
                v.push(VoteRecord {
                    pid: p,
                    tid: t,
                    vote: Vote::Pass,
                    timestamp: 100 + (p * 8 + t) as i64,
                });
            }
        }
        let inc = replay(&v, &InConvRule::default());
        // The first 15 got in while fewer than 15 were in (threshold was 1
        // then: one statement); 15..20 too, as the threshold was still 1.
        assert!((0..20).all(|p| inc.contains(&p)));
        assert!((20..40).all(|p| inc.contains(&p)));
        let late = VoteRecord {
            pid: 99,
            tid: 0,
            vote: Vote::Agree,
            timestamp: 10_000,
        };
        v.push(late);
        assert!(!replay(&v, &InConvRule::default()).contains(&99));
    }

    #[test]
    fn threshold_capped_by_statement_count_and_sticky() {
        let counts = vec![3; 20];
        let m = matrix(&counts, 3);
        let inc = select(&m, &InConvRule::default(), &BTreeSet::new());
        assert!(inc[..20].iter().all(|&b| b));
        let m = matrix(&[1, 1], 10);
        let prev: BTreeSet<u64> = [0].into_iter().collect();
        let rule = InConvRule {
            min_votes: 7,
            greedy_n: 0,
        };
        let inc = select(&m, &rule, &prev);
        assert_eq!(inc, vec![true, false, false]);
    }

    /// The replay as first written, with ordered sets: the fast one must
    /// agree with it exactly, on repeated votes, ties in time and late joiners.
    fn replay_by_sets(votes: &[VoteRecord], rule: &InConvRule) -> BTreeSet<u64> {
        let mut order: Vec<usize> = (0..votes.len()).collect();
        order.sort_by_key(|&i| (votes[i].timestamp, i));
        let mut seen_pairs = BTreeSet::new();
        let mut tids = BTreeSet::new();
        let mut counts: std::collections::BTreeMap<u64, usize> = Default::default();
        let mut inc = BTreeSet::new();
        for i in order {
            let v = &votes[i];
            tids.insert(v.tid);
            if seen_pairs.insert((v.pid, v.tid)) {
                *counts.entry(v.pid).or_default() += 1;
            }
            let need = rule.min_votes.min(tids.len());
            if !inc.contains(&v.pid) && (counts[&v.pid] >= need || inc.len() < rule.greedy_n) {
                inc.insert(v.pid);
            }
        }
        inc
    }

    #[test]
    fn fast_replay_equals_the_set_replay() {
        for (seed, n, pids, tids) in [(1, 3_000, 200, 40), (2, 20_000, 900, 12), (3, 500, 60, 300)]
        {
            let r = crate::pca::det_uniform(seed, 4 * n);
            let pick = |k: usize, m: u64| ((r[k] + 1.0) / 2.0 * m as f64) as u64 % m;
            let votes: Vec<VoteRecord> = (0..n)
                .map(|i| VoteRecord {
                    // Skewed: low ids vote far more often.
                    pid: pick(4 * i, pids) * pick(4 * i + 1, pids) / pids,
                    tid: pick(4 * i + 2, tids),
                    vote: Vote::Agree,
                    // Coarse clock: many votes share a timestamp.
                    timestamp: (i / 7) as i64 - pick(4 * i + 3, 3) as i64,
                })
                .collect();
            for rule in [
                InConvRule::default(),
                InConvRule {
                    min_votes: 3,
                    greedy_n: 0,
                },
            ] {
                let fast = replay(&votes, &rule);
                assert_eq!(fast, replay_by_sets(&votes, &rule), "seed {seed}");
                assert!(
                    !fast.is_empty() && fast.len() < pids as usize,
                    "seed {seed}: {}",
                    fast.len()
                );
            }
        }
    }
}
