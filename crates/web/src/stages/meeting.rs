//! 协商议事会: planning a meeting in a room and moving it (notify, start, close).
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDateTime, TimeZone};
use domain::MeetingCommand;
use domain::MeetingId;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::MeetingJson;
use crate::auth::{SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::forms::{self, ApiJson, ApiPath, PageForm};
use crate::forms::{invalid, required};

pub fn meeting_command(name: &str) -> AppResult<MeetingCommand> {
    Ok(match name {
        "notify" => MeetingCommand::Notify,
        "start" => MeetingCommand::Start,
        "close" => MeetingCommand::Close,
        _ => return Err(AppError::Store(store::StoreError::NotFound("操作"))),
    })
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct MeetingInput {
    pub title: Option<String>,
    pub place: Option<String>,
    /// Local (Beijing) time as a `datetime-local` field sends it: 2026-12-01T09:30.
    pub starts_at: Option<String>,
}

impl MeetingInput {
    pub fn starts_at(&self) -> AppResult<chrono::DateTime<chrono::Utc>> {
        let s = required(&self.starts_at, "starts_at", "会议时间")?;
        let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
            .map_err(|_| invalid("starts_at", "会议时间格式应为 2026-12-01T09:30"))?;
        crate::view::beijing()
            .from_local_datetime(&naive)
            .single()
            .map(|t| t.to_utc())
            .ok_or_else(|| invalid("starts_at", "会议时间无效"))
    }
}

async fn plan_meeting(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    input: &MeetingInput,
) -> AppResult<store::Meeting> {
    let room = state.store.room_by_code(code).await?;
    let title = forms::plain(input.title.as_deref(), "title", "会议名称", 60)?;
    let place = forms::plain(input.place.as_deref(), "place", "会议地点", 100)?;
    let place = if place.is_empty() {
        room.place.clone()
    } else {
        place
    };
    let new = store::NewMeeting {
        room: room.id,
        title: &title,
        place: &place,
        starts_at: input.starts_at()?,
    };
    Ok(state.store.plan_meeting(new, &viewer.who()).await?)
}

pub async fn plan_meeting_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(code): Path<String>,
    PageForm(input): PageForm<MeetingInput>,
) -> AppResult<Redirect> {
    let m = plan_meeting(&state, &viewer, &code, &input).await?;
    Ok(Redirect::to(&format!("/m/{}", m.id)))
}

/// Plans a deliberation meeting in a room (its convener only).
#[utoipa::path(post, path = "/api/rooms/{code}/meetings", tag = "meetings", security(("session" = [])), params(("code" = String, Path)),
    request_body = MeetingInput, responses((status = 201, body = MeetingJson)))]
pub async fn plan_meeting_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<MeetingInput>,
) -> AppResult<Response> {
    let m = plan_meeting(&state, &viewer, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(MeetingJson::new(&m, Vec::new()))).into_response())
}

pub async fn meeting_action_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path((id, action)): Path<(MeetingId, String)>,
) -> AppResult<Redirect> {
    let m = state
        .store
        .apply_meeting(id, &viewer.who(), meeting_command(&action)?)
        .await?;
    Ok(Redirect::to(&format!("/m/{}", m.id)))
}

/// Notifies, starts or closes a meeting.
#[utoipa::path(post, path = "/api/meetings/{id}/actions/{action}", tag = "meetings", security(("session" = [])),
    params(("id" = i64, Path), ("action" = String, Path)), responses((status = 200, body = MeetingJson)))]
pub async fn meeting_action_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath((id, action)): ApiPath<(MeetingId, String)>,
) -> AppResult<Json<MeetingJson>> {
    let m = state
        .store
        .apply_meeting(id, &viewer.who(), meeting_command(&action)?)
        .await?;
    let agenda = state.store.agenda(m.id).await?;
    Ok(Json(MeetingJson::new(&m, agenda)))
}
