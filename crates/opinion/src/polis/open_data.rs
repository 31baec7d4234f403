//! Pol.is's openData CSV: `comments.csv`, `votes.csv` and
//! `participants-votes.csv`, read and written (CSV sign: agree = +1).
use super::*;

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

/// Text a spreadsheet would take for a formula (`=HYPERLINK(…)`, `+1`,
/// `@SUM`, a leading tab or CR) gets a leading apostrophe, as OWASP advises
/// for CSV exports: it then opens as the text it is.
fn defused(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
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
            csv_quote(&defused(&c.text))
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
    fn formulas_are_exported_as_text() {
        assert_eq!(
            defused("=HYPERLINK(\"http://x\",\"点我\")"),
            "'=HYPERLINK(\"http://x\",\"点我\")"
        );
        for s in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(defused(s).starts_with('\''), "{s}");
        }
        assert_eq!(defused("村口停车难"), "村口停车难");
    }

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
