//! `shangliang opinion analyze DIR`: the opinion map of a Pol.is export,
//! printed as a readable table or as JSON.
use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use opinion::Report;
use opinion::polis;

/// Reads an openData folder (votes.csv or participants-votes.csv, comments.csv)
/// or a math export folder (votes.json, comments.json) and analyses it.
pub fn analyze(dir: &Path, json: bool) -> anyhow::Result<()> {
    let (votes, comments) = if dir.join("votes.json").exists() {
        let v = std::fs::read_to_string(dir.join("votes.json")).context("votes.json")?;
        let c = std::fs::read_to_string(dir.join("comments.json")).unwrap_or_else(|_| "[]".into());
        (
            polis::parse_votes_json(&v)?,
            polis::parse_comments_json(&c)?,
        )
    } else {
        let d = polis::read_open_data(dir).with_context(|| format!("reading {}", dir.display()))?;
        (d.votes, d.comments)
    };
    anyhow::ensure!(!votes.is_empty(), "no votes found in {}", dir.display());
    let opts = opinion::Options {
        moderation: polis::moderation_of(&comments),
        ..Default::default()
    };
    let analysis = opinion::analyze_log(&votes, &opts, None);
    let report = opinion::report(&analysis);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let text: HashMap<u64, &str> = comments.iter().map(|c| (c.tid, c.text.as_str())).collect();
    print_table(&report, &text);
    Ok(())
}

fn statement(text: &HashMap<u64, &str>, tid: u64) -> String {
    let t = text.get(&tid).copied().unwrap_or("");
    let short: String = t.chars().take(60).collect();
    if short.len() < t.len() {
        format!("{short}…")
    } else {
        short
    }
}

fn print_table(r: &Report, text: &HashMap<u64, &str>) {
    println!(
        "参与者 participants {}，观点 statements {}，纳入聚类 clustered {}，分组 groups {}",
        r.n_participants, r.n_statements, r.n_in_conv, r.k
    );
    for g in &r.groups {
        println!(
            "\n第 {} 组 group {} — {} 人 members",
            g.id + 1,
            g.id,
            g.members
        );
        println!("  {:>6}  {:<6} {:>6}  statement", "tid", "vote", "share");
        for s in &g.repness {
            let (share, vote) = if s.agree {
                (s.pa, "赞同")
            } else {
                (s.pd, "反对")
            };
            println!(
                "  {:>6}  {vote:<6} {:>5.0}%  {}",
                s.tid,
                share * 100.0,
                statement(text, s.tid)
            );
        }
    }
    let common = r.common_ground.clone().unwrap_or_default();
    for (list, label) in [
        (
            &common.agree,
            "共识：各组都赞同 common ground agree (a majority of every group)",
        ),
        (&common.disagree, "共识：各组都反对 common ground disagree"),
    ] {
        println!("\n{label}");
        for s in list {
            println!(
                "  {:>6}  {:>3.0}–{:.0}%  {}",
                s.tid,
                s.min_share * 100.0,
                s.max_share * 100.0,
                statement(text, s.tid)
            );
        }
    }
    for (list, label) in [
        (
            &r.consensus.agree,
            "多数人赞同 Pol.is consensus agree (all participants)",
        ),
        (
            &r.consensus.disagree,
            "多数人反对 Pol.is consensus disagree",
        ),
    ] {
        println!("\n{label}");
        for s in list {
            println!("  {:>6}  {}", s.tid, statement(text, s.tid));
        }
    }
    println!("\n跨组共识 group-aware consensus (top 5)");
    for s in r.group_aware_consensus.iter().take(5) {
        println!("  {:>6}  {:.3}  {}", s.tid, s.value, statement(text, s.tid));
    }
}
