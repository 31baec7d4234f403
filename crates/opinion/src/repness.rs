//! What each opinion group stands for, and what everyone shares.
//!
//! Statistics follow Pol.is's `repness.clj` and `stats.clj` exactly, including
//! its tests (Laplace-smoothed proportion tests, 90% one-sided z = 1.2816) and
//! its selection quirks, so that given the same groups our lists equal
//! Pol.is's to float precision. Rational intermediate values that Clojure
//! keeps exact (it computes with ratios) are formed from integer numerators
//! and denominators and divided once, so they round as Pol.is's do.

use crate::matrix::{AGREE, DISAGREE, VoteMatrix};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One-sided 90% significance threshold for a z statistic.
pub const Z90: f64 = 1.2816;

/// Agree / disagree / seen counts (seen = all non-blank votes, passes too).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    #[serde(rename = "A")]
    pub agree: u64,
    #[serde(rename = "D")]
    pub disagree: u64,
    #[serde(rename = "S")]
    pub seen: u64,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.agree += o.agree;
        self.disagree += o.disagree;
        self.seen += o.seen;
    }
}

/// Tallies per group per column. With `zeroed` (Pol.is's rating matrix), an
/// excluded column counts as a pass by every group member, blanks included.
pub fn tally_groups(
    m: &VoteMatrix,
    group_of_row: &[Option<usize>],
    n_groups: usize,
    zeroed: Option<&[bool]>,
) -> Vec<Vec<Tally>> {
    let nc = m.n_cols();
    let mut t = vec![vec![Tally::default(); nc]; n_groups];
    let mut size = vec![0u64; n_groups];
    for (i, g) in group_of_row.iter().enumerate() {
        let Some(g) = *g else { continue };
        size[g] += 1;
        let (c, v) = m.row(i);
        for (&j, &x) in c.iter().zip(v) {
            let j = j as usize;
            if zeroed.is_some_and(|z| z[j]) {
                continue;
            }
            let e = &mut t[g][j];
            e.seen += 1;
            if x == AGREE {
                e.agree += 1;
            } else if x == DISAGREE {
                e.disagree += 1;
            }
        }
    }
    if let Some(z) = zeroed {
        for (g, row) in t.iter_mut().enumerate() {
            for (j, e) in row.iter_mut().enumerate() {
                if z[j] {
                    *e = Tally {
                        agree: 0,
                        disagree: 0,
                        seen: size[g],
                    };
                }
            }
        }
    }
    t
}

/// Pol.is's `prop-test`: z of a smoothed proportion against 1/2.
pub fn prop_test(succ: u64, n: u64) -> f64 {
    let (s, n) = ((succ + 1) as f64, (n + 1) as f64);
    2.0 * n.sqrt() * (s / n + -0.5)
}

/// Pol.is's `two-prop-test` with 1 added to all four counts; 0 when the pooled
/// proportion is 1 (Pol.is's own fallback, kept).
pub fn two_prop_test(succ_in: u64, succ_out: u64, pop_in: u64, pop_out: u64) -> f64 {
    let (s1, s2, n1, n2) = (
        i128::from(succ_in + 1),
        i128::from(succ_out + 1),
        i128::from(pop_in + 1),
        i128::from(pop_out + 1),
    );
    let (s, n) = (s1 + s2, n1 + n2);
    if s == n {
        return 0.0;
    }
    // pi1 − pi2 and p̂(1 − p̂)(1/n1 + 1/n2) as exact ratios.
    let diff = (s1 * n2 - s2 * n1) as f64 / (n1 * n2) as f64;
    let var = (s * (n - s)) as f64 / (n * n1 * n2) as f64;
    diff / var.sqrt()
}

/// Statistics of one statement within one group, compared with the rest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CommentStats {
    pub na: u64,
    pub nd: u64,
    pub ns: u64,
    pub pa: f64,
    pub pd: f64,
    pub pat: f64,
    pub pdt: f64,
    pub ra: f64,
    pub rd: f64,
    pub rat: f64,
    pub rdt: f64,
}

/// In-group statistics (no comparison yet).
pub fn comment_stats(t: Tally) -> CommentStats {
    let (na, nd, ns) = (t.agree, t.disagree, t.seen);
    CommentStats {
        na,
        nd,
        ns,
        pa: (na + 1) as f64 / (ns + 2) as f64,
        pd: (nd + 1) as f64 / (ns + 2) as f64,
        pat: prop_test(na, ns),
        pdt: prop_test(nd, ns),
        ..CommentStats::default()
    }
}

