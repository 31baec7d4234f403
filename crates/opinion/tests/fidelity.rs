//! Fidelity against Pol.is's own published results.
//!
//! Data: `../../../shared/data/polis`, else `tests/data/polis` (Pol.is conversations, CC BY 4.0, The
//! Computational Democracy Project; math exports as kept in the test
//! fixtures of polis-community/red-dwarf, plus openData's brexit-consensus).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use opinion::cluster::Cluster;
use opinion::matrix::VoteMatrix;
use opinion::polis::{self, MathExport};
use opinion::repness::RepfulFor;
use opinion::{
    Analysis, Group, Options, adjusted_rand_index, analyze, analyze_from_base_clusters, statistics,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

const EXPORTS: [&str; 5] = [
    "below-100-ptpts",
    "25ptpt-3gp-no-strict-with-meta",
    "50ptpt-3gp-strict-no-meta",
    "150ptpt-3gp-no-strict-no-meta",
    "above-100-ptpts",
];

/// `shared/data/polis` beside the repository when present (CI), otherwise
/// the numbers-only copy in `tests/data/polis` (see its README for credits).
fn data_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../../../shared/data/polis");
    let d = if shared.is_dir() {
        shared
    } else {
        root.join("tests/data/polis")
    };
    assert!(d.is_dir(), "Pol.is test data not found at {}", d.display());
    d
}

