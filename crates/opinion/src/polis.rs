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

/// Parses CSV (RFC 4180: quoted fields, doubled quotes, newlines in quotes).
pub fn parse_csv(text: &str, file: &str) -> Result<Vec<Vec<String>>, Error> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cur.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cur.push(c);
                }
                _ => cur.push(c),
            }
            continue;
        }
        match c {
            '"' if cur.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut cur)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                row.push(std::mem::take(&mut cur));
                rows.push(std::mem::take(&mut row));
                line += 1;
                any = false;
            }
            _ => cur.push(c),
        }
    }
    if quoted {
        return Err(Error::Csv {
            file: file.into(),
            line,
            msg: "unterminated quoted field".into(),
        });
    }
    if any {
        row.push(cur);
        rows.push(row);
    }
    Ok(rows)
}

fn csv_quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A CSV table with named columns.
struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn parse(text: &str, file: &str) -> Result<Table, Error> {
        let file = file.to_owned();
        let mut rows = parse_csv(text, &file)?;
        if rows.is_empty() {
            return Err(Error::Csv {
                file,
                line: 1,
                msg: "empty file".into(),
            });
        }
        let header = rows
            .remove(0)
            .into_iter()
            .map(|h| h.trim().to_string())
            .collect();
        rows.retain(|r| !(r.len() == 1 && r[0].trim().is_empty()));
        Ok(Table { file, header, rows })
    }

    fn col(&self, name: &str) -> Result<usize, Error> {
        self.header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::Csv {
                file: self.file.clone(),
                line: 1,
                msg: format!("no column {name}"),
            })
    }

    fn num<T: std::str::FromStr>(&self, r: usize, c: usize) -> Result<Option<T>, Error> {
        let s = self.rows[r].get(c).map_or("", |s| s.trim());
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<T>().map(Some).map_err(|_| Error::Csv {
            file: self.file.clone(),
            line: r + 2,
            msg: format!("not a number: {s:?}"),
        })
    }

    fn need<T: std::str::FromStr>(&self, r: usize, c: usize) -> Result<T, Error> {
        self.num(r, c)?.ok_or_else(|| Error::Csv {
            file: self.file.clone(),
            line: r + 2,
            msg: format!("empty {}", self.header[c]),
        })
    }
}

/// An openData export.
#[derive(Clone, Debug, Default)]
pub struct OpenData {
    pub votes: Vec<VoteRecord>,
    pub comments: Vec<Comment>,
    /// Pol.is's `group-id` per participant (None = not clustered).
    pub groups: BTreeMap<u64, Option<usize>>,
}

/// Reads an openData folder: `comments.csv`, then votes from `votes.csv`
/// when present, else from `participants-votes.csv`, whose `group-id` column
/// is read too when that file exists.
pub fn read_open_data(dir: &Path) -> Result<OpenData, Error> {
    let read = |name: &str| -> Result<Option<String>, Error> {
        let path = dir.join(name);
        if path.exists() {
            read_text(&path).map(Some)
        } else {
            Ok(None)
        }
    };
    let files = OpenDataFiles {
        comments: read("comments.csv")?,
        votes: read("votes.csv")?,
        participants_votes: read("participants-votes.csv")?,
    };
    parse_open_data(&files).map_err(|e| match e {
        Error::Format(m) => Error::Format(format!("{}: {m}", dir.display())),
        e => e,
    })
}

/// The three openData files as text (each may be missing).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenDataFiles {
    pub comments: Option<String>,
    pub votes: Option<String>,
    pub participants_votes: Option<String>,
}

