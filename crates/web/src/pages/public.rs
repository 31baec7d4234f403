//! The public face: home, a room's page (the QR code's target), lookup by tracking number.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::TopicState;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::view::{Nav, TopicRow, fmt_time, render};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    nav: Nav,
    rooms: Vec<RoomCard>,
    recent: Vec<TopicRow>,
    resolved: Vec<TopicRow>,
    total: u64,
    completed: u64,
}

struct RoomCard {
    code: String,
    name: String,
    place: String,
}

pub async fn home(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let page = render_home(&state, &viewer);
    state.pages.html(&state, &viewer, "/".into(), page).await
}

async fn render_home(state: &AppState, viewer: &Viewer) -> AppResult<String> {
    let rooms = state.store.rooms().await?;
    let recent = state
        .store
        .topics(&store::TopicFilter {
            limit: 10,
            ..Default::default()
        })
        .await?;
    let done = store::TopicFilter {
        states: vec![TopicState::Completed, TopicState::Evaluated],
        limit: 10,
        ..Default::default()
    };
    let resolved = state.store.topics(&done).await?;
    let (total, completed) = home_counts(state, &done).await?;
    let page = Home {
        nav: Nav::of(viewer),
        recent: TopicRow::list(&recent, &rooms),
        resolved: TopicRow::list(&resolved, &rooms),
        total,
        completed,
        rooms: rooms
            .into_iter()
            .filter(|r| !r.retired)
            .map(|r| RoomCard {
                code: r.code.as_str().to_owned(),
                name: r.name,
                place: r.place,
            })
            .collect(),
    };
    Ok(render(&page))
}

/// How long the home page's totals may be old: counting every topic of a
/// city on each view costs more than the rest of the page.
const COUNTS_FOR: std::time::Duration = std::time::Duration::from_secs(10);

/// The platform's totals (all topics, resolved ones), counted at most every [`COUNTS_FOR`].
async fn home_counts(state: &AppState, done: &store::TopicFilter) -> AppResult<(u64, u64)> {
    if let Ok(c) = state.home_counts.lock()
        && let Some((at, total, completed)) = *c
        && at.elapsed() < COUNTS_FOR
    {
        return Ok((total, completed));
    }
    let total = state
        .store
        .count_topics(&store::TopicFilter::default())
        .await?;
    let completed = state.store.count_topics(done).await?;
    if let Ok(mut c) = state.home_counts.lock() {
        *c = Some((std::time::Instant::now(), total, completed));
    }
    Ok((total, completed))
}

#[derive(Template)]
#[template(path = "room.html")]
struct RoomPage {
    nav: Nav,
    code: String,
    name: String,
    region: String,
    place: String,
    description: String,
    allow_anonymous: bool,
    /// Retired by an administrator: the page stays, the form does not.
    retired: bool,
    signed_in: bool,
    is_convener: bool,
    categories: Vec<String>,
    topics: Vec<TopicRow>,
    meetings: Vec<MeetingRow>,
    /// Online deliberations a visitor can join now.
    deliberations: Vec<store::OpenDeliberation>,
    /// The list's channel filter ("" for all) and the count of each channel.
    channel: String,
    channels: Vec<(String, String, u64)>,
    total: u64,
    conveners: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct ChannelQuery {
    pub channel: Option<String>,
}

pub struct MeetingRow {
    pub id: i64,
    pub title: String,
    pub starts: String,
    pub state_label: String,
}

pub fn meeting_rows(ms: &[store::Meeting]) -> Vec<MeetingRow> {
    ms.iter()
        .map(|m| MeetingRow {
            id: m.id.0,
            title: m.title.clone(),
            starts: fmt_time(m.starts_at),
            state_label: m.state.label_zh().to_owned(),
        })
        .collect()
}

pub async fn room(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<ChannelQuery>,
) -> AppResult<Response> {
    let channel = q.channel.as_deref().and_then(domain::Channel::parse);
    let key = format!("/r/{code}?{}", channel.map_or("", |c| c.code()));
    let page = render_room(&state, &viewer, &code, channel);
    state.pages.html(&state, &viewer, key, page).await
}

async fn render_room(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    channel: Option<domain::Channel>,
) -> AppResult<String> {
    let room = state.store.room_by_code(code).await?;
    let chain = state.store.region_chain(room.region).await?;
    let f = store::TopicFilter {
        room: Some(room.id),
        channel,
        limit: 30,
        ..Default::default()
    };
    let topics = state.store.topics(&f).await?;
    let counts = state.store.count_by_channel(&f).await?;
    let conveners = state.store.conveners_of_room(room.id).await?;
    let meetings = state.store.meetings_of_room(room.id).await?;
    let deliberations = state.store.open_deliberations_of_room(room.id).await?;
    let categories = super::categories_of(state, [&room]).await?;
    let rooms = vec![room.clone()];
    let page = RoomPage {
        nav: Nav::of(viewer),
        is_convener: viewer.actor.is_convener_of(room.id),
        signed_in: viewer.user.is_some(),
        code: room.code.as_str().to_owned(),
        name: room.name,
        region: chain
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(" · "),
        place: room.place,
        description: room.description,
        allow_anonymous: room.allow_anonymous,
        retired: room.retired,
        categories,
        topics: TopicRow::list(&topics, &rooms),
        meetings: meeting_rows(&meetings),
        deliberations,
        channel: channel.map(|c| c.code().to_owned()).unwrap_or_default(),
        total: counts.iter().map(|(_, n)| n).sum(),
        channels: counts
            .into_iter()
            .map(|(c, n)| (c.code().to_owned(), c.label_zh().to_owned(), n))
            .collect(),
        conveners: conveners
            .iter()
            .map(|u| u.display_name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
    };
    Ok(render(&page))
}

#[derive(Debug, Deserialize)]
pub struct LookupQuery {
    pub no: Option<String>,
}

/// 查情: find a topic by the number given at submission, no login needed.
pub async fn lookup(
    State(state): State<AppState>,
    Query(q): Query<LookupQuery>,
) -> AppResult<Response> {
    let raw = q.no.unwrap_or_default();
    let no = domain::TrackingNo::parse(raw.trim())
        .map_err(|_| AppError::BadRequest("查询码是10位数字，请检查后再试".into()))?;
    // Read as its page reads it, and kept with it: the visitor goes there next.
    let read = super::topic_data::topic_data(&state, no.as_str());
    let topic = state
        .topics
        .get(&state, no.as_str().to_owned(), read)
        .await?;
    Ok(Redirect::to(&format!("/t/{}", topic.t.tracking_no)).into_response())
}
