//! Common ground (画出同心圆): statements that a majority in *every* opinion
//! group agrees with, or disagrees with.
//!
//! Pol.is's consensus asks only that most of all participants agree, which a
//! large group can carry on its own while a smaller one rejects the
//! statement; a meeting told "everyone agrees" would then start from the
//! wrong place. Its group-aware consensus (a product over groups) ranks
//! statements by shared support but sets no bar. Common ground sets the bar —
//! more than half of each group's voters on the statement, and at least
//! [`MIN_SEEN`] of them — and ranks what passes by group-aware consensus.

use crate::repness::Tally;
use serde::{Deserialize, Serialize};

/// Votes a group must have cast on a statement before its majority counts.
pub const MIN_SEEN: u64 = 3;

/// How many statements each list keeps.
pub const LIST_LEN: usize = 5;

/// A statement on the common ground and how widely it is shared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedStatement {
    pub tid: u64,
    /// The lowest and highest share, over the groups, of a group's voters on
    /// this statement who agree (for the agree list) or disagree.
    pub min_share: f64,
    pub max_share: f64,
}

/// What every group agrees with, and what every group rejects.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CommonGround {
    pub agree: Vec<SharedStatement>,
    pub disagree: Vec<SharedStatement>,
}

/// Common ground from each group's tallies (`tallies[group][column]`, with
/// moderated-out and meta columns marked in `excluded`).
pub fn common_ground(tids: &[u64], tallies: &[Vec<Tally>], excluded: &[bool]) -> CommonGround {
    let list = |count: fn(&Tally) -> u64| {
        let mut found: Vec<(f64, SharedStatement)> = Vec::new();
        for (j, &tid) in tids.iter().enumerate() {
            if excluded[j] || tallies.is_empty() {
                continue;
            }
            let (mut min, mut max, mut score) = (f64::INFINITY, 0.0f64, 1.0);
            let mut shared = true;
            for t in tallies.iter().map(|g| &g[j]) {
                let n = count(t);
                if t.seen < MIN_SEEN || 2 * n <= t.seen {
                    shared = false;
                    break;
                }
                let share = n as f64 / t.seen as f64;
                min = min.min(share);
                max = max.max(share);
                // Pol.is's group-aware consensus: Π (n + 1) / (seen + 2).
                score *= (n as f64 + 1.0) / (t.seen as f64 + 2.0);
            }
            if shared {
                let s = SharedStatement {
                    tid,
                    min_share: min,
                    max_share: max,
                };
                found.push((score, s));
            }
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.tid.cmp(&b.1.tid)));
        found.into_iter().take(LIST_LEN).map(|(_, s)| s).collect()
    };
    CommonGround {
        agree: list(|t| t.agree),
        disagree: list(|t| t.disagree),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(agree: u64, disagree: u64, seen: u64) -> Tally {
        Tally {
            agree,
            disagree,
            seen,
        }
    }

    #[test]
    fn every_group_must_hold_a_majority() {
        let tids = [10, 11, 12, 13, 14];
        // Group 0 is large and agrees with everything but 13; group 1 is small.
        let tallies = vec![
            vec![
                t(90, 5, 100),
                t(95, 0, 100),
                t(90, 5, 100),
                t(1, 99, 100),
                t(99, 0, 100),
            ],
            vec![
                t(8, 1, 10),
                t(2, 7, 10),
                t(6, 2, 10),
                t(0, 9, 10),
                t(2, 0, 2),
            ],
        ];
        let excluded = [false, false, false, false, false];
        let cg = common_ground(&tids, &tallies, &excluded);
        // 11: one group rejects it, though most of everyone agrees (97 of 110).
        // 14: the small group's two votes are too few to count.
        let agree: Vec<u64> = cg.agree.iter().map(|s| s.tid).collect();
        assert_eq!(agree, vec![10, 12], "ranked by group-aware consensus");
        assert_eq!((cg.agree[0].min_share, cg.agree[0].max_share), (0.8, 0.9));
        assert_eq!(
            cg.disagree.iter().map(|s| s.tid).collect::<Vec<_>>(),
            vec![13]
        );
        // Exactly half is not a majority; excluded statements never count.
        let half = vec![vec![t(5, 5, 10)], vec![t(9, 0, 10)]];
        assert!(common_ground(&[1], &half, &[false]).agree.is_empty());
        let ok = vec![vec![t(9, 0, 10)], vec![t(9, 0, 10)]];
        assert!(common_ground(&[1], &ok, &[true]).agree.is_empty());
        assert!(common_ground(&[1], &[], &[false]).agree.is_empty());
    }
}