/// `(a+1)/(b+2)` divided by `(c+1)/(d+2)`, as one exact ratio.
fn ratio_of_ratios(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let num = u128::from(a + 1) * u128::from(d + 2);
    let den = u128::from(b + 2) * u128::from(c + 1);
    num as f64 / den as f64
}

/// Adds the comparison with all other groups pooled (`rest`).
pub fn compare(mut s: CommentStats, rest: Tally) -> CommentStats {
    s.ra = ratio_of_ratios(s.na, s.ns, rest.agree, rest.seen);
    s.rd = ratio_of_ratios(s.nd, s.ns, rest.disagree, rest.seen);
    s.rat = two_prop_test(s.na, rest.agree, s.ns, rest.seen);
    s.rdt = two_prop_test(s.nd, rest.disagree, s.ns, rest.seen);
    s
}

/// Full statistics `[group][column]` from rating-matrix tallies.
pub fn conv_repness(tallies: &[Vec<Tally>]) -> Vec<Vec<CommentStats>> {
    let nc = tallies.first().map_or(0, Vec::len);
    let mut out = vec![Vec::with_capacity(nc); tallies.len()];
    for j in 0..nc {
        let mut total = Tally::default();
        for t in tallies {
            total.add(&t[j]);
        }
        for (g, t) in tallies.iter().enumerate() {
            let me = t[j];
            let rest = Tally {
                agree: total.agree - me.agree,
                disagree: total.disagree - me.disagree,
                seen: total.seen - me.seen,
            };
            out[g].push(compare(comment_stats(me), rest));
        }
    }
    out
}

/// Whether a statement is representative for a group or its disagreement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RepfulFor {
    Agree,
    Disagree,
}

/// A representative statement as Pol.is reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepStatement {
    pub tid: u64,
    pub n_success: u64,
    pub n_trials: u64,
    pub p_success: f64,
    pub p_test: f64,
    pub repness: f64,
    /// Rounded to f32 and back: Pol.is stores `(float repness-test)` and
    /// ranks with the rounded value. Copied so rankings agree.
    pub repness_test: f64,
    pub repful_for: RepfulFor,
    /// Set on the group's "best agree" statement, put first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub best_agree: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_agree: Option<u64>,
    /// Both z-scores and probabilities, for consumers who want them.
    pub pa: f64,
    pub pd: f64,
    pub pat: f64,
    pub pdt: f64,
    pub ra: f64,
    pub rd: f64,
    pub rat: f64,
    pub rdt: f64,
}

fn finalize(tid: u64, s: &CommentStats) -> RepStatement {
    let agree = s.rat > s.rdt;
    let (n_success, p_success, p_test, repness, test, repful_for) = if agree {
        (s.na, s.pa, s.pat, s.ra, s.rat, RepfulFor::Agree)
    } else {
        (s.nd, s.pd, s.pdt, s.rd, s.rdt, RepfulFor::Disagree)
    };
    RepStatement {
        tid,
        n_success,
        n_trials: s.ns,
        p_success,
        p_test,
        repness,
        repness_test: f64::from(test as f32),
        repful_for,
        best_agree: false,
        n_agree: None,
        pa: s.pa,
        pd: s.pd,
        pat: s.pat,
        pdt: s.pdt,
        ra: s.ra,
        rd: s.rd,
        rat: s.rat,
        rdt: s.rdt,
    }
}

fn passes_by_test(s: &CommentStats) -> bool {
    (s.rat > Z90 && s.pat > Z90) || (s.rdt > Z90 && s.pdt > Z90)
}

/// Quirk copied: the best-agree candidate is judged on agreement even when
/// its comparison favours disagreement, and it is put at the front of the
/// list even if it did not pass the significance tests. Statements nobody in
/// the group agreed or disagreed with are never taken.
fn beats_best_agree(s: &CommentStats, best: Option<&CommentStats>) -> bool {
    if s.na == 0 && s.nd == 0 {
        return false;
    }
    match best {
        Some(b) if b.ra > 1.0 => s.ra * s.rat * s.pa * s.pat > b.ra * b.rat * b.pa * b.pat,
        Some(b) => s.pa * s.pat > b.pa * b.pat,
        None => s.pat > Z90 || (s.ra > 1.0 && s.pa > 0.5),
    }
}

