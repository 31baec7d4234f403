//! 线上议事 (画出同心圆): the voting page, the opinion map and the convener's
//! moderation queue. Pages read the saved result; they never compute it.
use std::collections::HashMap;
use std::fmt::Write as _;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use domain::{DeliberationId, DeliberationMove, DeliberationState, StatementState};
use opinion::Report;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::view::{Nav, fmt_time, render};

#[derive(Debug, Deserialize)]
pub struct DeliberationQuery {
    pub added: Option<String>,
    pub attached: Option<String>,
    pub imported: Option<String>,
}

#[derive(Template)]
#[template(path = "deliberation.html")]
struct VotePage {
    nav: Nav,
    id: DeliberationId,
    topic_title: String,
    tracking_no: String,
    open: bool,
    next: Option<store::Statement>,
    voted: usize,
    total: usize,
    added: String,
    convener: bool,
    pending: usize,
    max_len: usize,
    /// Only phone-verified residents take part, and this viewer is not signed in.
    needs_sign_in: bool,
    verified_only: bool,
}

/// Whether the viewer may make this move on the deliberation, as the domain answers it.
async fn may(
    state: &AppState,
    d: &store::Deliberation,
    actor: &domain::Actor,
    mv: DeliberationMove,
) -> AppResult<bool> {
    let ctx = state.store.deliberation_context(d).await?;
    Ok(domain::allowed_deliberation(&ctx, actor).contains(&mv))
}

/// What a deliberation's voting page shows every voter alike. Kept
/// (`AppState::ballots`) until the next write, so a view reads only the
/// viewer's own votes; a vote is a write, so the next view sees it. The
/// results page reads the map's version from here too.
pub struct VoteShared {
    d: store::Deliberation,
    topic_title: String,
    tracking_no: String,
    ballot: store::Ballot,
    /// The saved opinion map's version (votes counted, when), if any.
    map: Option<(i64, chrono::DateTime<chrono::Utc>)>,
}

impl crate::page_cache::Weigh for std::sync::Arc<VoteShared> {
    /// Roughly: the statements' text and a little for each.
    fn weigh(&self) -> u64 {
        let text: usize = self
            .ballot
            .statements
            .iter()
            .map(|s| s.text.len() + 128)
            .sum();
        (self.topic_title.len() + 512 + text) as u64
    }
}

async fn vote_shared(
    state: &AppState,
    id: DeliberationId,
) -> AppResult<std::sync::Arc<VoteShared>> {
    let d = state.store.deliberation(id).await?;
    let topic = state.store.topic(d.topic).await?;
    Ok(std::sync::Arc::new(VoteShared {
        ballot: state.store.ballot(id).await?,
        map: state.store.map_version(id).await?,
        topic_title: topic.title,
        tracking_no: topic.tracking_no,
        d,
    }))
}

pub async fn vote_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<DeliberationId>,
    Query(q): Query<DeliberationQuery>,
) -> AppResult<Response> {
    let shared = state
        .ballots
        .get_for(&state, &viewer, id.0.to_string(), vote_shared(&state, id))
        .await?;
    let VoteShared {
        d,
        topic_title,
        tracking_no,
        ballot,
        map: _,
    } = &*shared;
    // A phone handed its device just now has voted on nothing.
    let voted_ids = if viewer.fresh {
        Default::default()
    } else {
        state.store.voted_by(id, &viewer.liker_key()).await?
    };
    let approved: Vec<&store::Statement> = ballot
        .statements
        .iter()
        .filter(|s| s.state == StatementState::Approved)
        .collect();
    // Moderating needs a sign-in: a visitor without one is spared the read.
    let convener =
        viewer.user.is_some() && may(&state, d, &viewer.actor, DeliberationMove::Moderate).await?;
    let page = VotePage {
        nav: Nav::of(&viewer),
        id,
        topic_title: topic_title.clone(),
        tracking_no: tracking_no.clone(),
        open: d.state == DeliberationState::Open,
        next: ballot.next_for(&voted_ids),
        voted: approved
            .iter()
            .filter(|s| voted_ids.contains(&s.id))
            .count(),
        total: approved.len(),
        added: q.added.unwrap_or_default(),
        convener,
        pending: ballot
            .statements
            .iter()
            .filter(|s| s.state == StatementState::Pending)
            .count(),
        max_len: store::STATEMENT_MAX,
        needs_sign_in: d.verified_only && viewer.user.is_none(),
        verified_only: d.verified_only,
    };
    // Visitors without a sign-in who have voted on nothing yet (a poster's
    // crowd) are all shown the same page: rendered and compressed once.
    if viewer.user.is_none() && voted_ids.is_empty() && page.added.is_empty() {
        let key = format!("d:{}:new", id.0);
        return state
            .pages
            .html(&state, &viewer, key, async { Ok(render(&page)) })
            .await;
    }
    Ok(Html(render(&page)).into_response())
}

