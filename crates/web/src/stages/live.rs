//! The live meeting's writes: the convener moves to an item, manages the
//! speakers' queue and takes votes; someone signed in at the door asks to
//! speak and votes from their phone (the attendee cookie says who).
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum_extra::extract::cookie::CookieJar;
use domain::{MeetingId, PersonName, TopicId, VoteChoice, VoteMode};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::door;
use crate::error::{AppError, AppResult};
use crate::forms::{PageForm, id, invalid, required};

/// Who may run the meeting is asked before what the form says is read.
async fn running(state: &AppState, viewer: &Viewer, mid: MeetingId) -> AppResult<()> {
    let m = state.store.meeting(mid).await?;
    let ctx = domain::MeetingCtx {
        state: m.state,
        room: m.room,
    };
    Ok(domain::may_run(&ctx, &viewer.actor)?)
}

fn back(id: MeetingId) -> Redirect {
    Redirect::to(&format!("/m/{}/live", id.0))
}

#[derive(Debug, Default, Deserialize)]
pub struct LiveInput {
    pub topic: Option<String>,
    pub name: Option<String>,
    pub question: Option<String>,
    /// hands or phones.
    pub mode: Option<String>,
    pub yes: Option<String>,
    pub no: Option<String>,
    pub abstain: Option<String>,
    /// yes, no or abstain.
    pub choice: Option<String>,
}

pub async fn current_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(mid): Path<MeetingId>,
    PageForm(input): PageForm<LiveInput>,
) -> AppResult<Redirect> {
    running(&state, &viewer, mid).await?;
    let topic = TopicId(id(&input.topic, "topic", "议题")?);
    state
        .store
        .set_current_item(mid, &viewer.who(), topic)
        .await?;
    Ok(back(mid))
}

pub async fn speaker_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(mid): Path<MeetingId>,
    PageForm(input): PageForm<LiveInput>,
) -> AppResult<Redirect> {
    running(&state, &viewer, mid).await?;
    let name = PersonName::parse(input.name.as_deref().unwrap_or(""))?;
    state
        .store
        .add_speaker(mid, &viewer.who(), None, &name)
        .await?;
    Ok(back(mid))
}

pub async fn next_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(mid): Path<MeetingId>,
) -> AppResult<Redirect> {
    state.store.next_speaker(mid, &viewer.who()).await?;
    Ok(back(mid))
}

pub async fn open_vote_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(mid): Path<MeetingId>,
    PageForm(input): PageForm<LiveInput>,
) -> AppResult<Redirect> {
    running(&state, &viewer, mid).await?;
    let mode = VoteMode::parse(input.mode.as_deref().unwrap_or("hands"))
        .ok_or_else(|| invalid("mode", "请选择表决方式"))?;
    let question = required(&input.question, "question", "表决事项")?;
    state
        .store
        .open_vote(mid, &viewer.who(), question, mode)
        .await?;
    Ok(back(mid))
}

fn count(v: &Option<String>, field: &'static str) -> AppResult<u32> {
    v.as_deref()
        .map(str::trim)
        .unwrap_or("")
        .parse()
        .map_err(|_| invalid(field, "请填写人数"))
}

pub async fn close_vote_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path((mid, vote)): Path<(MeetingId, i64)>,
    PageForm(input): PageForm<LiveInput>,
) -> AppResult<Redirect> {
    running(&state, &viewer, mid).await?;
    let hands = match (&input.yes, &input.no, &input.abstain) {
        (None, None, None) => None,
        _ => Some([
            count(&input.yes, "yes")?,
            count(&input.no, "no")?,
            count(&input.abstain, "abstain")?,
        ]),
    };
    state
        .store
        .close_vote(mid, &viewer.who(), vote, hands)
        .await?;
    Ok(back(mid))
}

async fn attendee(state: &AppState, jar: &CookieJar, mid: MeetingId) -> AppResult<i64> {
    door::attendee(state, jar, mid).await.ok_or_else(|| {
        AppError::Store(store::StoreError::Domain(
            domain::DomainError::Precondition("请先在会场扫码签到".into()),
        ))
    })
}

/// 我要发言, from the phone of someone signed in.
pub async fn ask_page(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Path(mid): Path<MeetingId>,
) -> AppResult<Redirect> {
    let me = attendee(&state, &jar, mid).await?;
    let anyone = PersonName::parse("与会人员")?;
    state
        .store
        .add_speaker(mid, &viewer.who(), Some(me), &anyone)
        .await?;
    Ok(back(mid))
}

/// A ballot from the phone of someone signed in: one per vote.
pub async fn ballot_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Path((mid, vote)): Path<(MeetingId, i64)>,
    PageForm(input): PageForm<LiveInput>,
) -> AppResult<Redirect> {
    let me = attendee(&state, &jar, mid).await?;
    let choice = VoteChoice::parse(input.choice.as_deref().unwrap_or(""))
        .ok_or_else(|| invalid("choice", "请选择赞成、反对或弃权"))?;
    state.store.cast(mid, vote, me, choice).await?;
    Ok(back(mid))
}
