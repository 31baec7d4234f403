//! The JSON API's read side, its sign-in endpoints, the JSON shapes and the
//! OpenAPI document generated from them.
pub(crate) mod bodies;
pub mod figures;
mod json;
pub mod open_data;
pub mod openapi;
mod refine;
mod session;

pub use json::*;
pub use session::{login, logout, me, request_code, verify_code};

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use domain::{Channel, MeetingId, TaskId, TopicState};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};
use crate::forms::{ApiPath, ApiQuery};

#[utoipa::path(get, path = "/api/rooms", tag = "rooms", responses((status = 200, body = Vec<RoomJson>)))]
pub async fn rooms(State(state): State<AppState>) -> AppResult<Json<Vec<RoomJson>>> {
    let rooms = state.store.rooms().await?;
    Ok(Json(rooms.iter().map(|r| RoomJson::new(r, None)).collect()))
}

#[utoipa::path(get, path = "/api/rooms/{code}", tag = "rooms", params(("code" = String, Path, description = "room code")),
    responses((status = 200, body = RoomJson)))]
pub async fn room(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
) -> AppResult<Json<RoomJson>> {
    let room = state.store.room_by_code(&code).await?;
    let chain = state.store.region_chain(room.region).await?;
    let region = chain
        .iter()
        .map(|r| r.name.as_str())
        .collect::<Vec<_>>()
        .join(" / ");
    let categories = state.store.region_categories(room.region).await?;
    Ok(Json(RoomJson {
        categories: Some(categories),
        ..RoomJson::new(&room, Some(region))
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only this room's topics (room code).
    pub room: Option<String>,
    /// Only topics in this state.
    pub state: Option<String>,
    /// Only topics from this channel: leadership, resident, committee.
    pub channel: Option<String>,
    /// Only topics filed under this category (as `/api/rooms/{code}` lists them).
    #[param(max_length = 20)]
    pub category: Option<String>,
    /// Only topics submitted on or after this day (Beijing), e.g. 2026-11-01.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Only topics submitted on or before this day (Beijing).
    #[param(format = Date)]
    pub to: Option<String>,
    /// At most this many (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i32>,
    #[param(minimum = 0)]
    pub offset: Option<i32>,
}

#[utoipa::path(get, path = "/api/topics", tag = "topics", params(ListQuery), responses((status = 200, body = TopicListJson)))]
pub async fn topics(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> AppResult<Response> {
    let limit = q.limit.unwrap_or(50);
    let offset = q.offset.unwrap_or(0);
    if !(1..=200).contains(&limit) || offset < 0 {
        return Err(AppError::BadRequest(
            "limit 应在1到200之间，offset 不能为负数".into(),
        ));
    }
    let mut f = store::TopicFilter {
        limit: limit as u64,
        offset: offset as u64,
        ..Default::default()
    };
    if let Some(s) = q.state.as_deref().filter(|s| !s.is_empty()) {
        f.states =
            vec![TopicState::parse(s).ok_or_else(|| AppError::BadRequest("状态不正确".into()))?];
    }
    if let Some(c) = q.channel.as_deref().filter(|s| !s.is_empty()) {
        f.channel =
            Some(Channel::parse(c).ok_or_else(|| AppError::BadRequest("来源不正确".into()))?);
    }
    let category = crate::forms::plain(q.category.as_deref(), "category", "类别", 20)?;
    f.category = Some(category).filter(|c| !c.is_empty());
    // As the document says: a date when given (an empty one is not a date).
    let day = |v: &Option<String>, field, label| match v {
        Some(_) => crate::forms::date(v, field, label).map(Some),
        None => Ok(None),
    };
    let from = day(&q.from, "from", "起始日期")?;
    let to = day(&q.to, "to", "截止日期")?;
    f.since = from.map(crate::forms::beijing_start);
    f.until = to.map(|d| crate::forms::beijing_start(d + chrono::Days::new(1)));
    let room = q.room.filter(|s| !s.is_empty());
    let key = format!(
        "/api/topics?room={}&state={}&channel={}&category={}&from={}&to={}&limit={limit}&offset={offset}",
        room.as_deref().unwrap_or(""),
        f.states.first().map_or("", |s| s.code()),
        f.channel.map_or("", |c| c.code()),
        crate::view::urlencode(f.category.as_deref().unwrap_or("")),
        from.map(|d| d.to_string()).unwrap_or_default(),
        to.map(|d| d.to_string()).unwrap_or_default(),
    );
    let list = async {
        if let Some(code) = room.as_deref() {
            f.room = Some(state.store.room_by_code(code).await?.id);
        }
        let total = state.store.count_topics(&f).await?;
        let rows = state.store.topics(&f).await?;
        let rooms = state.store.rooms().await?;
        Ok(TopicListJson {
            total,
            items: TopicJson::list(&rows, &rooms),
        })
    };
    state.pages.json(&state, key, list).await
}

#[utoipa::path(get, path = "/api/topics/{no}", tag = "topics", params(("no" = String, Path, description = "tracking number (查询码)")),
    responses((status = 200, body = TopicDetailJson)))]
pub async fn topic(
    State(state): State<AppState>,
    viewer: crate::auth::Viewer,
    ApiPath(no): ApiPath<String>,
) -> AppResult<Json<TopicDetailJson>> {
    let t = state.store.topic_by_tracking(&no).await?;
    let room = state.store.room(t.room).await?;
    let id = t.id;
    let depts = state.store.departments_serving(&t.region).await?;
    let result = t.state.is_public_result();
    let like_token = match result {
        true => crate::auth::like_token(&state, &viewer, &t.tracking_no).await,
        false => None,
    };
    let verified_likes = match result {
        true => state.store.count_verified_likes(id).await?,
        false => 0,
    };
    let merged_into = match t.merged_into {
        Some(into) => Some(state.store.topic(into).await?.tracking_no),
        None => None,
    };
    Ok(Json(TopicDetailJson {
        topic: TopicJson::new(&t, &room),
        body: t.body.clone(),
        merged_into,
        timeline: state
            .store
            .timeline(id)
            .await?
            .iter()
            .map(EventJson::new)
            .collect(),
        tasks: TaskJson::list(
            &state.store.tasks_of_topic(id).await?,
            &depts,
            &crate::calendar::Deadlines::now(&state).await?,
        ),
        research: ResearchJson::new(&state.store.research(id).await?, &t.tracking_no),
        opinions: state
            .store
            .opinions(id)
            .await?
            .into_iter()
            .map(OpinionJson::new)
            .collect(),
        shares: state
            .store
            .shares_of_topic(id)
            .await?
            .into_iter()
            .map(|s| ShareJson {
                task: s.task.0,
                department: depts
                    .iter()
                    .find(|d| d.id == s.department)
                    .map(|d| d.name.clone())
                    .unwrap_or_default(),
                state: s.state.code().to_owned(),
                state_label: s.state.label_zh().to_owned(),
                note: s.note,
            })
            .collect(),
        orders: state
            .store
            .orders_of_topic(id)
            .await?
            .iter()
            .map(crate::stages::order::OrderJson::new)
            .collect(),
        like_token,
        verified_likes,
    }))
}

#[utoipa::path(get, path = "/api/tasks/{id}", tag = "tasks", params(("id" = i64, Path)), security(("session" = [])),
    responses((status = 200, body = TaskJson)))]
