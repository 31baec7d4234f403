//! Pol.is-compatible opinion map for Shangliang (商量).
//!
//! From a sparse vote matrix this computes what Pol.is computes: who is
//! clustered, a two-component PCA map, base clusters and opinion groups,
//! representative statements per group, consensus, group-aware consensus,
//! group vote tallies and the priority of each statement for the next voter.
//! Given the same groups, the statistics equal Pol.is's to float precision;
//! the clustering is deterministic (no unseeded randomness) and exact at
//! Pol.is's caps (100,000 participants × 10,000 statements).
//!
//! Where Pol.is has a quirk, the module that meets it says whether we copy
//! it and why.

pub mod cluster;
pub mod common_ground;
pub mod inconv;
pub mod matrix;
mod par;
pub mod pca;
pub mod polis;
pub mod priority;
pub mod repness;
pub mod report;

use cluster::{Cluster, KSmoother, Points};
use inconv::{InConvRule, Moderation};
use matrix::VoteMatrix;
use pca::{Pca, PcaOptions};
use repness::{Consensus, GroupVotes, RepStatement};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub use report::{Report, report};

/// Errors of the readers and writers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot access {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{file}, line {line}: {msg}")]
    Csv {
        file: String,
        line: usize,
        msg: String,
    },
    #[error("{0}")]
    Format(String),
}

/// Settings; the defaults are Pol.is's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Options {
    pub moderation: Moderation,
    pub in_conv: InConvRule,
    pub pca: PcaOptions,
    /// Base clusters (Pol.is: 100).
    pub base_k: usize,
    /// Base k-means step limit (Pol.is: 100).
    pub base_iters: usize,
    /// Group k-means step limit (Pol.is effectively 20, see `cluster`).
    pub group_iters: usize,
    /// Largest number of groups (Pol.is: 5).
    pub max_k: usize,
    /// Runs a new best k must win in a row to replace the current k.
    pub k_buffer: usize,
    /// Worker threads; 0 = all cores. Results do not depend on it.
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            moderation: Moderation::default(),
            in_conv: InConvRule::default(),
            pca: PcaOptions::default(),
            base_k: 100,
            base_iters: 100,
            group_iters: 20,
            max_k: 5,
            k_buffer: 4,
            threads: 0,
        }
    }
}

/// An opinion group: id, base-cluster ids (as Pol.is lists them), centre
/// and the participants they hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: usize,
    pub members: Vec<u64>,
    pub center: [f64; 2],
    pub pids: Vec<u64>,
}

/// Statistics that depend only on votes, groups and statement extremity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    /// Representative statements per group id.
    pub repness: BTreeMap<usize, Vec<RepStatement>>,
    pub consensus: Consensus,
    /// Per statement id.
    pub group_aware_consensus: BTreeMap<u64, f64>,
    /// Per group id.
    pub group_votes: BTreeMap<usize, GroupVotes>,
    /// Per statement id.
    pub priorities: BTreeMap<u64, f64>,
    /// What a majority of every group agrees or disagrees with (absent from
    /// analyses saved before it existed).
    #[serde(default)]
    pub common_ground: common_ground::CommonGround,
}

/// Everything one run computes. Pass it back as `previous` to the next run
/// for Pol.is's continuity (sticky in-conv, warm starts, k smoothing).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Participant ids (matrix rows) and statement ids (matrix columns).
    pub pids: Vec<u64>,
    pub tids: Vec<u64>,
    /// Non-blank votes per participant (aligned with `pids`).
    pub user_vote_counts: Vec<usize>,
    /// Clustered participant ids.
    pub in_conv: Vec<u64>,
    pub pca: Pca,
    /// Map position of every participant (aligned with `pids`).
    pub projections: Vec<[f64; 2]>,
    /// Map position and extremity of every statement (aligned with `tids`).
    pub comment_projection: Vec<[f64; 2]>,
    pub comment_extremity: Vec<f64>,
    pub base_clusters: Vec<Cluster>,
    /// Group clustering for every k tried, and its silhouette.
    pub group_clusterings: BTreeMap<usize, Vec<Cluster>>,
    pub silhouettes: BTreeMap<usize, f64>,
    pub k_smoother: Option<KSmoother>,
    pub groups: Vec<Group>,
    /// Not flattened: serde's flatten cannot read back integer map keys.
    pub stats: Statistics,
}

