//! A meeting's page: when and where, its agenda, and the convener's controls.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;
use domain::{MeetingCommand, MeetingCtx, MeetingId, MeetingState, RoomId};

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
}

impl MeetingPage {
    fn can(&self, action: &str) -> bool {
        self.actions.contains(&action)
    }
}

pub async fn meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    let m = state.store.meeting(MeetingId(id)).await?;
    let room = state.store.room(RoomId(m.room_id)).await?;
    let agenda = state.store.agenda(MeetingId(id)).await?;
    let st = MeetingState::parse(&m.state);
    let actions = match st {
        Some(s) => {
            let ctx = MeetingCtx {
                state: s,
                room: RoomId(m.room_id),
            };
            [
                ("notify", MeetingCommand::Notify),
                ("start", MeetingCommand::Start),
                ("close", MeetingCommand::Close),
            ]
            .into_iter()
            .filter(|(_, c)| domain::decide_meeting(&ctx, &viewer.actor, c).is_ok())
            .map(|(n, _)| n)
            .collect()
        }
        None => Vec::new(),
    };
    let rooms = vec![room.clone()];
    let page = MeetingPage {
        nav: Nav::of(&viewer),
        id: m.id,
        title: m.title,
        place: m.place,
        starts: fmt_time(m.starts_at),
        state_label: st.map(|s| s.label_zh()).unwrap_or("").to_owned(),
        room_code: room.code,
        room_name: room.name,
        agenda: TopicRow::list(&agenda, &rooms),
        actions,
    };
    Ok(Html(render(&page)))
}
