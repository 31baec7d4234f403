//! Which statement to show a voter next (Pol.is's `comment-priorities`).
//!
//! Favours statements that split opinion (extremity on the map), that are not
//! mostly passed, that are agreed with, and new ones (few votes yet): the
//! factor `1 + 8 · 2^(−S/5)` lets a fresh statement surface before its votes
//! arrive. Squared to sharpen the preference. Meta statements get a fixed 7².

use crate::repness::{GroupVotes, Tally};

/// Priority of meta statements before squaring (Pol.is's `meta-priority`).
pub const META_PRIORITY: f64 = 7.0;

/// `(1 − p)(E + 1)·a` with p the pass rate and a the agree rate, smoothed.
pub fn importance(agree: u64, pass: u64, seen: u64, extremity: f64) -> f64 {
    let p = (pass + 1) as f64 / (seen + 2) as f64;
    let a = (agree + 1) as f64 / (seen + 2) as f64;
    (1.0 - p) * (extremity + 1.0) * a
}

/// Priority of one statement from its totals over groups.
pub fn priority(is_meta: bool, total: Tally, extremity: f64) -> f64 {
    let base = if is_meta {
        META_PRIORITY
    } else {
        let pass = total.seen - total.agree - total.disagree;
        importance(total.agree, pass, total.seen, extremity)
            * (1.0 + 8.0 * 2f64.powf(total.seen as f64 / -5.0))
    };
    base.powi(2)
}

/// Priorities per column, from group votes summed over groups (so only
/// clustered participants count, as in Pol.is).
///
/// Quirk not copied: Pol.is reads the group votes of the *previous* run here
/// (`(:group-votes conv)`), so priorities lag one update behind; we use the
/// current run's, which is what the formula intends.
pub fn priorities(
    tids: &[u64],
    groups: &[GroupVotes],
    extremity: &[f64],
    meta: &[bool],
) -> Vec<f64> {
    tids.iter()
        .enumerate()
        .map(|(j, tid)| {
            let mut t = Tally::default();
            for g in groups {
                if let Some(v) = g.votes.get(tid) {
                    t.agree += v.agree;
                    t.disagree += v.disagree;
                    t.seen += v.seen;
                }
            }
            priority(meta[j], t, extremity[j])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_and_meta() {
        assert_eq!(priority(true, Tally::default(), 3.0), 49.0);
        // A = 1, P = 0, S = 1, E = 0: importance = (1 − 1/3)(1)(2/3) = 4/9
        let t = Tally {
            agree: 1,
            disagree: 0,
            seen: 1,
        };
        let expect = (4.0 / 9.0 * (1.0 + 8.0 * 2f64.powf(-0.2))).powi(2);
        assert!((priority(false, t, 0.0) - expect).abs() < 1e-14 * expect);
        // new statements outrank old ones with the same rates
        let old = Tally {
            agree: 10,
            disagree: 10,
            seen: 20,
        };
        let new = Tally {
            agree: 1,
            disagree: 1,
            seen: 2,
        };
        assert!(priority(false, new, 1.0) > priority(false, old, 1.0));
    }
}
