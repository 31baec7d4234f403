//! 专题活动: the campaigns, a leader's form to run one over rooms of their
//! region, each campaign's page with every room's progress, and the
//! conveners' forms that count a topic or a meeting in.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect, Response};
use domain::{CampaignPlan, MeetingId, RegionId, RoomId};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::error::AppResult;
use crate::forms::{ActionInput, PageForm, date, id, required};
use crate::view::{Nav, render};

#[derive(Template)]
#[template(path = "campaigns.html")]
struct CampaignsPage {
    nav: Nav,
    /// id, name, window, rooms taking part.
    campaigns: Vec<(i64, String, String, usize)>,
    /// For a leader: the regions they lead (id, name) and their rooms (id, name).
    regions: Vec<(i64, String)>,
    rooms: Vec<(i64, String)>,
}

/// `GET /campaigns`.
pub async fn campaigns(State(state): State<AppState>, viewer: Viewer) -> AppResult<Html<String>> {
    let list = state
        .store
        .campaigns()
        .await?
        .into_iter()
        .map(|c| {
            let window = format!("{} 至 {}", c.starts_on, c.ends_on);
            (c.id, c.name, window, c.rooms.len())
        })
        .collect();
    let led: Vec<&domain::RegionPath> = viewer.actor.led_regions().collect();
    let mut regions = Vec::new();
    let mut rooms = Vec::new();
    if !led.is_empty() {
        for r in state.store.regions().await? {
            use domain::RegionLevel::*;
            if led.iter().any(|l| l.covers(&r.path)) && !matches!(r.level, Village) {
                regions.push((r.id.0, r.name.clone()));
            }
        }
        for room in state.store.rooms().await? {
            let place = state.store.region_path(room.region).await?;
            if led.iter().any(|l| l.covers(&place)) {
                rooms.push((room.id.0, room.name));
            }
        }
    }
    Ok(Html(render(&CampaignsPage {
        nav: Nav::of(&viewer),
        campaigns: list,
        regions,
        rooms,
    })))
}

#[derive(Debug, Default, Deserialize)]
pub struct CampaignInput {
    pub region: Option<String>,
    pub name: Option<String>,
    pub theme: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    /// Room ids, separated by commas (ticked boxes).
    pub rooms: Option<String>,
}

/// `POST /campaigns`: a leader runs a campaign.
pub async fn create_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    crate::photos::PhotoForm { input, .. }: crate::photos::PhotoForm<CampaignInput>,
) -> AppResult<Redirect> {
    let region = RegionId(id(&input.region, "region", "组织单位")?);
    let plan = CampaignPlan::parse(
        required(&input.name, "name", "活动名称")?,
        input.theme.as_deref().unwrap_or(""),
        date(&input.starts_on, "starts_on", "开始日期")?,
        date(&input.ends_on, "ends_on", "结束日期")?,
    )?;
    let rooms: Vec<RoomId> = ActionInput::ids(&input.rooms, "rooms", "议事室")?
        .into_iter()
        .map(RoomId)
        .collect();
    let c = state
        .store
        .create_campaign(&viewer.who(), region, &plan, &rooms)
        .await?;
    Ok(Redirect::to(&format!("/campaigns/{c}")))
}

#[derive(Template)]
#[template(path = "campaign.html")]
struct CampaignPage {
    nav: Nav,
    c: store::Campaign,
    progress: Vec<store::RoomProgress>,
    totals: [u32; 4],
}

/// `GET /campaigns/{id}`: the campaign and each room's progress.
pub async fn campaign(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    // The same for every visitor without a sign-in: kept for all of them.
    let page = render_campaign(&state, &viewer, id);
    state
        .pages
        .html(&state, &viewer, format!("/campaigns/{id}"), page)
        .await
}

async fn render_campaign(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<String> {
    let c = state.store.campaign(id).await?;
    let progress = state.store.campaign_progress(id).await?;
    let mut totals = [0; 4];
    for p in &progress {
        for (t, n) in totals.iter_mut().zip(p.counts) {
            *t += n;
        }
    }
    Ok(render(&CampaignPage {
        nav: Nav::of(viewer),
        c,
        progress,
        totals,
    }))
}

#[derive(Debug, Default, Deserialize)]
pub struct JoinInput {
    pub campaign: Option<String>,
}

/// `POST /t/{no}/campaign`: the convener counts a topic in a campaign.
pub async fn join_topic_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(no): Path<String>,
    PageForm(input): PageForm<JoinInput>,
) -> AppResult<Redirect> {
    let t = state.store.topic_by_tracking(&no).await?;
    // Whose topic it is is asked before the form is read.
    if !viewer.actor.is_convener_of(t.room) {
        return Err(domain::DomainError::Forbidden.into());
    }
    let c = id(&input.campaign, "campaign", "专题活动")?;
    state.store.join_topic(&viewer.who(), t.id, c).await?;
    Ok(Redirect::to(&format!("/t/{no}")))
}

/// `POST /m/{id}/campaign`: the convener counts a meeting in a campaign.
pub async fn join_meeting_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(mid): Path<MeetingId>,
    PageForm(input): PageForm<JoinInput>,
) -> AppResult<Redirect> {
    if !viewer
        .actor
        .is_convener_of(state.store.meeting(mid).await?.room)
    {
        return Err(domain::DomainError::Forbidden.into());
    }
    let c = id(&input.campaign, "campaign", "专题活动")?;
    state.store.join_meeting(&viewer.who(), mid, c).await?;
    Ok(Redirect::to(&format!("/m/{}", mid.0)))
}

/// For the room's convener, the campaigns the room takes part in that a
/// topic or meeting (counted in `current`, if any) could be counted in;
/// nothing is read for anyone else.
pub async fn campaigns_to_join(
    state: &AppState,
    viewer: &Viewer,
    room: RoomId,
    current: Option<i64>,
) -> AppResult<Vec<(i64, String)>> {
    if !viewer.actor.is_convener_of(room) {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .campaigns_of_room(room)
        .await?
        .into_iter()
        .filter(|c| Some(c.id) != current)
        .map(|c| (c.id, c.name))
        .collect())
}