impl Analysis {
    /// What the next run reads of this one (statement ids, components,
    /// in-conv, base and group clusterings, the k smoother), without the
    /// positions and statistics it recomputes anyway. Passing it as
    /// `previous` gives the same result, bit for bit, as passing the whole
    /// analysis; it is what a server keeps so a restart still starts warm.
    pub fn continuation(&self) -> Analysis {
        Analysis {
            pids: Vec::new(),
            tids: self.tids.clone(),
            user_vote_counts: Vec::new(),
            in_conv: self.in_conv.clone(),
            pca: self.pca.clone(),
            projections: Vec::new(),
            comment_projection: Vec::new(),
            comment_extremity: Vec::new(),
            base_clusters: self.base_clusters.clone(),
            group_clusterings: self.group_clusterings.clone(),
            silhouettes: BTreeMap::new(),
            k_smoother: self.k_smoother.clone(),
            groups: Vec::new(),
            stats: Statistics::default(),
        }
    }

    /// Group id of each participant (aligned with `pids`), `None` if not clustered.
    pub fn group_of_participants(&self) -> Vec<Option<usize>> {
        let mut of: BTreeMap<u64, usize> = BTreeMap::new();
        for g in &self.groups {
            for &p in &g.pids {
                of.insert(p, g.id);
            }
        }
        self.pids.iter().map(|p| of.get(p).copied()).collect()
    }
}

/// Previous components re-aligned to this matrix's statements; statements
/// new since then start at 1.0, as Pol.is pads its start vectors.
fn aligned_start(votes: &VoteMatrix, prev: &Analysis) -> [Vec<f64>; 2] {
    let at: BTreeMap<u64, usize> = prev.tids.iter().enumerate().map(|(j, &t)| (t, j)).collect();
    let pick = |c: &Vec<f64>| {
        votes
            .tids()
            .iter()
            .map(|t| at.get(t).and_then(|&j| c.get(j)).copied().unwrap_or(1.0))
            .collect()
    };
    [pick(&prev.pca.comps[0]), pick(&prev.pca.comps[1])]
}

/// Runs the whole pipeline. `previous` is the last run's result, if any.
///
/// Without a log, clustering visits participants in id order; prefer
/// [`analyze_log`] when the votes' times are known.
pub fn analyze(votes: &VoteMatrix, opts: &Options, previous: Option<&Analysis>) -> Analysis {
    let order: Vec<usize> = (0..votes.n_rows()).collect();
    analyze_with_history(votes, opts, previous, BTreeSet::new(), &order)
}

/// Runs the whole pipeline from the vote log. Besides building the matrix,
/// it reads two things of the conversation's history from the log, as a
/// long-lived Pol.is conversation has them: who is in-conv under Pol.is's
/// sticky rule (see [`inconv::replay`]), and the order participants first
/// voted in, which decides the points a cold start seeds its clusters with
/// (Pol.is's rows follow first appearance).
pub fn analyze_log(
    votes: &[matrix::VoteRecord],
    opts: &Options,
    previous: Option<&Analysis>,
) -> Analysis {
    let log = matrix::SortedLog::new(votes);
    let m = VoteMatrix::from_log(&log);
    let sticky = inconv::replay_log(&log, &opts.in_conv);
    let order = log.appearance_order();
    drop(log);
    analyze_with_history(&m, opts, previous, sticky, &order)
}

