//! Every write: one core function per move, and thin page (form → redirect)
//! and API (JSON → JSON) wrappers around it.
use axum::Json;
use axum::extract::{Path, State};

use crate::api::LikeJson;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Channel, DeliberationId, MeetingId, PhoneNumber, TaskId, TopicBody, TopicTitle};

use crate::AppState;
use crate::api::{MeetingJson, TaskJson, TopicJson};
use crate::auth::{SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::forms::{
    self, ActionInput, ApiJson, ApiPath, DeliberationInput, MeetingInput, PageForm, SubmitForm,
    SubmitInput,
};
use crate::limits::{Act, ClientIp};
use crate::photos;

/// Raises a topic: fields checked first, then the limits, then photos made
/// safe and stored, then the topic and its first event in one transaction.
/// A draft sent again with the same key finds the topic it already made.
async fn submit(
    state: &AppState,
    viewer: &Viewer,
    ip: ClientIp,
    code: &str,
    form: SubmitForm,
    channel: Channel,
) -> AppResult<store::Topic> {
    let input = &form.input;
    let client_key = input.client_key()?;
    if let Some(key) = client_key
        && let Some(done) = state.store.topic_by_client_key(key).await?
    {
        return Ok(done);
    }
    let room = state.store.room_by_code(code).await?;
    let title = TopicTitle::parse(input.title.as_deref().unwrap_or(""))?;
    let body = TopicBody::parse(input.body.as_deref().unwrap_or(""))?;
    let category = domain::category(input.category.as_deref().unwrap_or(""))?;
    let place = forms::plain(input.place.as_deref(), "place", "地点", 100)?;
    let point = input.point()?;
    let phone = match input
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(p) => Some(PhoneNumber::parse(p)?),
        None => None,
    };
    if input.anonymous && channel != Channel::Resident {
        return Err(AppError::BadRequest("只有群众出题可以匿名".into()));
    }
    let reason = match channel {
        Channel::Committee => Some(domain::Reason::parse(
            input.reason.as_deref().unwrap_or(""),
        )?),
        _ => None,
    };
    if channel == Channel::Resident {
        state.limits.check(
            Act::Submit,
            &viewer.device,
            phone.as_ref().map(PhoneNumber::as_str),
            ip.0,
        )?;
    }
    let mut who = viewer.who();
    if viewer.user.is_none()
        && let Some(p) = &phone
    {
        who.name = format!("群众（手机{}）", p.masked());
    }
    let photos = photos::save(state, form.photos).await?;
    let new = store::NewTopic {
        room: domain::RoomId(room.id),
        channel,
        title: &title,
        body: &body,
        category,
        place: &place,
        phone: phone.as_ref(),
        anonymous: input.anonymous,
        point,
        client_key,
        photos: &photos,
        reason: reason.as_ref(),
    };
    Ok(state.store.submit_topic(new, &who).await?)
}

fn channel_of(input: &SubmitInput) -> AppResult<Channel> {
    match input
        .channel
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => Ok(Channel::Resident),
        Some(c) => Channel::parse(c).ok_or_else(|| AppError::BadRequest("议题来源不正确".into())),
    }
}

pub async fn submit_page(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    Path(code): Path<String>,
    form: SubmitForm,
) -> AppResult<Redirect> {
    let topic = submit(&state, &viewer, ip, &code, form, Channel::Resident).await?;
    Ok(Redirect::to(&format!(
        "/t/{}?submitted=1",
        topic.tracking_no
    )))
}

/// Raises a topic in a room (群众出题 by default; committee and leadership channels need those roles).
#[utoipa::path(post, path = "/api/rooms/{code}/topics", tag = "topics", params(("code" = String, Path)), request_body = SubmitInput,
    responses((status = 201, body = TopicJson)))]
pub async fn submit_api(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    ApiPath(code): ApiPath<String>,
    ApiJson(input): ApiJson<SubmitInput>,
) -> AppResult<Response> {
    let channel = channel_of(&input)?;
    let form = SubmitForm {
        input,
        photos: Vec::new(),
    };
    let topic = submit(&state, &viewer, ip, &code, form, channel).await?;
    let room = state.store.room(topic.room).await?;
    Ok((StatusCode::CREATED, Json(TopicJson::new(&topic, &room))).into_response())
}

/// 委员荐题 and 党政点题 from a member's or leader's desk.
pub async fn propose_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ip: ClientIp,
    form: SubmitForm,
) -> AppResult<Redirect> {
    let code = form.input.room.clone().unwrap_or_default();
    let channel = channel_of(&form.input)?;
    let topic = submit(&state, &viewer, ip, &code, form, channel).await?;
    Ok(Redirect::to(&format!("/t/{}", topic.tracking_no)))
}

async fn topic_action(
    state: &AppState,
    viewer: &Viewer,
    no: &str,
    action: store::TopicAction,
) -> AppResult<store::Topic> {
    let topic = state.store.topic_by_tracking(no).await?;
    Ok(state
        .store
        .apply_topic(topic.id, &viewer.who(), action)
        .await?)
}

