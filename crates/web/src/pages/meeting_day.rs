//! The meeting day's pages: the convener's list and mix on the meeting
//! page, an invitee's answer page, the door screen with its rotating code,
//! and the phone's sign-in page.
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;
use domain::{MeetingCtx, MeetingId, MixLine, ParticipantCategory};

use crate::AppState;
use crate::auth::Viewer;
use crate::door;
use crate::error::{AppError, AppResult};
use crate::view::{Nav, fmt_time, render};

/// One line of the mix table: category, wanted, and the three counts with ✓/✗.
pub struct MixRow {
    pub category: &'static str,
    pub code: &'static str,
    pub wanted: String,
    pub at_least: u32,
    pub share: u32,
    pub counts: [(u32, bool); 3],
    /// Worth a line on the meeting page (a rule, or someone invited or present).
    pub shown: bool,
    /// Worth a line at the door (a rule, or someone present).
    pub shown_at_door: bool,
}

fn mix_rows(lines: &[MixLine]) -> Vec<MixRow> {
    ParticipantCategory::ALL
        .into_iter()
        .map(|c| {
            let line = lines.iter().find(|l| l.category == c);
            let rule = line.and_then(|l| l.rule);
            let n = line.map_or([0; 3], |l| [l.invited, l.confirmed, l.present]);
            MixRow {
                shown: rule.is_some() || n[0] > 0 || n[2] > 0,
                shown_at_door: rule.is_some() || n[2] > 0,
                category: c.label_zh(),
                code: c.code(),
                wanted: rule.map(|r| r.wanted_zh()).unwrap_or_default(),
                at_least: rule.map_or(0, |r| r.at_least),
                share: rule.map_or(0, |r| r.share_percent),
                counts: match line {
                    Some(l) => [
                        (l.invited, l.met[0]),
                        (l.confirmed, l.met[1]),
                        (l.present, l.met[2]),
                    ],
                    None => [(0, true); 3],
                },
            }
        })
        .collect()
}

/// One person on the list as the convener sees them.
pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub category: &'static str,
    pub answer: &'static str,
    pub present: Option<String>,
    pub walk_in: bool,
}