/// Ranking metric `repness · repness_test · p · p_test`.
pub fn repness_metric(r: &RepStatement) -> f64 {
    r.repness * r.repness_test * r.p_success * r.p_test
}

/// Pol.is's `select-rep-comments`: for each group, statements passing both
/// tests, ranked by the metric, the best-agree statement first, cut to 5,
/// agrees before disagrees; if none passes, the single best one.
///
/// `stats[g][j]` is column j of group g; `excluded` columns are skipped.
pub fn select_rep_comments(
    stats: &[Vec<CommentStats>],
    tids: &[u64],
    excluded: &[bool],
) -> Vec<Vec<RepStatement>> {
    stats
        .iter()
        .map(|gs| {
            let mut sufficient: Vec<RepStatement> = Vec::new();
            let mut best: Option<RepStatement> = None;
            let mut best_agree: Option<(u64, CommentStats)> = None;
            for (j, s) in gs.iter().enumerate() {
                if excluded[j] {
                    continue;
                }
                let tid = tids[j];
                if passes_by_test(s) {
                    sufficient.push(finalize(tid, s));
                }
                if sufficient.is_empty() {
                    let beats = best
                        .as_ref()
                        .is_none_or(|b| s.rat.max(s.rdt) > b.repness_test);
                    if beats {
                        best = Some(finalize(tid, s));
                    }
                }
                if beats_best_agree(s, best_agree.as_ref().map(|b| &b.1)) {
                    best_agree = Some((tid, *s));
                }
            }
            let best_agree = best_agree.map(|(tid, s)| {
                let mut r = finalize(tid, &s);
                r.n_agree = Some(s.na);
                r.best_agree = true;
                r
            });
            if sufficient.is_empty() {
                return best_agree.or(best).into_iter().collect();
            }
            let ba_tid = best_agree.as_ref().map(|b| b.tid);
            let mut rest: Vec<RepStatement> = sufficient
                .into_iter()
                .filter(|r| Some(r.tid) != ba_tid)
                .collect();
            // Stable sort, as Clojure's sort-by: ties keep statement order.
            rest.sort_by(|a, b| (-repness_metric(a)).total_cmp(&-repness_metric(b)));
            let top: Vec<RepStatement> = best_agree.into_iter().chain(rest).take(5).collect();
            let (agrees, disagrees): (Vec<_>, Vec<_>) = top
                .into_iter()
                .partition(|r| r.repful_for == RepfulFor::Agree);
            agrees.into_iter().chain(disagrees).collect()
        })
        .collect()
}

/// A consensus statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsensusStatement {
    pub tid: u64,
    pub n_success: u64,
    pub n_trials: u64,
    pub p_success: f64,
    pub p_test: f64,
}

/// Statements most of the conversation agrees (or disagrees) with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Consensus {
    pub agree: Vec<ConsensusStatement>,
    pub disagree: Vec<ConsensusStatement>,
}

/// Pol.is's consensus over *all* participants of the rating matrix (not only
/// clustered ones): `p > 0.5` and `p_test > 1.2816`, top 5 by `p · p_test`.
pub fn consensus(m: &VoteMatrix, excluded: &[bool]) -> Consensus {
    let all = vec![Some(0); m.n_rows()];
    let t = tally_groups(m, &all, 1, Some(excluded));
    let stats: Vec<(u64, CommentStats)> = m
        .tids()
        .iter()
        .zip(&t[0])
        .zip(excluded)
        .filter(|(_, e)| !**e)
        .map(|((&tid, &tally), _)| (tid, comment_stats(tally)))
        .collect();
    let top = |agree: bool| {
        let mut v: Vec<&(u64, CommentStats)> = stats
            .iter()
            .filter(|(_, s)| {
                if agree {
                    s.pa > 0.5 && s.pat > Z90
                } else {
                    s.pd > 0.5 && s.pdt > Z90
                }
            })
            .collect();
        let metric = |s: &CommentStats| if agree { s.pa * s.pat } else { s.pd * s.pdt };
        v.sort_by(|a, b| (-metric(&a.1)).total_cmp(&-metric(&b.1)));
        v.into_iter()
            .take(5)
            .map(|(tid, s)| {
                let (n, p, z) = if agree {
                    (s.na, s.pa, s.pat)
                } else {
                    (s.nd, s.pd, s.pdt)
                };
                ConsensusStatement {
                    tid: *tid,
                    n_success: n,
                    n_trials: s.ns,
                    p_success: p,
                    p_test: z,
                }
            })
            .collect()
    };
    Consensus {
        agree: top(true),
        disagree: top(false),
    }
}