pub async fn topic_action_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path((no, action)): Path<(String, String)>,
    PageForm(input): PageForm<ActionInput>,
) -> AppResult<Redirect> {
    let action = forms::topic_action(&action, &input)?;
    let topic = topic_action(&state, &viewer, &no, action).await?;
    Ok(Redirect::to(&format!("/t/{}", topic.tracking_no)))
}

/// Moves a topic along the chain: accept, reject, merge, refer, research, schedule, opinion,
/// review, dispatch, complete, resume. The fields each action reads are in `ActionInput`.
#[utoipa::path(post, path = "/api/topics/{no}/actions/{action}", tag = "topics", security(("session" = [])),
    params(("no" = String, Path), ("action" = String, Path)), request_body = ActionInput, responses((status = 200, body = TopicJson)))]
pub async fn topic_action_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath((no, action)): ApiPath<(String, String)>,
    ApiJson(input): ApiJson<ActionInput>,
) -> AppResult<Json<TopicJson>> {
    let action = forms::topic_action(&action, &input)?;
    let topic = topic_action(&state, &viewer, &no, action).await?;
    let room = state.store.room(topic.room).await?;
    Ok(Json(TopicJson::new(&topic, &room)))
}

pub async fn rate_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(no): Path<String>,
    PageForm(input): PageForm<ActionInput>,
) -> AppResult<Redirect> {
    let topic = topic_action(&state, &viewer, &no, forms::rate(&input)?).await?;
    Ok(Redirect::to(&format!("/t/{}", topic.tracking_no)))
}

/// The submitter rates the result: satisfied or basic closes it, unsatisfied reopens it.
#[utoipa::path(post, path = "/api/topics/{no}/rating", tag = "topics", params(("no" = String, Path)), request_body = ActionInput,
    responses((status = 200, body = TopicJson)))]
pub async fn rate_api(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(no): ApiPath<String>,
    ApiJson(input): ApiJson<ActionInput>,
) -> AppResult<Json<TopicJson>> {
    let topic = topic_action(&state, &viewer, &no, forms::rate(&input)?).await?;
    let room = state.store.room(topic.room).await?;
    Ok(Json(TopicJson::new(&topic, &room)))
}

async fn like(state: &AppState, viewer: &Viewer, no: &str) -> AppResult<store::LikeOutcome> {
    Ok(state.likes.like(no.to_owned(), viewer.liker_key()).await?)
}

pub async fn like_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(no): Path<String>,
) -> AppResult<Redirect> {
    like(&state, &viewer, &no).await?;
    Ok(Redirect::to(&format!("/t/{no}")))
}

/// Likes a resolved topic, at most once per person or device.
#[utoipa::path(post, path = "/api/topics/{no}/likes", tag = "topics", params(("no" = String, Path)), responses((status = 200, body = LikeJson)))]
pub async fn like_api(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiPath(no): ApiPath<String>,
) -> AppResult<Json<LikeJson>> {
    let o = like(&state, &viewer, &no).await?;
    Ok(Json(LikeJson {
        new: o.new,
        count: o.count,
    }))
}

async fn support(
    state: &AppState,
    viewer: &Viewer,
    ip: ClientIp,
    no: &str,
) -> AppResult<store::SupportOutcome> {
    let topic = state.store.topic_by_tracking(no).await?;
    state
        .limits
        .check(Act::Support, &viewer.device, None, ip.0)?;
    let phone = viewer.user.as_ref().and_then(|u| u.phone.clone());
    Ok(state
        .store
        .support(topic.id, &viewer.liker_key(), phone.as_deref())
        .await?)
}

/// 附议 from a topic page; with htmx only the button is swapped.
pub async fn support_page(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    headers: axum::http::HeaderMap,
    Path(no): Path<String>,
) -> AppResult<Response> {
    let o = support(&state, &viewer, ip, &no).await?;
    if headers.contains_key("hx-request") {
        return Ok(axum::response::Html(crate::view::render(
            &crate::pages::topic::SupportButton {
                no,
                supported: true,
                count: o.count,
            },
        ))
        .into_response());
    }
    Ok(Redirect::to(&format!("/t/{no}#support")).into_response())
}

/// Supports (附议) a topic, at most once per person or device; the supporter then follows it.
#[utoipa::path(post, path = "/api/topics/{no}/supports", tag = "topics", params(("no" = String, Path)), responses((status = 200, body = LikeJson)))]
pub async fn support_api(
    State(state): State<AppState>,
    viewer: Viewer,
    ip: ClientIp,
    ApiPath(no): ApiPath<String>,
) -> AppResult<Json<LikeJson>> {
    let o = support(&state, &viewer, ip, &no).await?;
    Ok(Json(LikeJson {
        new: o.new,
        count: o.count,
    }))
}

/// 关注: a resident signed in by phone follows a topic and is texted about its moves.
pub async fn follow_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(no): Path<String>,
) -> AppResult<Redirect> {
    let topic = state.store.topic_by_tracking(&no).await?;
    let phone = viewer.user.as_ref().and_then(|u| u.phone.clone());
    state
        .store
        .follow(topic.id, &viewer.liker_key(), phone.as_deref())
        .await?;
    Ok(Redirect::to(&format!("/t/{no}#follow")))
}