/// The pipeline, given participants kept in-conv by history (`sticky`) and
/// the order clustering visits rows in (`order`, a permutation of rows).
fn analyze_with_history(
    votes: &VoteMatrix,
    opts: &Options,
    previous: Option<&Analysis>,
    sticky: BTreeSet<u64>,
    order: &[usize],
) -> Analysis {
    let threads = par::threads(opts.threads);
    let excluded = opts.moderation.excluded_mask(votes);
    let mut prev_in: BTreeSet<u64> = previous
        .map(|p| p.in_conv.iter().copied().collect())
        .unwrap_or_default();
    prev_in.extend(sticky);
    let in_mask = inconv::select(votes, &opts.in_conv, &prev_in);
    let start = previous.map(|p| aligned_start(votes, p));
    let pca = pca::fit(votes, &excluded, start.as_ref(), &opts.pca, threads);
    let projections = pca::project_participants(votes, &excluded, &pca, threads);

    let rows: Vec<usize> = order.iter().copied().filter(|&i| in_mask[i]).collect();
    let ids: Vec<u64> = rows.iter().map(|&i| votes.pids()[i]).collect();
    let pos: Vec<[f64; 2]> = rows.iter().map(|&i| projections[i]).collect();
    let pts = Points {
        ids: &ids,
        pos: &pos,
        weights: None,
    };
    let init = match previous {
        Some(p) if !p.base_clusters.is_empty() => {
            cluster::clean_start(&pts, &p.base_clusters, opts.base_k)
        }
        _ => cluster::init_clusters(&pos, opts.base_k),
    };
    let base = cluster::kmeans(&pts, init, opts.base_iters, threads);
    finish(votes, opts, previous, in_mask, pca, projections, base)
}

/// Runs the group step and the statistics from given base clusters (for
/// instance Pol.is's own), skipping in-conv selection and base k-means.
/// In-conv is taken to be the base clusters' members.
pub fn analyze_from_base_clusters(
    votes: &VoteMatrix,
    opts: &Options,
    base: Vec<Cluster>,
    previous: Option<&Analysis>,
) -> Analysis {
    let threads = par::threads(opts.threads);
    let excluded = opts.moderation.excluded_mask(votes);
    let members: BTreeSet<u64> = base
        .iter()
        .flat_map(|c| c.members.iter().copied())
        .collect();
    let in_mask: Vec<bool> = votes.pids().iter().map(|p| members.contains(p)).collect();
    let start = previous.map(|p| aligned_start(votes, p));
    let pca = pca::fit(votes, &excluded, start.as_ref(), &opts.pca, threads);
    let projections = pca::project_participants(votes, &excluded, &pca, threads);
    finish(votes, opts, previous, in_mask, pca, projections, base)
}

fn finish(
    votes: &VoteMatrix,
    opts: &Options,
    previous: Option<&Analysis>,
    in_mask: Vec<bool>,
    pca: Pca,
    projections: Vec<[f64; 2]>,
    base: Vec<Cluster>,
) -> Analysis {
    let comment_projection = pca::comment_projection(&pca);
    let comment_extremity = pca::comment_extremity(&pca);
    let (group_clusterings, silhouettes, k_smoother, groups) = group_step(&base, opts, previous);
    let stats = statistics(votes, opts, &groups, &comment_extremity);
    Analysis {
        pids: votes.pids().to_vec(),
        tids: votes.tids().to_vec(),
        user_vote_counts: inconv::vote_counts(votes),
        in_conv: votes
            .pids()
            .iter()
            .zip(&in_mask)
            .filter(|(_, b)| **b)
            .map(|(p, _)| *p)
            .collect(),
        pca,
        projections,
        comment_projection,
        comment_extremity,
        base_clusters: base,
        group_clusterings,
        silhouettes,
        k_smoother,
        groups,
        stats,
    }
}

type GroupStep = (
    BTreeMap<usize, Vec<Cluster>>,
    BTreeMap<usize, f64>,
    Option<KSmoother>,
    Vec<Group>,
);

