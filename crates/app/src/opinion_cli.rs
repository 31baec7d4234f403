//! `shangliang opinion analyze DIR`: the opinion map of a Pol.is export,
//! printed as a readable table or as JSON.
use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use opinion::polis;
use serde_json::Value;

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

fn print_table(r: &Value, text: &HashMap<u64, &str>) {
    let n = |k: &str| r[k].as_u64().unwrap_or(0);
    println!(
        "参与者 participants {}，观点 statements {}，纳入聚类 clustered {}，分组 groups {}",
        n("n_participants"),
        n("n_statements"),
        n("n_in_conv"),
        n("k")
    );
    for g in r["groups"].as_array().into_iter().flatten() {
        println!(
            "\n第 {} 组 group {} — {} 人 members",
            g["id"].as_u64().unwrap_or(0) + 1,
            g["id"],
            g["members"]
        );
        println!("  {:>6}  {:<6} {:>6}  statement", "tid", "vote", "share");
        for s in g["repness"].as_array().into_iter().flatten() {
            let tid = s["tid"].as_u64().unwrap_or(0);
            let agree = s["agree"].as_bool().unwrap_or(false);
            let share = if agree { &s["pa"] } else { &s["pd"] };
            let vote = if agree { "赞同" } else { "反对" };
            println!(
                "  {tid:>6}  {vote:<6} {:>5.0}%  {}",
                share.as_f64().unwrap_or(0.0) * 100.0,
                statement(text, tid)
            );
        }
    }
    for (key, label) in [
        (
            "agree",
            "共识：各组都赞同 common ground agree (a majority of every group)",
        ),
        ("disagree", "共识：各组都反对 common ground disagree"),
    ] {
        println!("\n{label}");
        for s in r["common_ground"][key].as_array().into_iter().flatten() {
            let tid = s["tid"].as_u64().unwrap_or(0);
            let pct = |k: &str| s[k].as_f64().unwrap_or(0.0) * 100.0;
            println!(
                "  {tid:>6}  {:>3.0}–{:.0}%  {}",
                pct("min_share"),
                pct("max_share"),
                statement(text, tid)
            );
        }
    }
    for (key, label) in [
        (
            "agree",
            "多数人赞同 Pol.is consensus agree (all participants)",
        ),
        ("disagree", "多数人反对 Pol.is consensus disagree"),
    ] {
        println!("\n{label}");
        for s in r["consensus"][key].as_array().into_iter().flatten() {
            let tid = s["tid"].as_u64().unwrap_or(0);
            println!("  {tid:>6}  {}", statement(text, tid));
        }
    }
    println!("\n跨组共识 group-aware consensus (top 5)");
    for s in r["group_aware_consensus"]
        .as_array()
        .into_iter()
        .flatten()
        .take(5)
    {
        let tid = s["tid"].as_u64().unwrap_or(0);
        println!(
            "  {tid:>6}  {:.3}  {}",
            s["value"].as_f64().unwrap_or(0.0),
            statement(text, tid)
        );
    }
}
