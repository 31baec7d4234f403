//! The report of an analysis that the CLI prints and the server saves with
//! each map: who is in which group, what each group stands for, what
//! everyone shares, and where statements sit on the map. One typed struct,
//! serialized as JSON and read back by the pages, so its shape is checked
//! by the compiler on both sides.

use crate::Analysis;
use crate::common_ground::CommonGround;
use crate::repness::{Consensus, GroupVotes, RepfulFor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A number that JSON may have written as `null` (a NaN or an infinity):
/// read back as NaN instead of refusing the whole report.
fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Participants with at least one vote.
    pub n_participants: usize,
    pub n_statements: usize,
    /// Participants clustered (enough votes to be placed).
    pub n_in_conv: usize,
    /// Number of opinion groups.
    pub k: usize,
    /// Silhouette of each k tried.
    pub silhouettes: BTreeMap<usize, f64>,
    pub participants: Vec<Participant>,
    pub groups: Vec<GroupReport>,
    /// Pol.is's consensus: what a majority of all participants shares.
    pub consensus: Consensus,
    /// What a majority of every group shares (absent from reports saved
    /// before it was computed).
    #[serde(default)]
    pub common_ground: Option<CommonGround>,
    /// Statements by group-aware consensus, highest first.
    pub group_aware_consensus: Vec<StatementValue>,
    pub group_votes: BTreeMap<usize, GroupVotes>,
    pub statements: Vec<StatementPoint>,
}

/// One participant on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Participant {
    pub pid: u64,
    /// Group id, when clustered.
    pub group: Option<usize>,
    pub in_conv: bool,
    pub n_votes: usize,
    #[serde(deserialize_with = "number")]
    pub x: f64,
    #[serde(deserialize_with = "number")]
    pub y: f64,
}

/// One opinion group and the statements that set it apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    pub id: usize,
    /// How many participants it holds.
    pub members: usize,
    pub base_clusters: Vec<u64>,
    pub center: [f64; 2],
    pub repness: Vec<Representative>,
}

/// A statement representative of a group, with Pol.is's statistics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Representative {
    pub tid: u64,
    /// The group agrees (else disagrees) more than the others.
    pub agree: bool,
    pub best_agree: bool,
    pub n_success: u64,
    pub n_trials: u64,
    #[serde(deserialize_with = "number")]
    pub p_success: f64,
    #[serde(deserialize_with = "number")]
    pub p_test: f64,
    #[serde(deserialize_with = "number")]
    pub repness: f64,
    #[serde(deserialize_with = "number")]
    pub repness_test: f64,
    #[serde(deserialize_with = "number")]
    pub pa: f64,
    #[serde(deserialize_with = "number")]
    pub pd: f64,
    #[serde(deserialize_with = "number")]
    pub pat: f64,
    #[serde(deserialize_with = "number")]
    pub pdt: f64,
    #[serde(deserialize_with = "number")]
    pub ra: f64,
    #[serde(deserialize_with = "number")]
    pub rd: f64,
    #[serde(deserialize_with = "number")]
    pub rat: f64,
    #[serde(deserialize_with = "number")]
    pub rdt: f64,
}

/// A statement and a value (its group-aware consensus).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementValue {
    pub tid: u64,
    #[serde(deserialize_with = "number")]
    pub value: f64,
}

/// One statement on the map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementPoint {
    pub tid: u64,
    #[serde(deserialize_with = "number")]
    pub x: f64,
    #[serde(deserialize_with = "number")]
    pub y: f64,
    #[serde(deserialize_with = "number")]
    pub extremity: f64,
    /// Which statement to show next (higher first); absent before the first run.
    pub priority: Option<f64>,
}

/// Builds the report for an analysis.
pub fn report(a: &Analysis) -> Report {
    let groups_of = a.group_of_participants();
    let in_conv: BTreeSet<u64> = a.in_conv.iter().copied().collect();
    let participants = a
        .pids
        .iter()
        .enumerate()
        .map(|(i, &pid)| Participant {
            pid,
            group: groups_of[i],
            in_conv: in_conv.contains(&pid),
            n_votes: a.user_vote_counts[i],
            x: a.projections[i][0],
            y: a.projections[i][1],
        })
        .collect();
    let groups = a
        .groups
        .iter()
        .map(|g| GroupReport {
            id: g.id,
            members: g.pids.len(),
            base_clusters: g.members.clone(),
            center: g.center,
            repness: a
                .stats
                .repness
                .get(&g.id)
                .map(|r| {
                    r.iter()
                        .map(|s| Representative {
                            tid: s.tid,
                            agree: s.repful_for == RepfulFor::Agree,
                            best_agree: s.best_agree,
                            n_success: s.n_success,
                            n_trials: s.n_trials,
                            p_success: s.p_success,
                            p_test: s.p_test,
                            repness: s.repness,
                            repness_test: s.repness_test,
                            pa: s.pa,
                            pd: s.pd,
                            pat: s.pat,
                            pdt: s.pdt,
                            ra: s.ra,
                            rd: s.rd,
                            rat: s.rat,
                            rdt: s.rdt,
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let mut gac: Vec<StatementValue> = a
        .stats
        .group_aware_consensus
        .iter()
        .map(|(&tid, &value)| StatementValue { tid, value })
        .collect();
    gac.sort_by(|x, y| y.value.total_cmp(&x.value).then(x.tid.cmp(&y.tid)));
    let statements = a
        .tids
        .iter()
        .enumerate()
        .map(|(j, &tid)| StatementPoint {
            tid,
            x: a.comment_projection[j][0],
            y: a.comment_projection[j][1],
            extremity: a.comment_extremity[j],
            priority: a.stats.priorities.get(&tid).copied(),
        })
        .collect();
    Report {
        n_participants: a.pids.len(),
        n_statements: a.tids.len(),
        n_in_conv: a.in_conv.len(),
        k: a.groups.len(),
        silhouettes: a.silhouettes.clone(),
        participants,
        groups,
        consensus: a.stats.consensus.clone(),
        common_ground: Some(a.stats.common_ground.clone()),
        group_aware_consensus: gac,
        group_votes: a.stats.group_votes.clone(),
        statements,
    }
}
