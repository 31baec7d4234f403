//! Readers and writers for Pol.is's file formats, so real conversations can
//! be checked against Pol.is's own results and our results can be published
//! in the format the Pol.is community already reads.
//!
//! - Math export folders: `votes.json`, `comments.json`, `math-pca2.json`
//!   (JSON sign: agree = +1). Both key spellings seen in exports are read
//!   (`pid`/`tid`/`mod` and `participant_id`/`statement_id`/`moderated`).
//! - openData CSV: `comments.csv`, `votes.csv`, `participants-votes.csv`
//!   (CSV sign: agree = +1).

use crate::cluster::Cluster;
use crate::inconv::Moderation;
use crate::matrix::{Vote, VoteMatrix, VoteRecord};
use crate::{Analysis, Error};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// A statement with its moderation state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comment {
    pub tid: u64,
    pub author: Option<u64>,
    pub created: i64,
    pub text: String,
    /// 1 = accepted, 0 = unmoderated, −1 = moderated out.
    pub moderated: i8,
    pub is_meta: bool,
}

/// Moderation as Pol.is derives it: meta or moderated −1 is out.
pub fn moderation_of(comments: &[Comment]) -> Moderation {
    Moderation {
        mod_out: comments
            .iter()
            .filter(|c| c.moderated == -1 || c.is_meta)
            .map(|c| c.tid)
            .collect(),
        meta: comments
            .iter()
            .filter(|c| c.is_meta)
            .map(|c| c.tid)
            .collect(),
    }
}