/// Groups from base clusters: k-means for each k, silhouettes, smoothed k.
pub fn group_step(base: &[Cluster], opts: &Options, previous: Option<&Analysis>) -> GroupStep {
    let clusterings = cluster::group_clusterings(
        base,
        opts.max_k,
        opts.group_iters,
        previous.map(|p| &p.group_clusterings),
    );
    let dists = cluster::BaseDistances::new(base);
    let silhouettes: BTreeMap<usize, f64> = clusterings
        .iter()
        .map(|(&k, g)| (k, dists.silhouette(g)))
        .collect();
    let Some(this_k) = cluster::best_k(&silhouettes) else {
        // Fewer than two base clusters: everyone clustered forms one group.
        let groups = if base.is_empty() {
            Vec::new()
        } else {
            let n: f64 = base.iter().map(|c| c.members.len() as f64).sum();
            let cx = base
                .iter()
                .map(|c| c.center[0] * c.members.len() as f64)
                .sum::<f64>()
                / n;
            let cy = base
                .iter()
                .map(|c| c.center[1] * c.members.len() as f64)
                .sum::<f64>()
                / n;
            vec![Group {
                id: 0,
                members: base.iter().map(|c| c.id as u64).collect(),
                center: [cx, cy],
                pids: base
                    .iter()
                    .flat_map(|c| c.members.iter().copied())
                    .collect(),
            }]
        };
        return (
            clusterings,
            silhouettes,
            previous.and_then(|p| p.k_smoother.clone()),
            groups,
        );
    };
    let smoother = KSmoother::update(
        previous.and_then(|p| p.k_smoother.as_ref()),
        this_k,
        opts.k_buffer,
    );
    let chosen = clusterings
        .get(&smoother.smoothed_k)
        .or_else(|| clusterings.get(&this_k))
        .cloned()
        .unwrap_or_default();
    let groups = groups_from_clusters(base, &chosen);
    (clusterings, silhouettes, Some(smoother), groups)
}

/// Expands group clusters over base-cluster ids into participant lists.
pub fn groups_from_clusters(base: &[Cluster], groups: &[Cluster]) -> Vec<Group> {
    let by_id: BTreeMap<u64, &Cluster> = base.iter().map(|c| (c.id as u64, c)).collect();
    groups
        .iter()
        .map(|g| {
            let mut pids: Vec<u64> = g
                .members
                .iter()
                .filter_map(|b| by_id.get(b))
                .flat_map(|c| c.members.iter().copied())
                .collect();
            pids.sort_unstable();
            Group {
                id: g.id,
                members: g.members.clone(),
                center: g.center,
                pids,
            }
        })
        .collect()
}

/// Repness, consensus, group-aware consensus, group votes and priorities for
/// given groups. `extremity` is aligned with the matrix columns. Participants
/// of a group who are not in the matrix are ignored.
pub fn statistics(
    votes: &VoteMatrix,
    opts: &Options,
    groups: &[Group],
    extremity: &[f64],
) -> Statistics {
    let excluded = opts.moderation.excluded_mask(votes);
    let meta = opts.moderation.meta_mask(votes);
    let mut group_of_row: Vec<Option<usize>> = vec![None; votes.n_rows()];
    for (gi, g) in groups.iter().enumerate() {
        for &p in &g.pids {
            if let Some(i) = votes.row_of(p) {
                group_of_row[i] = Some(gi);
            }
        }
    }
    let rating = repness::tally_groups(votes, &group_of_row, groups.len(), Some(&excluded));
    let stats = repness::conv_repness(&rating);
    let rep = repness::select_rep_comments(&stats, votes.tids(), &excluded);
    let gv = repness::group_votes(votes, &group_of_row, groups.len());
    let pri = priority::priorities(votes.tids(), &gv, extremity, &meta);
    Statistics {
        repness: groups.iter().map(|g| g.id).zip(rep).collect(),
        consensus: repness::consensus(votes, &excluded),
        group_aware_consensus: repness::group_aware_consensus(&gv),
        group_votes: groups.iter().map(|g| g.id).zip(gv).collect(),
        priorities: votes.tids().iter().copied().zip(pri).collect(),
        common_ground: common_ground::common_ground(votes.tids(), &rating, &excluded),
    }
}