#[derive(Template)]
#[template(path = "deliberation_moderate.html")]
struct ModeratePage {
    nav: Nav,
    id: DeliberationId,
    topic_title: String,
    tracking_no: String,
    pending: Vec<store::Statement>,
    approved: Vec<store::Statement>,
}

pub async fn moderate(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<DeliberationId>,
) -> AppResult<Html<String>> {
    let d = state.store.deliberation(id).await?;
    if !may(&state, &d, &viewer.actor, DeliberationMove::Moderate).await? {
        return Err(domain::DomainError::Forbidden.into());
    }
    let topic = state.store.topic(d.topic).await?;
    let statements = state.store.statements(id).await?;
    let page = ModeratePage {
        nav: Nav::of(&viewer),
        id,
        topic_title: topic.title,
        tracking_no: topic.tracking_no,
        pending: statements
            .iter()
            .filter(|s| s.state == StatementState::Pending)
            .cloned()
            .collect(),
        approved: statements
            .into_iter()
            .filter(|s| s.state == StatementState::Approved)
            .collect(),
    };
    Ok(Html(render(&page)))
}

/// One line of plain Chinese about a statement.
struct Line {
    label: String,
    text: String,
}

struct GroupView {
    name: String,
    members: u64,
    shape: String,
    reps: Vec<Line>,
}

#[derive(Template)]
#[template(path = "deliberation_results.html")]
struct ResultsPage {
    nav: Nav,
    id: DeliberationId,
    topic_title: String,
    tracking_no: String,
    has_result: bool,
    svg: String,
    map_summary: String,
    groups: Vec<GroupView>,
    /// Who shares the agree / disagree lists: every group (common ground),
    /// or, in maps saved before common ground was computed, most people.
    shared_by: &'static str,
    agree: Vec<Line>,
    disagree: Vec<Line>,
    participants: u64,
    /// Of them, how many took part signed in (phone-verified residents).
    verified: u64,
    votes: i64,
    updated: String,
    convener: bool,
    /// Only phone-verified residents take part (the convener decided).
    verified_only: bool,
    attached: bool,
    imported: bool,
    /// Still taking votes.
    open: bool,
    me_on_map: bool,
    /// Phones the convener left out of the map (shown to everyone).
    discounted: u64,
    /// Bursts of new phones from one address, for the convener to judge.
    bursts: Vec<BurstView>,
}

/// A burst as the convener sees it, with what the 不计入 form sends back.
struct BurstView {
    phones: usize,
    when: String,
    origin: String,
    from: String,
    to: String,
}

impl BurstView {
    fn new(b: domain::Burst) -> BurstView {
        let clock = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&crate::view::beijing()).format("%H:%M")
        };
        BurstView {
            phones: b.phones,
            when: format!("{}–{}", fmt_time(b.from), clock(b.to)),
            from: b.from.to_rfc3339(),
            to: b.to.to_rfc3339(),
            origin: b.origin,
        }
    }
}

const COLORS: [&str; 5] = ["#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#be185d"];

/// A shape per group, so the map does not rely on colour alone.
fn shape(group: usize, x: f64, y: f64, r: f64) -> String {
    let c = COLORS[group % COLORS.len()];
    match group % 5 {
        0 => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{c}"/>"#),
        1 => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{c}"/>"#,
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
        2 => format!(
            r#"<polygon points="{x:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="{c}"/>"#,
            y - 1.2 * r,
            x - 1.1 * r,
            y + 0.9 * r,
            x + 1.1 * r,
            y + 0.9 * r
        ),
        3 => format!(
            r#"<polygon points="{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}" fill="{c}"/>"#,
            y - 1.3 * r,
            x + 1.3 * r,
            y + 1.3 * r,
            x - 1.3 * r
        ),
        _ => format!(
            r#"<path d="M{:.1} {:.1}L{:.1} {:.1}M{:.1} {:.1}L{:.1} {:.1}" stroke="{c}" stroke-width="3"/>"#,
            x - r,
            y - r,
            x + r,
            y + r,
            x - r,
            y + r,
            x + r,
            y - r
        ),
    }
}

fn percent(n: u64, of: u64) -> u64 {
    (n * 100 + of / 2).checked_div(of).unwrap_or(0)
}