/// How one group voted: member count and tallies per statement (raw votes).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupVotes {
    pub n_members: u64,
    pub votes: BTreeMap<u64, Tally>,
}

/// Group votes from the raw matrix (moderation does not apply), as Pol.is's
/// `group-votes`.
pub fn group_votes(
    m: &VoteMatrix,
    group_of_row: &[Option<usize>],
    n_groups: usize,
) -> Vec<GroupVotes> {
    let t = tally_groups(m, group_of_row, n_groups, None);
    let mut sizes = vec![0u64; n_groups];
    for g in group_of_row.iter().flatten() {
        sizes[*g] += 1;
    }
    t.into_iter()
        .zip(sizes)
        .map(|(row, n)| GroupVotes {
            n_members: n,
            votes: m.tids().iter().copied().zip(row).collect(),
        })
        .collect()
}

/// Group-aware consensus per statement: the product over groups (in id
/// order) of each group's smoothed agree rate `(A+1)/(S+2)`. High only when
/// every group agrees.
pub fn group_aware_consensus(groups: &[GroupVotes]) -> BTreeMap<u64, f64> {
    let mut out: BTreeMap<u64, f64> = BTreeMap::new();
    for g in groups {
        for (&tid, t) in &g.votes {
            let p = (t.agree as f64 + 1.0) / (t.seen as f64 + 2.0);
            out.entry(tid).and_modify(|x| *x *= p).or_insert(p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_match_pol_is_formulas() {
        // pat for 6 agrees out of 6: 2·sqrt(7)·(7/7 − 0.5) = sqrt(7)
        assert!((prop_test(6, 6) - 7f64.sqrt()).abs() < 1e-15);
        assert_eq!(
            two_prop_test(3, 5, 3, 5),
            0.0,
            "pooled proportion 1 gives 0"
        );
        let z = two_prop_test(6, 1, 6, 10);
        let (p1, p2, ph) = (7.0 / 7.0, 2.0 / 11.0, 9.0 / 18.0);
        let expect = (p1 - p2) / (ph * (1.0 - ph) * (1.0 / 7.0 + 1.0 / 11.0f64)).sqrt();
        assert!((z - expect).abs() < 1e-12);
    }

    fn stats(na: u64, nd: u64, ns: u64, ra: u64, rd: u64, rs: u64) -> CommentStats {
        compare(
            comment_stats(Tally {
                agree: na,
                disagree: nd,
                seen: ns,
            }),
            Tally {
                agree: ra,
                disagree: rd,
                seen: rs,
            },
        )
    }

    #[test]
    fn selection_puts_best_agree_first_even_if_not_significant() {
        // Statement 0: strongly disagree-representative; statement 1: mild agree.
        let g = vec![stats(0, 9, 10, 10, 0, 10), stats(4, 0, 6, 3, 2, 10)];
        let sel = select_rep_comments(&[g], &[100, 101], &[false, false]);
        let sel = &sel[0];
        assert_eq!(sel.len(), 2);
        assert_eq!(sel[0].tid, 101);
        assert!(sel[0].best_agree);
        assert!(!passes_by_test(&stats(4, 0, 6, 3, 2, 10)));
        assert_eq!(sel[1].repful_for, RepfulFor::Disagree);
    }

    #[test]
    fn selection_falls_back_to_best_and_skips_excluded() {
        let g = vec![
            stats(1, 1, 3, 1, 1, 3),
            stats(0, 0, 0, 0, 0, 0),
            stats(2, 1, 3, 1, 1, 3),
        ];
        let sel = select_rep_comments(std::slice::from_ref(&g), &[0, 1, 2], &[false, false, false]);
        assert_eq!(sel[0].len(), 1);
        let sel = select_rep_comments(&[g], &[0, 1, 2], &[true, true, true]);
        assert!(sel[0].is_empty());
    }

    #[test]
    fn repness_test_is_rounded_to_f32_like_pol_is() {
        let s = stats(6, 0, 6, 1, 5, 10);
        let r = finalize(0, &s);
        assert_eq!(r.repness_test, f64::from(s.rat as f32));
        assert_ne!(r.repness_test, s.rat);
    }
}