/// Adjusted Rand index of two labelings over the same items; items unlabelled
/// (`None`) in either are left out. 1 = same partition, ~0 = chance. Two
/// trivial partitions (all pairs split, or all joined, in both) score 1.
pub fn adjusted_rand_index(a: &[Option<usize>], b: &[Option<usize>]) -> f64 {
    let pairs: Vec<(usize, usize)> = a
        .iter()
        .zip(b)
        .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
        .collect();
    let c2 = |n: u64| (n * n.saturating_sub(1) / 2) as f64;
    let mut table: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let mut ra: BTreeMap<usize, u64> = BTreeMap::new();
    let mut rb: BTreeMap<usize, u64> = BTreeMap::new();
    for &(x, y) in &pairs {
        *table.entry((x, y)).or_default() += 1;
        *ra.entry(x).or_default() += 1;
        *rb.entry(y).or_default() += 1;
    }
    let index: f64 = table.values().map(|&n| c2(n)).sum();
    let sa: f64 = ra.values().map(|&n| c2(n)).sum();
    let sb: f64 = rb.values().map(|&n| c2(n)).sum();
    let total = c2(pairs.len() as u64);
    if total == 0.0 {
        return 1.0;
    }
    let expected = sa * sb / total;
    let max = 0.5 * (sa + sb);
    if (max - expected).abs() < 1e-12 {
        return if (index - expected).abs() < 1e-12 {
            1.0
        } else {
            0.0
        };
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use matrix::{Vote, VoteRecord};

    #[test]
    fn ari_basics() {
        let a = [Some(0), Some(0), Some(1), Some(1), None];
        let b = [Some(5), Some(5), Some(2), Some(2), Some(2)];
        assert!((adjusted_rand_index(&a, &b) - 1.0).abs() < 1e-12);
        let c = [Some(0), Some(1), Some(0), Some(1), None];
        assert!(adjusted_rand_index(&a, &c) < 0.0);
        // scikit-learn: ARI([0,0,1,1],[0,0,1,2]) = 0.5714285714
        let d = [Some(0), Some(0), Some(1), Some(2)];
        assert!((adjusted_rand_index(&a[..4], &d) - 0.571_428_571_428_571_4).abs() < 1e-12);
    }

    /// Three camps with distinct views; the map must find them.
    pub(crate) fn camps(n: u64, m: u64) -> VoteMatrix {
        let r = pca::det_uniform(11, (n * m) as usize);
        let mut v = Vec::new();
        for p in 0..n {
            for t in 0..m {
                let u = r[(p * m + t) as usize];
                if u.abs() > 0.7 {
                    continue;
                }
                let camp = p % 3;
                let agree = (t % 3 == camp) ^ (u > 0.55);
                let vote = if u.abs() < 0.05 {
                    Vote::Pass
                } else if agree {
                    Vote::Agree
                } else {
                    Vote::Disagree
                };
                v.push(VoteRecord {
                    pid: p,
                    tid: t,
                    vote,
                    timestamp: 0,
                });
            }
        }
        VoteMatrix::from_votes(&v)
    }

    #[test]
    fn finds_three_camps_and_is_deterministic() {
        let m = camps(240, 30);
        let opts = Options::default();
        let a = analyze(&m, &opts, None);
        assert_eq!(a.groups.len(), 3);
        let truth: Vec<Option<usize>> = m.pids().iter().map(|p| Some((p % 3) as usize)).collect();
        assert!(adjusted_rand_index(&a.group_of_participants(), &truth) > 0.95);
        let b = analyze(
            &m,
            &Options {
                threads: 1,
                ..opts.clone()
            },
            None,
        );
        assert_eq!(
            serde_json::to_string(&a).ok(),
            serde_json::to_string(&b).ok()
        );
        // A warm-started rerun keeps the same groups.
        let c = analyze(&m, &opts, Some(&a));
        assert!(
            adjusted_rand_index(&c.group_of_participants(), &a.group_of_participants()) > 0.999
        );
        assert_eq!(c.k_smoother.as_ref().map(|k| k.last_k_count), Some(2));
    }

    #[test]
    fn analysis_round_trips_through_json() {
        let m = camps(60, 12);
        let a = analyze(&m, &Options::default(), None);
        let text = serde_json::to_string(&a).expect("serialise");
        let back: Analysis = serde_json::from_str(&text).expect("deserialise");
        assert_eq!(serde_json::to_string(&back).expect("serialise"), text);
        let r = report(&a);
        assert_eq!(r.participants.len(), 60);
        assert!(!r.groups[0].repness.is_empty());
        // The report reads back as it was written.
        let json = serde_json::to_string(&r).expect("serialise");
        let back: Report = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(serde_json::to_string(&back).expect("serialise"), json);
    }
}