/// The opinion map: participants as points, shaped and coloured by group,
/// each group labelled at its centre, the viewer ringed and marked 「我」.
fn map_svg(report: &Report, me: Option<u64>) -> (String, bool) {
    const SIZE: f64 = 320.0;
    const PAD: f64 = 28.0;
    let pts: Vec<(u64, Option<usize>, f64, f64)> = report
        .participants
        .iter()
        .map(|p| (p.pid, p.group, p.x, p.y))
        .filter(|p| p.2.is_finite() && p.3.is_finite())
        .collect();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in &pts {
        x0 = x0.min(p.2);
        x1 = x1.max(p.2);
        y0 = y0.min(p.3);
        y1 = y1.max(p.3);
    }
    let scale = |v: f64, lo: f64, hi: f64| {
        if hi - lo < 1e-9 {
            SIZE / 2.0
        } else {
            PAD + (v - lo) / (hi - lo) * (SIZE - 2.0 * PAD)
        }
    };
    let group_ids: Vec<usize> = report.groups.iter().map(|g| g.id).collect();
    let index_of = |g: usize| group_ids.iter().position(|&id| id == g);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" role="img" aria-labelledby="map-title"><title id="map-title">意见地图：{} 位参与者，分为 {} 组；离得越近，看法越接近</title>"#,
        pts.len(),
        group_ids.len()
    );
    let mut centres: HashMap<usize, (f64, f64, f64)> = HashMap::new();
    let mut me_at = None;
    for &(pid, group, x, y) in &pts {
        let (sx, sy) = (scale(x, x0, x1), scale(y, y0, y1));
        match group.and_then(index_of) {
            Some(i) => {
                s.push_str(&shape(i, sx, sy, 5.0));
                let c = centres.entry(i).or_insert((0.0, 0.0, 0.0));
                *c = (c.0 + sx, c.1 + sy, c.2 + 1.0);
            }
            None => {
                let _ = write!(
                    s,
                    "<circle cx=\"{sx:.1}\" cy=\"{sy:.1}\" r=\"4\" fill=\"none\" stroke=\"#6b7078\"/>"
                );
            }
        }
        if Some(pid) == me {
            me_at = Some((sx, sy));
        }
    }
    let mut labels: Vec<_> = centres.into_iter().collect();
    labels.sort_by_key(|(i, _)| *i);
    for (i, (x, y, n)) in labels {
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"700\" fill=\"{}\" stroke=\"#fff\" stroke-width=\"4\" paint-order=\"stroke\">第{}组</text>",
            x / n,
            (y / n - 12.0).max(14.0),
            COLORS[i % COLORS.len()],
            i + 1
        );
    }
    if let Some((x, y)) = me_at {
        let _ = write!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"10\" fill=\"none\" stroke=\"#111\" stroke-width=\"2.5\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"15\" font-weight=\"700\" fill=\"#111\" stroke=\"#fff\" stroke-width=\"4\" paint-order=\"stroke\">我</text>",
            x + 12.0,
            y + 5.0
        );
    }
    s.push_str("</svg>");
    (s, me_at.is_some())
}

fn legend_shape(i: usize) -> String {
    format!(
        r#"<svg class="shape" viewBox="0 0 20 20" width="20" height="20" aria-hidden="true">{}</svg>"#,
        shape(i, 10.0, 10.0, 6.0)
    )
}

/// `GET /d/{id}/results`. Most who open a published map are phones without
/// an account that have not voted (a link in the news, a poster): they all
/// see the same page, so it is rendered once per map (and per the
/// deliberation's state), not per view, and kept across the votes that
/// keep coming in until the worker saves the next map.
pub async fn results(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<DeliberationId>,
    Query(q): Query<DeliberationQuery>,
) -> AppResult<Response> {
    if viewer.user.is_none() && q.attached.is_none() && q.imported.is_none() {
        // The deliberation and its map's version as its voting page keeps them.
        let shared = state
            .ballots
            .get(&state, id.0.to_string(), vote_shared(&state, id))
            .await?;
        let d = shared.d.clone();
        if let Some((votes, at)) = shared.map
            && (viewer.fresh || !state.store.phone_took_part(id, &viewer.liker_key()).await?)
        {
            let key = format!(
                "/d/{}/results@{votes}@{}@{}@{}",
                id.0,
                at.timestamp_micros(),
                d.state.code(),
                d.verified_only
            );
            let page = async { Ok(render_results(&state, &viewer, d, &q).await?.0) };
            return state.pages.versioned_html(&viewer, key, page).await;
        }
        return Ok(render_results(&state, &viewer, d, &q)
            .await?
            .into_response());
    }
    let d = state.store.deliberation(id).await?;
    Ok(render_results(&state, &viewer, d, &q)
        .await?
        .into_response())
}

