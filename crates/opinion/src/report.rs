//! The JSON report the CLI prints: who is in which group, what each group
//! stands for, what everyone shares, and where statements sit on the map.

use crate::Analysis;
use crate::repness::RepfulFor;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Builds the report for an analysis.
pub fn report(a: &Analysis) -> Value {
    let groups_of = a.group_of_participants();
    let in_conv: BTreeSet<u64> = a.in_conv.iter().copied().collect();
    let participants: Vec<Value> = a
        .pids
        .iter()
        .enumerate()
        .map(|(i, &pid)| {
            json!({
                "pid": pid,
                "group": groups_of[i],
                "in_conv": in_conv.contains(&pid),
                "n_votes": a.user_vote_counts[i],
                "x": a.projections[i][0],
                "y": a.projections[i][1],
            })
        })
        .collect();
    let groups: Vec<Value> = a
        .groups
        .iter()
        .map(|g| {
            let rep: Vec<Value> = a
                .stats
                .repness
                .get(&g.id)
                .map(|r| {
                    r.iter()
                        .map(|s| {
                            json!({
                                "tid": s.tid,
                                "agree": s.repful_for == RepfulFor::Agree,
                                "best_agree": s.best_agree,
                                "n_success": s.n_success,
                                "n_trials": s.n_trials,
                                "p_success": s.p_success,
                                "p_test": s.p_test,
                                "repness": s.repness,
                                "repness_test": s.repness_test,
                                "pa": s.pa, "pd": s.pd,
                                "pat": s.pat, "pdt": s.pdt,
                                "ra": s.ra, "rd": s.rd,
                                "rat": s.rat, "rdt": s.rdt,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "id": g.id,
                "members": g.pids.len(),
                "base_clusters": g.members,
                "center": g.center,
                "repness": rep,
            })
        })
        .collect();
    let mut gac: Vec<(u64, f64)> = a
        .stats
        .group_aware_consensus
        .iter()
        .map(|(&t, &v)| (t, v))
        .collect();
    gac.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    let statements: Vec<Value> = a
        .tids
        .iter()
        .enumerate()
        .map(|(j, &tid)| {
            json!({
                "tid": tid,
                "x": a.comment_projection[j][0],
                "y": a.comment_projection[j][1],
                "extremity": a.comment_extremity[j],
                "priority": a.stats.priorities.get(&tid),
            })
        })
        .collect();
    json!({
        "n_participants": a.pids.len(),
        "n_statements": a.tids.len(),
        "n_in_conv": a.in_conv.len(),
        "k": a.groups.len(),
        "silhouettes": a.silhouettes,
        "participants": participants,
        "groups": groups,
        "consensus": a.stats.consensus,
        "common_ground": a.stats.common_ground,
        "group_aware_consensus": gac
            .iter()
            .map(|(t, v)| json!({"tid": t, "value": v}))
            .collect::<Vec<_>>(),
        "group_votes": a.stats.group_votes,
        "statements": statements,
    })
}
