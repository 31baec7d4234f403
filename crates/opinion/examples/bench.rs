//! Times a full recompute of the opinion map on a conversation read from disk
//! (used by `bench/opinion/run`, which compares it with red-dwarf).
//!
//! `cargo run --release -p opinion --example bench -- INPUT [--runs N] [--threads N] [--assign FILE]`
//!
//! INPUT is either an openData folder (`votes.csv` + `comments.csv`, read
//! with `opinion::polis::read_open_data`; moderated-out and meta statements
//! are left out as Pol.is does) or a votes CSV with the header
//! `pid,tid,vote,timestamp` (export sign: agree = 1, disagree = -1, pass = 0).
//!
//! Reading the file is not timed. Each cold run is `opinion::analyze_log`
//! with no previous analysis (vote matrix, sticky in-conv replay, PCA, base
//! and group k-means, repness, consensus, priorities); each warm run is the
//! same call given the first cold run's result as `previous`. Prints one JSON
//! object: every run's seconds, their medians and a summary of the result.
//! `phases_s` splits one more cold run into sorting the log and building the
//! vote matrix, the in-conv replay (on the same sorted log) and `analyze` on
//! the built matrix.
//! `--assign FILE` writes `{"pid": group id or null}` for every participant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use opinion::matrix::{Vote, VoteMatrix, VoteRecord};
use opinion::{Options, analyze, analyze_log, polis};
use serde_json::json;
use std::path::Path;
use std::time::Instant;

fn read_votes_csv(path: &Path) -> Vec<VoteRecord> {
    let text = std::fs::read_to_string(path).expect("read votes CSV");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim() == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()))
    };
    let (pi, ti, vi, si) = (col("pid"), col("tid"), col("vote"), col("timestamp"));
    let mut out = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        let num = |c: usize| -> i64 {
            f.get(c)
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or_else(|| panic!("{}, line {}: bad field {c}", path.display(), n + 2))
        };
        out.push(VoteRecord {
            pid: num(pi) as u64,
            tid: num(ti) as u64,
            vote: Vote::from_export_sign(num(vi)).expect("vote is 1, -1 or 0"),
            timestamp: num(si),
        });
    }
    out
}

/// Peak resident memory of this process in MiB (Linux), input included.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut input = None;
    let mut runs = 3usize;
    let mut threads = 0usize;
    let mut assign = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().expect("--runs N").parse().expect("runs"),
            "--threads" => threads = args.next().expect("--threads N").parse().expect("threads"),
            "--assign" => assign = Some(args.next().expect("--assign FILE")),
            _ => input = Some(a),
        }
    }
    let input = input.expect("usage: bench INPUT [--runs N] [--threads N] [--assign FILE]");
    let path = Path::new(&input);

    let t = Instant::now();
    let mut opts = Options {
        threads,
        ..Options::default()
    };
    let votes = if path.is_dir() {
        let data = polis::read_open_data(path).expect("read openData folder");
        opts.moderation = polis::moderation_of(&data.comments);
        data.votes
    } else {
        read_votes_csv(path)
    };
    let read_s = t.elapsed().as_secs_f64();

    let runs = runs.max(1);
    let mut cold_s = Vec::new();
    let mut first = None;
    for _ in 0..runs {
        let t = Instant::now();
        let a = analyze_log(&votes, &opts, None);
        cold_s.push(t.elapsed().as_secs_f64());
        first.get_or_insert(a);
    }
    let cold = first.expect("one cold run");
    let mut warm_s = Vec::new();
    let mut warm = None;
    for _ in 0..runs {
        let t = Instant::now();
        let a = analyze_log(&votes, &opts, Some(&cold));
        warm_s.push(t.elapsed().as_secs_f64());
        warm = Some(a);
    }
    let warm = warm.expect("one warm run");

    // Where a cold run's time goes (one untimed-by-the-table run of each part).
    let t = Instant::now();
    let log = opinion::matrix::SortedLog::new(&votes);
    let matrix = VoteMatrix::from_log(&log);
    let matrix_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let sticky = opinion::inconv::replay_log(&log, &opts.in_conv);
    let replay_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let _ = analyze(&matrix, &opts, None);
    let analyze_s = t.elapsed().as_secs_f64();
    drop((sticky, log));

    if let Some(file) = assign {
        let map: serde_json::Map<String, serde_json::Value> = cold
            .pids
            .iter()
            .zip(cold.group_of_participants())
            .map(|(p, g)| (p.to_string(), json!(g)))
            .collect();
        std::fs::write(&file, serde_json::Value::Object(map).to_string()).expect("write --assign");
    }

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let out = json!({
        "input": input,
        "votes_read": votes.len(),
        "participants": cold.pids.len(),
        "statements": cold.tids.len(),
        "threads": if threads == 0 { cores } else { threads },
        "read_s": read_s,
        "cold_s": cold_s,
        "warm_s": warm_s,
        "cold_median_s": median(&cold_s),
        "warm_median_s": median(&warm_s),
        "in_conv": cold.in_conv.len(),
        "base_clusters": cold.base_clusters.len(),
        "groups": cold.groups.len(),
        "group_sizes": cold.groups.iter().map(|g| g.pids.len()).collect::<Vec<_>>(),
        "pca_iterations_cold": cold.pca.iterations,
        "pca_iterations_warm": warm.pca.iterations,
        "warm_groups": warm.groups.len(),
        "peak_rss_mib": peak_rss_mib(),
        "phases_s": {
            "vote_matrix": matrix_s,
            "in_conv_replay": replay_s,
            "analyze_matrix": analyze_s,
        },
        "warm_vs_cold_ari": opinion::adjusted_rand_index(
            &warm.group_of_participants(),
            &cold.group_of_participants()
        ),
    });
    println!("{out}");
}
