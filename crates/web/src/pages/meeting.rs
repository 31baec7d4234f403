//! A meeting's page: when and where, its agenda, and the convener's controls.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use domain::{MeetingCtx, MeetingId};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppResult;
use crate::view::{Nav, TopicRow, fmt_time, render};

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    nav: Nav,
    id: i64,
    title: String,
    place: String,
    starts: String,
    state_label: String,
    room_code: String,
    room_name: String,
    agenda: Vec<TopicRow>,
    actions: Vec<&'static str>,
    /// The list, the mix and the door, for the room's convener.
    attendance: Option<super::meeting_day::Attendance>,
    /// The minutes so far, for the convener to write (once the meeting began).
    minutes: Option<super::minutes::MinutesRecord>,
    /// The minutes are public.
    minutes_published: bool,
    /// The meeting has closed (its minutes may be published).
    closed: bool,
    /// Starting now would be more than an hour before the time announced.
    early: bool,
    /// The campaign it counts in, and (for its convener) the room's others.
    campaign: Option<(i64, String)>,
    campaigns_to_join: Vec<(i64, String)>,
}

impl MeetingPage {
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

pub async fn meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<MeetingId>,
) -> AppResult<Response> {
    // What differs between viewers is what their roles let them do, so a
    // visitor without a sign-in is served the page kept for all of them.
    let key = format!("/m/{}", id.0);
    let page = render_meeting(&state, &viewer, id);
    state.pages.html(&state, &viewer, key, page).await
}

async fn render_meeting(state: &AppState, viewer: &Viewer, id: MeetingId) -> AppResult<String> {
    let m = state.store.meeting(id).await?;
    let room = state.store.room(m.room).await?;
    let agenda = state.store.agenda(id).await?;
    let ctx = MeetingCtx {
        state: m.state,
        room: m.room,
    };
    let actions = domain::allowed_meeting(&ctx, &viewer.actor)
        .iter()
        .map(|c| c.code())
        .collect();
    let attendance = super::meeting_day::attendance(state, viewer, &m).await?;
    let minutes = super::minutes::form_for(state, viewer, &m).await?;
    let campaign = state
        .store
        .campaign_of_meeting(id)
        .await?
        .map(|c| (c.id, c.name));
    let campaigns_to_join =
        super::campaign::campaigns_to_join(state, viewer, m.room, campaign.as_ref().map(|c| c.0))
            .await?;
    let minutes_published = state.store.minutes(id).await?.published_at.is_some();
    let rooms = vec![room.clone()];
    let page = MeetingPage {
        nav: Nav::of(viewer),
        id: m.id.0,
        title: m.title,
        place: m.place,
        starts: fmt_time(m.starts_at),
        state_label: m.state.label_zh().to_owned(),
        room_code: room.code.as_str().to_owned(),
        room_name: room.name,
        agenda: TopicRow::list(&agenda, &rooms),
        actions,
        attendance,
        minutes,
        minutes_published,
        closed: m.state == domain::MeetingState::Closed,
        early: state.store.clock().now() < m.starts_at - chrono::Duration::hours(1),
        campaign,
        campaigns_to_join,
    };
    Ok(render(&page))
}