async fn task_action(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    name: &str,
    input: &ActionInput,
) -> AppResult<store::Task> {
    let action = forms::task_action(name, input)?;
    Ok(state
        .store
        .apply_task(TaskId(id), &viewer.who(), action)
        .await?)
}

pub async fn task_action_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path((id, action)): Path<(i64, String)>,
    PageForm(input): PageForm<ActionInput>,
) -> AppResult<Redirect> {
    let task = task_action(&state, &viewer, id, &action, &input).await?;
    let topic = state.store.topic(task.topic).await?;
    Ok(Redirect::to(&format!(
        "/t/{}#task-{}",
        topic.tracking_no, task.id
    )))
}

/// Moves a task: sign, return, reassign, progress, extend, grant-extension, deny-extension, complete, verify, send-back.
#[utoipa::path(post, path = "/api/tasks/{id}/actions/{action}", tag = "tasks", security(("session" = [])),
    params(("id" = i64, Path), ("action" = String, Path)), request_body = ActionInput, responses((status = 200, body = TaskJson)))]
pub async fn task_action_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    ApiJson(input): ApiJson<ActionInput>,
) -> AppResult<Json<TaskJson>> {
    let task = task_action(&state, &viewer, id, &action, &input).await?;
    let dept = state.store.department(task.department).await?;
    Ok(Json(TaskJson::new(
        &task,
        &dept,
        state.store.clock().today(),
    )))
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
        room: domain::RoomId(room.id),
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
    Path((id, action)): Path<(i64, String)>,
) -> AppResult<Redirect> {
    let m = state
        .store
        .apply_meeting(
            MeetingId(id),
            &viewer.who(),
            forms::meeting_command(&action)?,
        )
        .await?;
    Ok(Redirect::to(&format!("/m/{}", m.id)))
}

/// Notifies, starts or closes a meeting.
#[utoipa::path(post, path = "/api/meetings/{id}/actions/{action}", tag = "meetings", security(("session" = [])),
    params(("id" = i64, Path), ("action" = String, Path)), responses((status = 200, body = MeetingJson)))]
pub async fn meeting_action_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath((id, action)): ApiPath<(i64, String)>,
) -> AppResult<Json<MeetingJson>> {
    let m = state
        .store
        .apply_meeting(
            MeetingId(id),
            &viewer.who(),
            forms::meeting_command(&action)?,
        )
        .await?;
    let agenda = state.store.agenda(m.id).await?;
    Ok(Json(MeetingJson::new(&m, agenda)))
}

/// The convener of the topic's room opens an online deliberation with seed statements.
pub async fn open_deliberation_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(no): Path<String>,
    PageForm(input): PageForm<DeliberationInput>,
) -> AppResult<Redirect> {
    let topic = state.store.topic_by_tracking(&no).await?;
    let d = state
        .store
        .open_deliberation(topic.id, &viewer.who(), &input.seeds()?)
        .await?;
    Ok(Redirect::to(&format!("/d/{}", d.id)))
}

/// A vote is stored and answered at once; the map is recomputed in the background.
pub async fn vote_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<DeliberationId>,
    PageForm(input): PageForm<DeliberationInput>,
) -> AppResult<Redirect> {
    let statement = input.statement_id()?;
    let vote = input.vote()?;
    state
        .store
        .vote_statement(id, statement, &viewer.liker_key(), vote)
        .await?;
    state.recompute.mark(id);
    Ok(Redirect::to(&format!("/d/{id}")))
}

/// Anyone adds a statement; it waits for the convener's approval.
pub async fn add_statement_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<DeliberationId>,
    PageForm(input): PageForm<DeliberationInput>,
) -> AppResult<Redirect> {
    let s = state
        .store
        .add_statement(id, &viewer.who(), input.text.as_deref().unwrap_or(""))
        .await?;
    let flag = if s.state == domain::StatementState::Approved {
        "added=approved"
    } else {
        "added=pending"
    };
    Ok(Redirect::to(&format!("/d/{id}?{flag}")))
}

/// The convener approves, rejects or marks a statement as meta.
pub async fn moderate_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<DeliberationId>,
    PageForm(input): PageForm<DeliberationInput>,
) -> AppResult<Redirect> {
    let action = input
        .action
        .as_deref()
        .and_then(domain::Moderation::parse)
        .ok_or_else(|| AppError::BadRequest("请选择审核操作".into()))?;
    state
        .store
        .moderate_statement(id, input.statement_id()?, &viewer.actor, action)
        .await?;
    state.recompute.mark(id);
    Ok(Redirect::to(&format!("/d/{id}/moderate")))
}

/// The convener attaches the current result to the meeting materials (a timeline entry).
pub async fn attach_deliberation_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<DeliberationId>,
) -> AppResult<Redirect> {
    state.store.attach_deliberation(id, &viewer.who()).await?;
    Ok(Redirect::to(&format!("/d/{id}/results?attached=1")))
}
