//! The meeting day's writes: inviting people, the wanted mix, an invitee's
//! answer through their signed link, signing in at the door (by the code
//! on the screen, then as invitee, account or walk-in) and by the convener's hand.
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use domain::{
    CheckIn, MeetingId, MixRule, Participant, ParticipantCategory, PhoneNumber, Rsvp, UserId,
};
use serde::Deserialize;
use store::{Arrival, Invitee};

use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::door;
use crate::error::{AppError, AppResult};
use crate::forms::{ActionInput, PageForm, invalid};
use crate::view::fmt_time;

#[derive(Debug, Default, Deserialize)]
pub struct InviteInput {
    /// Registered people's user ids, separated by commas (ticked boxes).
    pub people: Option<String>,
    /// Others, one per line: 「姓名 类别 手机号」 (category and number optional).
    pub named: Option<String>,
}

/// One typed line: a person, and a mobile number if the line ends with one.
fn named_line(line: &str) -> AppResult<Invitee> {
    let line = line.trim();
    let (rest, phone) = match line.rsplit_once([' ', '\u{3000}']) {
        Some((rest, last)) if last.len() == 11 && last.bytes().all(|b| b.is_ascii_digit()) => {
            (rest, Some(PhoneNumber::parse(last)?))
        }
        _ => (line, None),
    };
    let p = Participant::parse_line(rest)?;
    Ok(Invitee::Named {
        name: p.name,
        category: p.category,
        phone,
    })
}

/// The convener invites the ticked and typed people; each hears by inbox
/// or text with a link to answer.
pub async fn invite_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<MeetingId>,
    crate::photos::PhotoForm { input, .. }: crate::photos::PhotoForm<InviteInput>,
) -> AppResult<Redirect> {
    // Who may invite is asked before what they typed is read.
    let m = state.store.meeting(id).await?;
    let ctx = domain::MeetingCtx {
        state: m.state,
        room: m.room,
    };
    domain::may_invite(&ctx, &viewer.actor)?;
    let mut people: Vec<Invitee> = ActionInput::ids(&input.people, "people", "参会人员")?
        .into_iter()
        .map(|u| Invitee::User(UserId(u)))
        .collect();
    for line in input.named.as_deref().unwrap_or("").lines() {
        if !line.trim().is_empty() {
            people.push(named_line(line)?);
        }
    }
    if people.is_empty() {
        return Err(invalid("people", "请勾选或填写要邀请的人"));
    }
    let key = door::key(&state).await?;
    let when = fmt_time(m.starts_at);
    let line = |inv: &store::Invitation| {
        (
            format!(
                "邀请您参加「{}」，时间 {when}，地点 {}。请答复参加或请假。",
                m.title, m.place
            ),
            door::rsvp_path(key, id, inv.id),
        )
    };
    state
        .store
        .invite(id, &viewer.who(), &people, &line)
        .await?;
    Ok(Redirect::to(&format!("/m/{}#invitations", id.0)))
}

/// The wanted mix: for each category, `min_{code}` people and `share_{code}` percent.
pub async fn mix_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<MeetingId>,
    PageForm(input): PageForm<HashMap<String, String>>,
) -> AppResult<Redirect> {
    let number = |field: String| -> AppResult<u32> {
        match input
            .get(&field)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
        {
            None => Ok(0),
            Some(v) => v.parse().map_err(|_| invalid("at_least", "请填写数字")),
        }
    };
    let mut rules = Vec::new();
    for c in ParticipantCategory::ALL {
        let at_least = number(format!("min_{}", c.code()))?;
        let share = number(format!("share_{}", c.code()))?;
        if at_least > 0 || share > 0 {
            rules.push(MixRule::new(c, at_least, share)?);
        }
    }
    state.store.set_mix(id, &viewer.who(), &rules).await?;
    Ok(Redirect::to(&format!("/m/{}#mix", id.0)))
}

/// The convener signs someone on the list in by hand.
pub async fn present_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path((id, inv)): Path<(MeetingId, i64)>,
) -> AppResult<Redirect> {
    state.store.sign_in_by_hand(id, &viewer.who(), inv).await?;
    Ok(Redirect::to(&format!("/m/{}#invitations", id.0)))
}

#[derive(Debug, Default, Deserialize)]
pub struct AnswerInput {
    /// attending or excused.
    pub answer: Option<String>,
}