fn read_text(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

fn write_text(path: &Path, s: &str) -> Result<(), Error> {
    std::fs::write(path, s).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

fn field<'a>(v: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .find_map(|n| v.get(*n).filter(|x| !x.is_null()))
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn need_u64(v: &Value, names: &[&str], what: &str) -> Result<u64, Error> {
    field(v, names)
        .and_then(as_i64)
        .and_then(|x| u64::try_from(x).ok())
        .ok_or_else(|| Error::Format(format!("{what}: missing or invalid {}", names[0])))
}

/// Parses a `votes.json` array.
pub fn parse_votes_json(text: &str) -> Result<Vec<VoteRecord>, Error> {
    let arr: Vec<Value> = serde_json::from_str(text)?;
    arr.iter()
        .map(|v| {
            let pid = need_u64(v, &["pid", "participant_id"], "vote")?;
            let tid = need_u64(v, &["tid", "statement_id"], "vote")?;
            let vote = field(v, &["vote"])
                .and_then(as_i64)
                .and_then(Vote::from_export_sign)
                .ok_or_else(|| Error::Format("vote: missing or invalid vote".into()))?;
            let timestamp = field(v, &["modified", "created", "timestamp"])
                .and_then(as_i64)
                .unwrap_or(0);
            Ok(VoteRecord {
                pid,
                tid,
                vote,
                timestamp,
            })
        })
        .collect()
}

/// Parses a `comments.json` array.
pub fn parse_comments_json(text: &str) -> Result<Vec<Comment>, Error> {
    let arr: Vec<Value> = serde_json::from_str(text)?;
    arr.iter()
        .map(|v| {
            Ok(Comment {
                tid: need_u64(v, &["tid", "statement_id"], "comment")?,
                author: field(v, &["pid", "participant_id"])
                    .and_then(as_i64)
                    .and_then(|x| u64::try_from(x).ok()),
                created: field(v, &["created"]).and_then(as_i64).unwrap_or(0),
                text: field(v, &["txt"])
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                moderated: field(v, &["mod", "moderated"])
                    .and_then(as_i64)
                    .map_or(0, |m| m.clamp(-1, 1) as i8),
                is_meta: field(v, &["is_meta"])
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            })
        })
        .collect()
}

/// Pol.is's PCA block of a math export.
#[derive(Clone, Debug, Deserialize)]
pub struct PolisPca {
    pub center: Vec<f64>,
    pub comps: Vec<Vec<f64>>,
    #[serde(rename = "comment-extremity", default)]
    pub comment_extremity: Vec<f64>,
}

/// Pol.is's folded base clusters (`{id: [..], members: [[..]], x, y}`).
#[derive(Clone, Debug, Deserialize)]
pub struct PolisBaseClusters {
    pub id: Vec<usize>,
    pub members: Vec<Vec<u64>>,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
}

/// Pol.is's representative statement entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PolisRep {
    pub tid: u64,
    pub n_success: u64,
    pub n_trials: u64,
    pub p_success: f64,
    pub p_test: f64,
    pub repness: f64,
    pub repness_test: f64,
    pub repful_for: String,
    #[serde(default)]
    pub best_agree: bool,
    #[serde(default)]
    pub n_agree: Option<u64>,
}

/// Pol.is's consensus entry.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PolisConsensusStatement {
    pub tid: u64,
    pub n_success: u64,
    pub n_trials: u64,
    pub p_success: f64,
    pub p_test: f64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PolisConsensus {
    pub agree: Vec<PolisConsensusStatement>,
    pub disagree: Vec<PolisConsensusStatement>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
pub struct PolisTally {
    #[serde(rename = "A")]
    pub a: u64,
    #[serde(rename = "D")]
    pub d: u64,
    #[serde(rename = "S")]
    pub s: u64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PolisGroupVotes {
    #[serde(rename = "n-members")]
    pub n_members: u64,
    pub votes: BTreeMap<u64, PolisTally>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PolisGroupCluster {
    pub id: usize,
    pub members: Vec<u64>,
    pub center: Vec<f64>,
}

/// The parts of `math-pca2.json` the engine is checked against.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PolisMath {
    pub n: usize,
    pub tids: Vec<u64>,
    pub in_conv: Vec<u64>,
    #[serde(default)]
    pub mod_out: Vec<u64>,
    #[serde(default)]
    pub mod_in: Vec<u64>,
    #[serde(default)]
    pub meta_tids: Vec<u64>,
    pub pca: PolisPca,
    pub base_clusters: PolisBaseClusters,
    pub group_clusters: Vec<PolisGroupCluster>,
    pub repness: BTreeMap<usize, Vec<PolisRep>>,
    pub consensus: PolisConsensus,
    pub group_aware_consensus: BTreeMap<u64, f64>,
    pub group_votes: BTreeMap<usize, PolisGroupVotes>,
    pub comment_priorities: BTreeMap<u64, f64>,
    pub user_vote_counts: BTreeMap<u64, usize>,
}

impl PolisMath {
    /// Moderation state used by that run.
    pub fn moderation(&self) -> Moderation {
        Moderation {
            mod_out: self.mod_out.iter().copied().collect(),
            meta: self.meta_tids.iter().copied().collect(),
        }
    }

    /// Base clusters in our form.
    pub fn base_clusters(&self) -> Vec<Cluster> {
        let b = &self.base_clusters;
        (0..b.id.len())
            .map(|i| Cluster {
                id: b.id[i],
                members: b.members[i].clone(),
                center: [b.x[i], b.y[i]],
            })
            .collect()
    }

    /// Group clusters in our form (members are base-cluster ids).
    pub fn group_clusters(&self) -> Vec<Cluster> {
        self.group_clusters
            .iter()
            .map(|g| Cluster {
                id: g.id,
                members: g.members.clone(),
                center: [
                    g.center.first().copied().unwrap_or(0.0),
                    g.center.get(1).copied().unwrap_or(0.0),
                ],
            })
            .collect()
    }

    /// Group id of every participant Pol.is clustered.
    pub fn participant_groups(&self) -> BTreeMap<u64, usize> {
        let base = self.base_clusters();
        let mut out = BTreeMap::new();
        for g in crate::groups_from_clusters(&base, &self.group_clusters()) {
            for p in g.pids {
                out.insert(p, g.id);
            }
        }
        out
    }
}

/// A math export folder.
#[derive(Clone, Debug)]
pub struct MathExport {
    pub votes: Vec<VoteRecord>,
    pub comments: Vec<Comment>,
    pub math: PolisMath,
}

/// Reads `votes.json`, `comments.json` and `math-pca2.json` from a folder.
pub fn read_math_export(dir: &Path) -> Result<MathExport, Error> {
    Ok(MathExport {
        votes: parse_votes_json(&read_text(&dir.join("votes.json"))?)?,
        comments: parse_comments_json(&read_text(&dir.join("comments.json"))?)?,
        math: serde_json::from_str(&read_text(&dir.join("math-pca2.json"))?)?,
    })
}

mod open_data;
pub use open_data::{
    OpenData, OpenDataFiles, open_data_files, parse_csv, parse_open_data, read_open_data,
    write_open_data,
};