async fn render_results(
    state: &AppState,
    viewer: &Viewer,
    d: store::Deliberation,
    q: &DeliberationQuery,
) -> AppResult<Html<String>> {
    let id = d.id;
    let topic = state.store.topic(d.topic).await?;
    let saved = state.store.deliberation_result(id).await?;
    let counted = i64::try_from(state.store.count_opinion_votes(id).await?).unwrap_or(i64::MAX);
    if saved.as_ref().is_none_or(|r| r.votes_counted != counted) && counted > 0 {
        // Votes the map has not seen (e.g. from before a restart): ask the worker, do not wait.
        state.recompute.mark(id);
    }
    let convener = may(state, &d, &viewer.actor, DeliberationMove::Attach).await?;
    let bursts = match convener {
        true => domain::find_bursts(&state.store.arrivals(id).await?)
            .into_iter()
            .map(BurstView::new)
            .collect(),
        false => Vec::new(),
    };
    let mut page = ResultsPage {
        nav: Nav::of(viewer),
        id,
        topic_title: topic.title,
        tracking_no: topic.tracking_no,
        has_result: false,
        svg: String::new(),
        map_summary: String::new(),
        groups: Vec::new(),
        shared_by: "各组都",
        agree: Vec::new(),
        disagree: Vec::new(),
        participants: 0,
        verified: 0,
        votes: counted,
        updated: String::new(),
        convener,
        verified_only: d.verified_only,
        attached: q.attached.is_some(),
        imported: q.imported.is_some(),
        open: d.state == DeliberationState::Open,
        me_on_map: false,
        discounted: state.store.discounted_count(id).await?,
        bursts,
    };
    let Some(saved) = saved else {
        return Ok(Html(render(&page)));
    };
    let report: Report = match serde_json::from_str(&saved.json) {
        Ok(r) => r,
        Err(e) => {
            // Unreadable (a damaged row): shown as not yet mapped, and mapped again.
            tracing::warn!(deliberation = id.0, error = %e, "saved opinion map unreadable");
            state.recompute.mark(id);
            return Ok(Html(render(&page)));
        }
    };
    let text_of: HashMap<u64, String> = state
        .store
        .statements(id)
        .await?
        .into_iter()
        .filter_map(|s| Some((u64::try_from(s.tid).ok()?, s.text)))
        .collect();
    let text = |tid: u64| text_of.get(&tid).cloned().unwrap_or_default();
    let voters = state.store.participants(id).await?;
    let me = voters
        .iter()
        .position(|v| *v == viewer.liker_key())
        .map(|p| p as u64);
    // Signed in by phone (or an official's account): a person, not just a phone.
    page.verified = voters.iter().filter(|v| v.starts_with("u:")).count() as u64;
    let (svg, me_on_map) = map_svg(&report, me);
    let groups: Vec<GroupView> = report
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| GroupView {
            name: format!("第{}组", i + 1),
            members: g.members as u64,
            shape: legend_shape(i),
            reps: g
                .repness
                .iter()
                .take(3)
                .map(|r| {
                    let pct = percent(r.n_success, r.n_trials);
                    Line {
                        label: format!(
                            "第{}组 {pct}% {}",
                            i + 1,
                            if r.agree { "赞同" } else { "反对" }
                        ),
                        text: text(r.tid),
                    }
                })
                .collect(),
        })
        .collect();
    // Common ground: what a majority of every group shares, with the range
    // of the groups' shares.
    let shared = |list: &[opinion::common_ground::SharedStatement]| -> Vec<Line> {
        list.iter()
            .map(|c| {
                let pct = |share: f64| (share * 100.0).round();
                let (low, high) = (pct(c.min_share), pct(c.max_share));
                Line {
                    label: if low == high {
                        format!("各组 {low}%")
                    } else {
                        format!("各组 {low}%–{high}%")
                    },
                    text: text(c.tid),
                }
            })
            .collect()
    };
    // Maps saved before common ground existed: Pol.is's consensus of all.
    let most = |list: &[opinion::repness::ConsensusStatement]| -> Vec<Line> {
        list.iter()
            .map(|c| Line {
                label: format!("{}%", percent(c.n_success, c.n_trials)),
                text: text(c.tid),
            })
            .collect()
    };
    page.map_summary = format!(
        "共 {} 位参与者，分为 {} 组。每个点是一位参与者，看法相近的人离得近。",
        report.n_participants,
        groups.len()
    );
    if let Some(common) = &report.common_ground {
        page.agree = shared(&common.agree);
        page.disagree = shared(&common.disagree);
    } else {
        page.shared_by = "多数人";
        page.agree = most(&report.consensus.agree);
        page.disagree = most(&report.consensus.disagree);
    }
    page.groups = groups;
    page.participants = report.n_participants as u64;
    page.votes = saved.votes_counted;
    page.updated = fmt_time(saved.computed_at);
    page.svg = svg;
    page.me_on_map = me_on_map;
    page.has_result = true;
    Ok(Html(render(&page)))
}
