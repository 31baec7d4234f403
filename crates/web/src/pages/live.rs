//! The live meeting page (现场会议): on the projector and on every phone,
//! the item under discussion, the speakers' queue, the opinions agreed and
//! the votes with their results, refreshed by htmx every few seconds; the
//! convener's controls below, and for someone signed in at the door, 我要发言
//! and their ballot.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use domain::{MeetingCtx, MeetingId, SpeakerState, VoteChoice, VoteMode};

use crate::AppState;
use crate::auth::Viewer;
use crate::door;
use crate::error::AppResult;
use crate::view::{Nav, render};

pub struct VoteRow {
    pub id: i64,
    pub question: String,
    pub mode: &'static str,
    pub by_hands: bool,
    pub open: bool,
    pub counts: [u32; 3],
    pub result: &'static str,
    /// This phone's ballot, if it voted.
    pub mine: Option<&'static str>,
    /// This phone may vote on it now.
    pub can_vote: bool,
}

#[derive(Template)]
#[template(path = "_live_panel.html")]
pub struct LivePanel {
    id: i64,
    state: &'static str,
    present: usize,
    /// The agenda: 查询码, title, under discussion now.
    agenda: Vec<(String, String, bool)>,
    speaking: Option<String>,
    waiting: Vec<String>,
    spoken: usize,
    votes: Vec<VoteRow>,
    /// Opinions agreed on the agenda's topics: topic title, text.
    opinions: Vec<(String, String)>,
    /// This phone is signed in as someone who may ask to speak now.
    can_ask: bool,
    choices: [VoteChoice; 3],
}

/// The meeting as it stands: its row, the live record and the agenda.
async fn read(
    state: &AppState,
    id: MeetingId,
) -> AppResult<(store::Meeting, store::Live, Vec<store::Topic>)> {
    Ok((
        state.store.meeting(id).await?,
        state.store.live(id).await?,
        state.store.agenda(id).await?,
    ))
}

async fn panel(
    state: &AppState,
    jar: &CookieJar,
    (m, live, agenda): &(store::Meeting, store::Live, Vec<store::Topic>),
) -> AppResult<LivePanel> {
    let id = m.id;
    let list = state.store.invitations(id).await?;
    let me = door::attendee(state, jar, id).await;
    let ballots = match me {
        Some(a) => state.store.ballots_of(a).await?,
        None => Vec::new(),
    };
    let in_session = m.state == domain::MeetingState::InSession;
    let waiting_me = live
        .speakers
        .iter()
        .any(|s| s.invitation.is_some() && s.invitation == me && s.state != SpeakerState::Done);
    let mut opinions = Vec::new();
    for t in agenda {
        for o in state.store.opinions(t.id).await? {
            if o.meeting == id {
                opinions.push((t.title.clone(), o.text));
            }
        }
    }
    Ok(LivePanel {
        id: id.0,
        state: m.state.label_zh(),
        present: list.iter().filter(|i| i.present_at.is_some()).count(),
        agenda: agenda
            .iter()
            .map(|t| {
                (
                    t.tracking_no.clone(),
                    t.title.clone(),
                    live.current == Some(t.id),
                )
            })
            .collect(),
        speaking: live
            .speakers
            .iter()
            .find(|s| s.state == SpeakerState::Speaking)
            .map(|s| s.name.clone()),
        waiting: live
            .speakers
            .iter()
            .filter(|s| s.state == SpeakerState::Waiting)
            .map(|s| s.name.clone())
            .collect(),
        spoken: live
            .speakers
            .iter()
            .filter(|s| s.state == SpeakerState::Done)
            .count(),
        votes: live
            .votes
            .iter()
            .map(|v| {
                let mine = ballots
                    .iter()
                    .find(|(b, _)| *b == v.id)
                    .map(|(_, c)| c.label_zh());
                VoteRow {
                    id: v.id,
                    question: v.question.clone(),
                    mode: v.mode.label_zh(),
                    by_hands: v.mode == VoteMode::Hands,
                    open: v.open,
                    counts: v.counts,
                    result: match (v.open, v.passed()) {
                        (true, _) => "表决中",
                        (false, true) => "通过",
                        (false, false) => "未通过",
                    },
                    can_vote: me.is_some()
                        && v.open
                        && v.mode == VoteMode::Phones
                        && mine.is_none(),
                    mine,
                }
            })
            .collect(),
        opinions,
        can_ask: in_session && me.is_some() && !waiting_me,
        choices: VoteChoice::ALL,
    })
}

#[derive(Template)]
#[template(path = "live.html")]
struct LivePage {
    nav: Nav,
    id: i64,
    title: String,
    panel: String,
    /// The convener's controls (in session only).
    run: bool,
    /// The agenda to choose the item from: topic id, title.
    items: Vec<(i64, String)>,
    /// Open votes the convener closes: id, question, by hands.
    open_votes: Vec<(i64, String, bool)>,
    /// The item under discussion: 查询码, to record its opinion.
    current: Option<String>,
}

/// `GET /m/{id}/live`: the live meeting page.
pub async fn live_page(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Path(id): Path<MeetingId>,
) -> AppResult<Html<String>> {
    let read = read(&state, id).await?;
    let p = panel(&state, &jar, &read).await?;
    let (m, live, agenda) = read;
    let ctx = MeetingCtx {
        state: m.state,
        room: m.room,
    };
    let run = domain::may_run(&ctx, &viewer.actor).is_ok();
    Ok(Html(render(&LivePage {
        nav: Nav::of(&viewer),
        id: id.0,
        title: m.title,
        run,
        items: agenda.iter().map(|t| (t.id.0, t.title.clone())).collect(),
        open_votes: live
            .votes
            .iter()
            .filter(|v| v.open)
            .map(|v| (v.id, v.question.clone(), v.mode == VoteMode::Hands))
            .collect(),
        current: agenda
            .iter()
            .find(|t| live.current == Some(t.id))
            .map(|t| t.tracking_no.clone()),
        panel: render(&p),
    })))
}

/// `GET /m/{id}/live/panel`: the part that refreshes.
pub async fn live_panel(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(id): Path<MeetingId>,
) -> AppResult<Response> {
    let p = panel(&state, &jar, &read(&state, id).await?).await?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Html(render(&p)),
    )
        .into_response())
}