/// Parses openData files already read (from a folder or an upload): votes
/// from `votes.csv` when present, else from `participants-votes.csv`.
pub fn parse_open_data(files: &OpenDataFiles) -> Result<OpenData, Error> {
    let mut out = OpenData::default();
    if let Some(text) = &files.comments {
        let t = Table::parse(text, "comments.csv")?;
        let (ci, ai, ti, mi, bi) = (
            t.col("comment-id")?,
            t.col("author-id").ok(),
            t.col("timestamp").ok(),
            t.col("moderated").ok(),
            t.col("comment-body").ok(),
        );
        let meta = t.col("is-meta").ok();
        for r in 0..t.rows.len() {
            out.comments.push(Comment {
                tid: t.need(r, ci)?,
                author: ai.map(|c| t.num(r, c)).transpose()?.flatten(),
                created: ti.map(|c| t.num(r, c)).transpose()?.flatten().unwrap_or(0),
                text: bi
                    .and_then(|c| t.rows[r].get(c))
                    .cloned()
                    .unwrap_or_default(),
                moderated: mi
                    .map(|c| t.num::<i8>(r, c))
                    .transpose()?
                    .flatten()
                    .unwrap_or(0),
                is_meta: meta.and_then(|c| t.rows[r].get(c)).is_some_and(|s| {
                    let s = s.trim();
                    s == "1" || s.eq_ignore_ascii_case("true")
                }),
            });
        }
    }
    let pv = match &files.participants_votes {
        Some(text) => Some(Table::parse(text, "participants-votes.csv")?),
        None => None,
    };
    if let Some(t) = &pv {
        let (pi, gi) = (t.col("participant")?, t.col("group-id").ok());
        for r in 0..t.rows.len() {
            let pid: u64 = t.need(r, pi)?;
            let g = gi.map(|c| t.num::<usize>(r, c)).transpose()?.flatten();
            out.groups.insert(pid, g);
        }
    }
    if let Some(text) = &files.votes {
        let t = Table::parse(text, "votes.csv")?;
        let (ts, ci, vi, vo) = (
            t.col("timestamp")?,
            t.col("comment-id")?,
            t.col("voter-id")?,
            t.col("vote")?,
        );
        for r in 0..t.rows.len() {
            let v: i64 = t.need(r, vo)?;
            out.votes.push(VoteRecord {
                pid: t.need(r, vi)?,
                tid: t.need(r, ci)?,
                vote: Vote::from_export_sign(v).ok_or_else(|| Error::Csv {
                    file: t.file.clone(),
                    line: r + 2,
                    msg: format!("bad vote {v}"),
                })?,
                timestamp: t.num(r, ts)?.unwrap_or(0),
            });
        }
    } else if let Some(t) = &pv {
        let pi = t.col("participant")?;
        let first = t.col("n-disagree").map_or(6, |c| c + 1);
        let tids: Vec<(usize, u64)> = t.header[first..]
            .iter()
            .enumerate()
            .filter_map(|(k, h)| h.parse::<u64>().ok().map(|tid| (first + k, tid)))
            .collect();
        for r in 0..t.rows.len() {
            let pid: u64 = t.need(r, pi)?;
            for &(c, tid) in &tids {
                if let Some(v) = t.num::<i64>(r, c)? {
                    out.votes.push(VoteRecord {
                        pid,
                        tid,
                        vote: Vote::from_export_sign(v).ok_or_else(|| Error::Csv {
                            file: t.file.clone(),
                            line: r + 2,
                            msg: format!("bad vote {v}"),
                        })?,
                        timestamp: 0,
                    });
                }
            }
        }
    } else {
        return Err(Error::Format(
            "neither votes.csv nor participants-votes.csv".into(),
        ));
    }
    Ok(out)
}

/// UTC date-time text for a millisecond timestamp (proleptic Gregorian).
fn datetime(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Writes `comments.csv`, `votes.csv` and `participants-votes.csv` in the
/// openData layout (agree = +1). Group ids come from `analysis` if given.
pub fn write_open_data(
    dir: &Path,
    votes: &[VoteRecord],
    comments: &[Comment],
    analysis: Option<&Analysis>,
) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let files = open_data_files(votes, comments, analysis);
    for (name, text) in [
        ("comments.csv", &files.comments),
        ("votes.csv", &files.votes),
        ("participants-votes.csv", &files.participants_votes),
    ] {
        write_text(&dir.join(name), text.as_deref().unwrap_or_default())?;
    }
    Ok(())
}