/// The convener's part of a meeting's page.
pub struct Attendance {
    pub list: Vec<ListRow>,
    pub mix: Vec<MixRow>,
    pub present: usize,
    /// The room's linked people not yet invited: id, name, category.
    pub to_invite: Vec<(i64, String, &'static str)>,
    /// The meeting has not closed: people may still be invited and sign in.
    pub open: bool,
}

/// What the convener of a meeting's room sees of its list; `None` for others.
pub async fn attendance(
    state: &AppState,
    viewer: &Viewer,
    m: &store::Meeting,
) -> AppResult<Option<Attendance>> {
    let ctx = MeetingCtx {
        state: m.state,
        room: m.room,
    };
    if !viewer.actor.is_convener_of(m.room) {
        return Ok(None);
    }
    let list = state.store.invitations(m.id).await?;
    let rules = state.store.mix_rules(m.id).await?;
    let people: Vec<domain::Attendee> = list.iter().map(store::Invitation::attendee).collect();
    let can_invite = domain::may_invite(&ctx, &viewer.actor).is_ok();
    let to_invite = if can_invite {
        state
            .store
            .people_of_room(m.room)
            .await?
            .into_iter()
            .filter(|u| !list.iter().any(|i| i.user == Some(u.id)))
            .map(|u| {
                let c = ParticipantCategory::primary(&u.categories).label_zh();
                (u.id.0, u.display_name, c)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Some(Attendance {
        present: list.iter().filter(|i| i.present_at.is_some()).count(),
        list: list
            .iter()
            .map(|i| ListRow {
                id: i.id,
                name: i.name.clone(),
                category: i.category.label_zh(),
                answer: i.rsvp.label_zh(),
                present: i.present_at.map(fmt_time),
                walk_in: !i.invited,
            })
            .collect(),
        mix: mix_rows(&domain::mix(&rules, &people)),
        to_invite,
        open: can_invite,
    }))
}

#[derive(Template)]
#[template(path = "rsvp.html")]
struct RsvpPage {
    nav: Nav,
    id: i64,
    token: String,
    title: String,
    starts: String,
    place: String,
    name: String,
    answer: &'static str,
    answered: bool,
    open: bool,
}

/// An invitee's answer page, reached by the signed link in their text or
/// inbox; the phone keeps the link so the door knows them later.
pub async fn rsvp(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, token)): Path<(MeetingId, String)>,
) -> AppResult<Response> {
    let inv = crate::stages::meeting_day::invitation_of_link(&state, id, &token).await?;
    let m = state.store.meeting(id).await?;
    let mut headers = HeaderMap::new();
    door::keep_invitation(&state, &mut headers, id, &token);
    let page = RsvpPage {
        nav: Nav::of(&viewer),
        id: id.0,
        token,
        title: m.title,
        starts: fmt_time(m.starts_at),
        place: m.place,
        name: inv.name,
        answer: inv.rsvp.label_zh(),
        answered: inv.rsvp != domain::Rsvp::Pending,
        open: domain::may_answer(m.state).is_ok(),
    };
    Ok((headers, Html(render(&page))).into_response())
}

#[derive(Template)]
#[template(path = "door.html")]
struct DoorPage {
    nav: Nav,
    id: i64,
    title: String,
    /// The panel, rendered (`_door_panel.html`).
    panel: String,
}

#[derive(Template)]
#[template(path = "_door_panel.html")]
pub struct DoorPanel {
    qr: String,
    url: String,
    present: usize,
    invited: usize,
    mix: Vec<MixRow>,
}

async fn door_panel(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    id: MeetingId,
) -> AppResult<DoorPanel> {
    let m = state.store.meeting(id).await?;
    let ctx = MeetingCtx {
        state: m.state,
        room: m.room,
    };
    domain::may_invite(&ctx, &viewer.actor)?;
    let now = state.store.clock().now();
    domain::may_sign_in(m.state, m.starts_at, now)?;
    let url = format!(
        "{}{}",
        crate::share::base_url(state, headers),
        door::door_path(state, id, now).await?
    );
    let qr = poster::qr_svg(&url).map_err(|e| AppError::Internal(e.into()))?;
    let list = state.store.invitations(id).await?;
    let rules = state.store.mix_rules(id).await?;
    let people: Vec<domain::Attendee> = list.iter().map(store::Invitation::attendee).collect();
    Ok(DoorPanel {
        qr,
        url,
        present: list.iter().filter(|i| i.present_at.is_some()).count(),
        invited: list.iter().filter(|i| i.invited).count(),
        mix: mix_rows(&domain::mix(&rules, &people)),
    })
}

/// The door screen (convener): the code that changes every half minute
/// and who has signed in, refreshed without reloading.
pub async fn door_page(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<MeetingId>,
) -> AppResult<Html<String>> {
    let panel = door_panel(&state, &viewer, &headers, id).await?;
    let m = state.store.meeting(id).await?;
    Ok(Html(render(&DoorPage {
        nav: Nav::of(&viewer),
        id: id.0,
        title: m.title,
        panel: render(&panel),
    })))
}

/// The door screen's code and counts, for htmx to swap in every few seconds.
pub async fn door_panel_fragment(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(id): Path<MeetingId>,
) -> AppResult<Response> {
    let panel = door_panel(&state, &viewer, &headers, id).await?;
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Html(render(&panel)),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "checkin.html")]
struct CheckInPage {
    nav: Nav,
    id: i64,
    title: String,
    /// Signed in already, as this name.
    done: Option<String>,
    /// Scanned a fresh code in the last quarter hour.
    pass: bool,
    /// The invitee this phone or account is known as.
    known: Option<String>,
    categories: [ParticipantCategory; 7],
}

/// The phone's sign-in page after scanning the door code.
pub async fn checkin_page(
    State(state): State<AppState>,
    viewer: Viewer,
    jar: CookieJar,
    Path(id): Path<MeetingId>,
) -> AppResult<Html<String>> {
    let m = state.store.meeting(id).await?;
    let now = state.store.clock().now();
    let done = match door::attendee(&state, &jar, id).await {
        Some(i) => Some(state.store.invitation(i).await?.name),
        None => None,
    };
    let known = crate::stages::meeting_day::known_invitation(&state, &jar, &viewer, id)
        .await?
        .map(|(i, _)| i.name);
    Ok(Html(render(&CheckInPage {
        nav: Nav::of(&viewer),
        id: id.0,
        title: m.title,
        done,
        pass: door::has_pass(&state, &jar, id, now).await,
        known,
        categories: ParticipantCategory::ALL,
    })))
}