fn load(name: &str) -> (MathExport, VoteMatrix, Options) {
    let ex = polis::read_math_export(&data_dir().join(name)).unwrap();
    let m = VoteMatrix::from_votes(&ex.votes);
    let opts = Options {
        moderation: ex.math.moderation(),
        ..Options::default()
    };
    (ex, m, opts)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Pol.is's groups as our `Group`s (members are base-cluster ids).
fn polis_groups(ex: &MathExport) -> Vec<Group> {
    opinion::groups_from_clusters(&ex.math.base_clusters(), &ex.math.group_clusters())
}

/// Compares our statistics with Pol.is's, returning the differences found.
fn stats_diffs(name: &str, ex: &MathExport, m: &VoteMatrix, opts: &Options) -> Vec<String> {
    let groups = polis_groups(ex);
    // Statement extremity from Pol.is's own PCA, aligned by tid.
    let ext: BTreeMap<u64, f64> = ex
        .math
        .tids
        .iter()
        .copied()
        .zip(ex.math.pca.comment_extremity.iter().copied())
        .collect();
    let extremity: Vec<f64> = m
        .tids()
        .iter()
        .map(|t| ext.get(t).copied().unwrap_or(0.0))
        .collect();
    let s = statistics(m, opts, &groups, &extremity);
    let mut d = Vec::new();

    for (gid, pg) in &ex.math.group_votes {
        let ours = &s.group_votes[gid];
        if ours.n_members != pg.n_members {
            d.push(format!(
                "{name} g{gid} n-members {} vs {}",
                ours.n_members, pg.n_members
            ));
        }
        for (tid, t) in &pg.votes {
            let o = ours.votes.get(tid).copied().unwrap_or_default();
            if (o.agree, o.disagree, o.seen) != (t.a, t.d, t.s) {
                d.push(format!("{name} g{gid} t{tid} votes {o:?} vs {t:?}"));
            }
        }
    }
    for (gid, reps) in &ex.math.repness {
        let ours = &s.repness[gid];
        let a: Vec<u64> = ours.iter().map(|r| r.tid).collect();
        let b: Vec<u64> = reps.iter().map(|r| r.tid).collect();
        if a != b {
            d.push(format!("{name} g{gid} repness tids {a:?} vs {b:?}"));
            continue;
        }
        for (o, p) in ours.iter().zip(reps) {
            let agree = o.repful_for == RepfulFor::Agree;
            let ok = o.n_success == p.n_success
                && o.n_trials == p.n_trials
                && close(o.p_success, p.p_success)
                && close(o.p_test, p.p_test)
                && close(o.repness, p.repness)
                // Pol.is stores repness-test as a 32-bit float.
                && (o.repness_test as f32) == (p.repness_test as f32)
                && agree == (p.repful_for == "agree")
                && o.best_agree == p.best_agree
                && o.n_agree == p.n_agree;
            if !ok {
                d.push(format!("{name} g{gid} t{} repness {o:?} vs {p:?}", o.tid));
            }
        }
    }
    for (which, ours, theirs) in [
        ("agree", &s.consensus.agree, &ex.math.consensus.agree),
        (
            "disagree",
            &s.consensus.disagree,
            &ex.math.consensus.disagree,
        ),
    ] {
        let a: Vec<u64> = ours.iter().map(|r| r.tid).collect();
        let b: Vec<u64> = theirs.iter().map(|r| r.tid).collect();
        if a != b {
            d.push(format!("{name} consensus {which} {a:?} vs {b:?}"));
            continue;
        }
        for (o, p) in ours.iter().zip(theirs) {
            if o.n_success != p.n_success
                || o.n_trials != p.n_trials
                || !close(o.p_success, p.p_success)
                || !close(o.p_test, p.p_test)
            {
                d.push(format!("{name} consensus {which} {o:?} vs {p:?}"));
            }
        }
    }
    for (tid, v) in &ex.math.group_aware_consensus {
        match s.group_aware_consensus.get(tid) {
            Some(o) if close(*o, *v) => {}
            o => d.push(format!("{name} gac t{tid} {o:?} vs {v}")),
        }
    }
    for (tid, v) in &ex.math.comment_priorities {
        match s.priorities.get(tid) {
            Some(o) if close(*o, *v) => {}
            o => d.push(format!("{name} priority t{tid} {o:?} vs {v}")),
        }
    }
    d
}

/// Given Pol.is's groups, every statistic must equal Pol.is's to 1e-9.
///
/// One known exception, checked explicitly rather than skipped: in
/// `50ptpt-3gp-strict-no-meta` Pol.is reports priority 49 (= 7², its meta
/// priority) for *every* statement although that conversation has no meta
/// statements (`meta-tids` is empty), so no input reproduces it; this looks
/// like a Pol.is state anomaly of that math run (its export also counts a
/// participant, pid 50, whose votes are absent from `votes.json`). We assert
/// that this is exactly the difference: all 29 of Pol.is's priorities there
/// are 49 and nothing else differs.
#[test]
fn statistics_match_polis_given_its_groups() {
    let mut unexpected = Vec::new();
    for name in EXPORTS {
        let (ex, m, opts) = load(name);
        let d = stats_diffs(name, &ex, &m, &opts);
        eprintln!("{name}: {} differences", d.len());
        for x in d.iter().take(5) {
            eprintln!("  {x}");
        }
        if name == "50ptpt-3gp-strict-no-meta" {
            assert!(ex.math.meta_tids.is_empty());
            assert!(ex.math.comment_priorities.values().all(|&p| p == 49.0));
            assert_eq!(d.len(), ex.math.comment_priorities.len());
            assert!(d.iter().all(|x| x.contains(" priority t")), "{d:?}");
        } else {
            unexpected.extend(d);
        }
    }
    assert!(
        unexpected.is_empty(),
        "{} differences: {unexpected:#?}",
        unexpected.len()
    );
}

fn partition(groups: &[Cluster]) -> BTreeSet<BTreeSet<u64>> {
    groups
        .iter()
        .map(|g| g.members.iter().copied().collect())
        .collect()
}

#[test]
fn group_step_reproduces_polis_groups_from_its_base_clusters() {
    let mut failures = Vec::new();
    for name in EXPORTS {
        let (ex, m, opts) = load(name);
        let a = analyze_from_base_clusters(&m, &opts, ex.math.base_clusters(), None);
        let ours: Vec<Cluster> = a
            .groups
            .iter()
            .map(|g| Cluster {
                id: g.id,
                members: g.members.clone(),
                center: g.center,
            })
            .collect();
        let same = partition(&ours) == partition(&ex.math.group_clusters());
        eprintln!(
            "{name}: k ours {} polis {}; silhouettes {:?}; same partition: {same}",
            a.groups.len(),
            ex.math.group_clusters.len(),
            a.silhouettes
        );
        if !same {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "group step differs on {failures:?}");
}

fn ari_vs_polis(a: &Analysis, truth: &BTreeMap<u64, usize>) -> f64 {
    let ours = a.group_of_participants();
    let theirs: Vec<Option<usize>> = a.pids.iter().map(|p| truth.get(p).copied()).collect();
    adjusted_rand_index(&ours, &theirs)
}

/// Cold start (no saved state) against Pol.is's history-dependent groups.
///
/// Target: Pol.is's k on all five, ARI ≥ 0.9 on at least three. Met: k on
/// all five, ARI ≥ 0.9 on three (below-100 1.0, 50ptpt 1.0, 150ptpt 0.93).
/// What the vote log gives a cold start of Pol.is's history: who its sticky
/// in-conv rule let in over time, and the order participants first voted in
/// (Pol.is's rows follow first appearance, and its first clusters are seeded
/// with the first points in row order). Seeding in participant-id order
/// instead gave below-100 k = 2 (ARI 0.74) and 150ptpt 0.98.
/// What still differs and why (measured):
/// - Our PCA and participant positions equal Pol.is's (components |dot| = 1,
///   positions to 1e-10) and, given Pol.is's base clusters, our group step
///   returns Pol.is's groups exactly (test above). The rest is history:
///   Pol.is's base clusters and groups are warm-started run after run, so
///   they sit in local optima a single run does not always reach.
/// - 25ptpt: same k; our 3-group split has lower weighted SSE (53.17) than
///   Pol.is's (53.57), a different local optimum on 27 people. ARI 0.63.
/// - above-100: Pol.is keeps 31 light voters (2–6 votes) in-conv that its
///   rule, replayed over the vote log, does not admit: every participant who
///   first voted in 2018 with at least two votes on statements still in the
///   map is in, and nobody later, which fits a looser rule Pol.is's hosted
///   math applied then. We do not copy a rule Pol.is no longer has; with 177
///   vs 208 clustered, ARI 0.895.
///
/// Replaying the whole history with warm starts was tried and was worse and
/// unstable, so the engine stays a single run. The floors below are the
/// measured values, so any regression fails.
#[test]
fn cold_start_clustering_matches_polis() {
    // (name, ARI floor); k must equal Pol.is's on every one
    let expect: [(&str, f64); 5] = [
        ("below-100-ptpts", 0.999),
        ("25ptpt-3gp-no-strict-with-meta", 0.63),
        ("50ptpt-3gp-strict-no-meta", 0.999),
        ("150ptpt-3gp-no-strict-no-meta", 0.92),
        ("above-100-ptpts", 0.89),
    ];
    let mut good = 0;
    let mut failures = Vec::new();
    for (name, floor) in expect {
        let (ex, m, opts) = load(name);
        let a = opinion::analyze_log(&ex.votes, &opts, None);
        let ari = ari_vs_polis(&a, &ex.math.participant_groups());
        let inconv_polis: BTreeSet<u64> = ex.math.in_conv.iter().copied().collect();
        let inconv_ours: BTreeSet<u64> = a.in_conv.iter().copied().collect();
        eprintln!(
            "{name}: ARI {ari:.4}; k ours {} polis {}; in-conv ours {} polis {} (same: {}); {} participants",
            a.groups.len(),
            ex.math.group_clusters.len(),
            inconv_ours.len(),
            inconv_polis.len(),
            inconv_ours == inconv_polis,
            m.n_rows()
        );
        if ari >= 0.9 {
            good += 1;
        }
        if a.groups.len() != ex.math.group_clusters.len() {
            failures.push(format!(
                "{name}: k {} vs Pol.is {}",
                a.groups.len(),
                ex.math.group_clusters.len()
            ));
        }
        if ari < floor {
            failures.push(format!("{name}: ARI {ari:.4} < {floor}"));
        }
    }
    let od = polis::read_open_data(&data_dir().join("brexit-consensus")).unwrap();
    let opts = Options {
        moderation: polis::moderation_of(&od.comments),
        ..Options::default()
    };
    let a = opinion::analyze_log(&od.votes, &opts, None);
    let truth: BTreeMap<u64, usize> = od
        .groups
        .iter()
        .filter_map(|(&p, g)| Some((p, (*g)?)))
        .collect();
    eprintln!(
        "brexit-consensus: ARI {:.4}; k ours {} polis {}",
        ari_vs_polis(&a, &truth),
        a.groups.len(),
        truth.values().collect::<BTreeSet<_>>().len()
    );
    eprintln!("ARI >= 0.9 on {good} of 5 (target: 3)");
    assert!(good >= 3, "ARI >= 0.9 on only {good} of 5");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn pca_agrees_with_polis_up_to_sign() {
    for name in EXPORTS {
        let (ex, m, opts) = load(name);
        let a = analyze(&m, &opts, None);
        let at: BTreeMap<u64, usize> = m.tids().iter().enumerate().map(|(j, &t)| (t, j)).collect();
        let mut line = format!("{name}:");
        for k in 0..2 {
            let theirs = &ex.math.pca.comps[k];
            let dot: f64 = ex
                .math
                .tids
                .iter()
                .zip(theirs)
                .map(|(t, v)| v * at.get(t).map_or(0.0, |&j| a.pca.comps[k][j]))
                .sum();
            line += &format!(" |pc{k}·polis| = {:.6}", dot.abs());
        }
        let cdiff = ex
            .math
            .tids
            .iter()
            .zip(&ex.math.pca.center)
            .map(|(t, c)| at.get(t).map_or(c.abs(), |&j| (a.pca.center[j] - c).abs()))
            .fold(0.0, f64::max);
        eprintln!("{line}; max centre diff {cdiff:.2e}");
    }
}

#[test]
fn deterministic_bit_identical() {
    let (_, m, opts) = load("above-100-ptpts");
    let a = serde_json::to_string(&analyze(&m, &opts, None)).unwrap();
    let b = serde_json::to_string(&analyze(
        &m,
        &Options {
            threads: 1,
            ..opts.clone()
        },
        None,
    ))
    .unwrap();
    assert_eq!(a, b);
    let r1 = serde_json::to_string(&opinion::report(&analyze(&m, &opts, None))).unwrap();
    let r2 = serde_json::to_string(&opinion::report(&analyze(&m, &opts, None))).unwrap();
    assert_eq!(r1, r2);
}

/// A server keeps only `Analysis::continuation` (as JSON) between runs, so
/// that a restart starts warm: continuing from it must give exactly what
/// continuing from the whole analysis gives.
#[test]
fn warm_start_from_the_kept_continuation_is_identical() {
    let (ex, _, opts) = load("above-100-ptpts");
    let mut votes = ex.votes.clone();
    votes.sort_by_key(|v| v.timestamp);
    let first = VoteMatrix::from_votes(&votes[..votes.len() * 3 / 4]);
    let all = VoteMatrix::from_votes(&votes);
    let before = analyze(&first, &opts, None);
    let kept: Analysis =
        serde_json::from_str(&serde_json::to_string(&before.continuation()).unwrap()).unwrap();
    let from_whole = analyze(&all, &opts, Some(&before));
    let from_kept = analyze(&all, &opts, Some(&kept));
    assert_eq!(
        serde_json::to_string(&from_whole).unwrap(),
        serde_json::to_string(&from_kept).unwrap()
    );
}
