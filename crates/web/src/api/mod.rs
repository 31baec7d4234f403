//! The JSON API's read side, its sign-in endpoints, and the JSON shapes.
mod json;
mod session;

pub use json::{EventJson, MeetingJson, TaskJson, TopicJson};
pub use session::{login, logout, me, request_code, verify_code};

use axum::Json;
use axum::extract::{Path, Query, State};
use domain::{Channel, MeetingId, RegionId, RoomId, TaskId, TopicId, TopicState};
use serde::Deserialize;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};

pub async fn rooms(State(state): State<AppState>) -> AppResult<Json<Vec<serde_json::Value>>> {
    let rooms = state.store.rooms().await?;
    Ok(Json(rooms.iter().map(json::room).collect()))
}

pub async fn room(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let room = state.store.room_by_code(&code).await?;
    let chain = state.store.region_chain(RegionId(room.region_id)).await?;
    let mut v = json::room(&room);
    v["region"] = chain
        .iter()
        .map(|r| r.name.as_str())
        .collect::<Vec<_>>()
        .join(" / ")
        .into();
    Ok(Json(v))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub room: Option<String>,
    pub state: Option<String>,
    pub channel: Option<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

pub async fn topics(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<serde_json::Value>> {
    let mut f = store::TopicFilter {
        limit: q.limit.unwrap_or(50).min(200),
        offset: q.offset.unwrap_or(0),
        ..Default::default()
    };
    if let Some(code) = q.room.as_deref().filter(|s| !s.is_empty()) {
        f.room = Some(RoomId(state.store.room_by_code(code).await?.id));
    }
    if let Some(s) = q.state.as_deref().filter(|s| !s.is_empty()) {
        f.states =
            vec![TopicState::parse(s).ok_or_else(|| AppError::BadRequest("状态不正确".into()))?];
    }
    if let Some(c) = q.channel.as_deref().filter(|s| !s.is_empty()) {
        f.channel =
            Some(Channel::parse(c).ok_or_else(|| AppError::BadRequest("来源不正确".into()))?);
    }
    let total = state.store.count_topics(&f).await?;
    let rows = state.store.topics(&f).await?;
    let rooms = state.store.rooms().await?;
    let items: Vec<TopicJson> = rows
        .iter()
        .filter_map(|t| {
            rooms
                .iter()
                .find(|r| r.id == t.room_id)
                .map(|r| TopicJson::new(t, r))
        })
        .collect();
    Ok(Json(serde_json::json!({ "total": total, "items": items })))
}

pub async fn topic(
    State(state): State<AppState>,
    Path(no): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    let t = state.store.topic_by_tracking(&no).await?;
    let room = state.store.room(RoomId(t.room_id)).await?;
    let id = TopicId(t.id);
    let timeline: Vec<EventJson> = state
        .store
        .timeline(id)
        .await?
        .iter()
        .map(EventJson::new)
        .collect();
    let depts = state.store.departments().await?;
    let tasks: Vec<TaskJson> = state
        .store
        .tasks_of_topic(id)
        .await?
        .iter()
        .filter_map(|k| {
            depts
                .iter()
                .find(|d| d.id == k.department_id)
                .map(|d| TaskJson::new(k, d))
        })
        .collect();
    let opinions: Vec<serde_json::Value> = state
        .store
        .opinions(id)
        .await?
        .iter()
        .map(|o| serde_json::json!({ "text": o.text, "decision": o.decision, "instructions": o.instructions }))
        .collect();
    let research: Vec<serde_json::Value> = state
        .store
        .research_records(id)
        .await?
        .iter()
        .map(|r| serde_json::json!({ "note": r.note, "participants": r.participants, "at": r.created_at }))
        .collect();
    let mut v = serde_json::to_value(TopicJson::new(&t, &room)).map_err(anyhow::Error::from)?;
    v["body"] = t.body.clone().into();
    v["timeline"] = serde_json::to_value(timeline).map_err(anyhow::Error::from)?;
    v["tasks"] = serde_json::to_value(tasks).map_err(anyhow::Error::from)?;
    v["opinions"] = opinions.into();
    v["research"] = research.into();
    if let Some(into) = t.merged_into {
        v["merged_into"] = state.store.topic(TopicId(into)).await?.tracking_no.into();
    }
    Ok(Json(v))
}

pub async fn task(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Json<TaskJson>> {
    let t = state.store.task(TaskId(id)).await?;
    let d = state
        .store
        .department(domain::DepartmentId(t.department_id))
        .await?;
    Ok(Json(TaskJson::new(&t, &d)))
}

pub async fn meeting(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<MeetingJson>> {
    let m = state.store.meeting(MeetingId(id)).await?;
    let agenda = state.store.agenda(MeetingId(id)).await?;
    Ok(Json(MeetingJson::new(&m, agenda)))
}

/// What needs this person's action, by role.
pub async fn desk(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Json<serde_json::Value>> {
    let d = crate::pages::desk::gather(&state, &viewer).await?;
    let depts = state.store.departments().await?;
    let rooms = state.store.rooms().await?;
    let topics = |ts: &[store::Topic]| -> Vec<TopicJson> {
        ts.iter()
            .filter_map(|t| {
                rooms
                    .iter()
                    .find(|r| r.id == t.room_id)
                    .map(|r| TopicJson::new(t, r))
            })
            .collect()
    };
    let tasks = |ks: &[store::Task]| -> Vec<TaskJson> {
        ks.iter()
            .filter_map(|k| {
                depts
                    .iter()
                    .find(|x| x.id == k.department_id)
                    .map(|x| TaskJson::new(k, x))
            })
            .collect()
    };
    Ok(Json(serde_json::json!({
        "to_triage": topics(&d.to_triage),
        "in_progress": topics(&d.in_progress),
        "to_review": topics(&d.to_review),
        "tasks": tasks(&d.tasks),
        "leader_tasks": tasks(&d.leader_tasks),
        "to_verify": tasks(&d.to_verify),
    })))
}