pub async fn task(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<TaskId>,
) -> AppResult<Json<TaskJson>> {
    let t = state.store.task(id).await?;
    let d = state.store.department(t.department).await?;
    let when = crate::calendar::Deadlines::now(&state).await?;
    Ok(Json(TaskJson::new(&t, &d, &when)))
}

#[utoipa::path(get, path = "/api/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), responses((status = 200, body = MeetingJson)))]
pub async fn meeting(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<MeetingId>,
) -> AppResult<Json<MeetingJson>> {
    let m = state.store.meeting(id).await?;
    let agenda = state.store.agenda(id).await?;
    Ok(Json(MeetingJson::new(&m, agenda)))
}

/// What needs this person's action, by role.
#[utoipa::path(get, path = "/api/desk", tag = "session", security(("session" = [])), responses((status = 200, body = DeskJson)))]
pub async fn desk(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Json<DeskJson>> {
    let d = crate::pages::desk::gather(&state, &viewer).await?;
    let depts = state.store.departments().await?;
    let rooms = state.store.rooms().await?;
    let when = crate::calendar::Deadlines::now(&state).await?;
    Ok(Json(DeskJson {
        to_triage: TopicJson::list(&d.to_triage, &rooms),
        in_progress: TopicJson::list(&d.in_progress, &rooms),
        to_review: TopicJson::list(&d.to_review, &rooms),
        tasks: TaskJson::list(&d.tasks, &depts, &when),
        leader_tasks: TaskJson::list(&d.leader_tasks, &depts, &when),
        to_verify: TaskJson::list(&d.to_verify, &depts, &when),
    }))
}