/// An invitee answers 参加 or 请假 through their link.
pub async fn rsvp_answer(
    State(state): State<AppState>,
    Path((id, token)): Path<(MeetingId, String)>,
    PageForm(input): PageForm<AnswerInput>,
) -> AppResult<Redirect> {
    let inv = invitation_of_link(&state, id, &token).await?;
    let rsvp = match input.answer.as_deref() {
        Some("attending") => Rsvp::Attending,
        Some("excused") => Rsvp::Excused,
        _ => return Err(invalid("answer", "请选择参加或请假")),
    };
    state.store.answer_invitation(inv.id, rsvp).await?;
    Ok(Redirect::to(&format!("/m/{}/rsvp/{token}", id.0)))
}

/// The invitation an answer link names, if the link is this server's and this meeting's.
pub(crate) async fn invitation_of_link(
    state: &AppState,
    id: MeetingId,
    token: &str,
) -> AppResult<store::Invitation> {
    let inv = match door::rsvp_invitation(state, token).await {
        Some(i) => state.store.invitation(i).await?,
        None => return Err(AppError::Store(store::StoreError::NotFound("邀请"))),
    };
    if inv.meeting != id {
        return Err(AppError::Store(store::StoreError::NotFound("邀请")));
    }
    Ok(inv)
}

/// A scanned door code: a fresh one gives this phone a pass to sign in;
/// a stale one (a photo sent home) is refused.
pub async fn scan(
    State(state): State<AppState>,
    Path((id, code)): Path<(MeetingId, String)>,
) -> AppResult<Response> {
    let now = state.store.clock().now();
    state.store.meeting(id).await?;
    if !door::door_code_valid(&state, id, &code, now).await {
        return Err(AppError::Store(store::StoreError::Domain(
            domain::DomainError::Precondition(
                "签到码已失效（会场大屏上的签到码每30秒更换一次），请在会场重新扫码".into(),
            ),
        )));
    }
    let mut headers = HeaderMap::new();
    door::give_pass(&state, &mut headers, id, now).await?;
    Ok((headers, Redirect::to(&format!("/m/{}/checkin", id.0))).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct CheckInInput {
    /// "1": sign in as the invitee this phone or account is known as.
    pub invited: Option<String>,
    pub name: Option<String>,
    pub category: Option<String>,
    pub phone: Option<String>,
}

/// The invitation this phone or account is known as: the link it opened,
/// else the signed-in account or its number on the list.
pub(crate) async fn known_invitation(
    state: &AppState,
    jar: &CookieJar,
    viewer: &Viewer,
    id: MeetingId,
) -> AppResult<Option<(store::Invitation, CheckIn)>> {
    if let Some(i) = door::kept_invitation(state, jar, id).await {
        let inv = state.store.invitation(i).await?;
        if inv.meeting == id {
            return Ok(Some((inv, CheckIn::Link)));
        }
    }
    if let Some(u) = &viewer.user {
        let found = state
            .store
            .invitation_of(id, Some(u.id), u.phone.as_ref())
            .await?;
        return Ok(found.map(|i| (i, CheckIn::Phone)));
    }
    Ok(None)
}

/// Signs this phone's person in, with a pass from a fresh door code.
pub async fn check_in(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Path(id): Path<MeetingId>,
    PageForm(input): PageForm<CheckInInput>,
) -> AppResult<Response> {
    let now = state.store.clock().now();
    if !door::has_pass(&state, &jar, id, now).await {
        return Err(AppError::Store(store::StoreError::Domain(
            domain::DomainError::Precondition("请先扫描会场大屏上的签到二维码".into()),
        )));
    }
    let (arrival, how) = match (
        input.invited.as_deref(),
        known_invitation(&state, &jar, &viewer, id).await?,
    ) {
        (Some("1"), Some((inv, how))) => (Arrival::Invited(inv.id), how),
        _ => {
            let name = domain::PersonName::parse(input.name.as_deref().unwrap_or(""))?;
            let category = input
                .category
                .as_deref()
                .and_then(ParticipantCategory::parse)
                .ok_or_else(|| invalid("category", "请选择您的身份类别"))?;
            let phone = crate::forms::optional_phone(&input.phone)?;
            let arrival = Arrival::WalkIn {
                name: name.to_string(),
                category,
                phone,
            };
            (arrival, CheckIn::WalkIn)
        }
    };
    let inv = state.store.sign_in(id, &arrival, how).await?;
    let mut headers = HeaderMap::new();
    door::keep_attendee(&state, &mut headers, id, inv.id).await?;
    Ok((headers, Redirect::to(&format!("/m/{}/checkin", id.0))).into_response())
}