/// The three openData files as text (agree = +1); group ids come from `analysis` if given.
pub fn open_data_files(
    votes: &[VoteRecord],
    comments: &[Comment],
    analysis: Option<&Analysis>,
) -> OpenDataFiles {
    let mut files = OpenDataFiles::default();
    let m = VoteMatrix::from_votes(votes);
    let mut tally: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for i in 0..m.n_rows() {
        let (c, v) = m.row(i);
        for (&j, &x) in c.iter().zip(v) {
            let e = tally.entry(m.tids()[j as usize]).or_default();
            match Vote::from_internal(x) {
                Some(Vote::Agree) => e.0 += 1,
                Some(Vote::Disagree) => e.1 += 1,
                _ => {}
            }
        }
    }
    let mut s = String::from(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n",
    );
    for c in comments {
        let (a, d) = tally.get(&c.tid).copied().unwrap_or_default();
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{}",
            c.created,
            datetime(c.created),
            c.tid,
            c.author.map(|a| a.to_string()).unwrap_or_default(),
            a,
            d,
            c.moderated,
            csv_quote(&c.text)
        );
    }
    files.comments = Some(s);

    let mut sorted: Vec<&VoteRecord> = votes.iter().collect();
    sorted.sort_by_key(|v| (v.tid, v.pid, v.timestamp));
    let mut s = String::from("timestamp,datetime,comment-id,voter-id,vote\n");
    for v in sorted {
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            v.timestamp,
            datetime(v.timestamp),
            v.tid,
            v.pid,
            v.vote.export_sign()
        );
    }
    files.votes = Some(s);

    let tids: Vec<u64> = comments
        .iter()
        .map(|c| c.tid)
        .chain(m.tids().iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let groups: BTreeMap<u64, usize> = analysis
        .map(|a| {
            a.pids
                .iter()
                .zip(a.group_of_participants())
                .filter_map(|(&p, g)| Some((p, g?)))
                .collect()
        })
        .unwrap_or_default();
    let mut authored: BTreeMap<u64, usize> = BTreeMap::new();
    for c in comments {
        if let Some(a) = c.author {
            *authored.entry(a).or_default() += 1;
        }
    }
    let mut s = String::from("participant,group-id,n-comments,n-votes,n-agree,n-disagree");
    for t in &tids {
        let _ = write!(s, ",{t}");
    }
    s.push('\n');
    for i in 0..m.n_rows() {
        let pid = m.pids()[i];
        let (c, v) = m.row(i);
        let n_agree = v
            .iter()
            .filter(|&&x| Vote::from_internal(x) == Some(Vote::Agree))
            .count();
        let n_dis = v
            .iter()
            .filter(|&&x| Vote::from_internal(x) == Some(Vote::Disagree))
            .count();
        let _ = write!(
            s,
            "{pid},{},{},{},{n_agree},{n_dis}",
            groups.get(&pid).map(|g| g.to_string()).unwrap_or_default(),
            authored.get(&pid).copied().unwrap_or(0),
            c.len()
        );
        let mine: BTreeMap<u64, i8> = c
            .iter()
            .zip(v)
            .map(|(&j, &x)| (m.tids()[j as usize], -x))
            .collect();
        for t in &tids {
            match mine.get(t) {
                Some(x) => {
                    let _ = write!(s, ",{x}");
                }
                None => s.push(','),
            }
        }
        s.push('\n');
    }
    files.participants_votes = Some(s);
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_newlines() {
        let rows = parse_csv("a,b\r\n1,\"x, \"\"y\"\"\nz\"\n2,\n", "t").ok();
        let rows = rows.unwrap_or_default();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][1], "x, \"y\"\nz");
        assert_eq!(rows[2], vec!["2".to_string(), String::new()]);
        assert!(parse_csv("\"open", "t").is_err());
    }

    #[test]
    fn datetime_text() {
        assert_eq!(datetime(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(datetime(1_500_282_615_559), "2017-07-17 09:10:15 UTC");
    }

    #[test]
    fn votes_json_both_spellings() {
        let v = parse_votes_json(
            r#"[{"pid":1,"tid":2,"vote":1,"modified":"17"},
                {"participant_id":3,"statement_id":4,"vote":-1,"modified":18.0}]"#,
        )
        .ok()
        .unwrap_or_default();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].vote, Vote::Agree);
        assert_eq!(v[1].pid, 3);
        assert_eq!(v[1].timestamp, 18);
    }

    #[test]
    fn open_data_round_trip() {
        let dir = std::env::temp_dir().join(format!("opinion-od-{}", std::process::id()));
        let votes = vec![
            VoteRecord {
                pid: 0,
                tid: 0,
                vote: Vote::Agree,
                timestamp: 5,
            },
            VoteRecord {
                pid: 0,
                tid: 0,
                vote: Vote::Disagree,
                timestamp: 9,
            },
            VoteRecord {
                pid: 1,
                tid: 1,
                vote: Vote::Pass,
                timestamp: 7,
            },
        ];
        let comments = vec![
            Comment {
                tid: 0,
                author: Some(1),
                created: 1,
                text: "a, \"b\"".into(),
                moderated: 1,
                is_meta: false,
            },
            Comment {
                tid: 1,
                author: None,
                created: 2,
                text: "c".into(),
                moderated: -1,
                is_meta: false,
            },
        ];
        assert!(write_open_data(&dir, &votes, &comments, None).is_ok());
        let back = read_open_data(&dir).ok().unwrap_or_default();
        assert_eq!(
            VoteMatrix::from_votes(&back.votes),
            VoteMatrix::from_votes(&votes)
        );
        assert_eq!(back.comments, comments);
        assert_eq!(moderation_of(&back.comments).mod_out.len(), 1);
        // Without votes.csv the wide file is used.
        assert!(std::fs::remove_file(dir.join("votes.csv")).is_ok());
        let back = read_open_data(&dir).ok().unwrap_or_default();
        assert_eq!(
            VoteMatrix::from_votes(&back.votes),
            VoteMatrix::from_votes(&votes)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
