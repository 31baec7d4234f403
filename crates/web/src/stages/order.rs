//! 督办单: a leader issues a formal order on a task (what, answer by when);
//! the department answers it. The worker escalates one left unanswered.
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{Note, OrderId, TaskId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{SignedIn, Viewer};
use crate::error::AppResult;
use crate::forms::{ApiJson, ApiPath, PageForm, date, required};
use crate::view::fmt_time;

/// A 督办单 to issue.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct OrderInput {
    /// What the department must do or explain.
    pub text: Option<String>,
    /// The date to answer by: 2026-12-10.
    pub answer_by: Option<String>,
}

/// The department's answer to a 督办单.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct AnswerInput {
    pub answer: Option<String>,
}

/// A 督办单 and its answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderJson {
    pub id: i64,
    pub task: i64,
    pub issuer: String,
    pub text: String,
    pub answer_by: String,
    pub issued_at: String,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    /// Gone up to the department's head and the leaders for want of an answer.
    pub escalated: bool,
}

impl OrderJson {
    pub fn new(o: &store::SupervisionOrder) -> Self {
        OrderJson {
            id: o.id.0,
            task: o.task.0,
            issuer: o.issuer_name.clone(),
            text: o.text.clone(),
            answer_by: o.answer_by.to_string(),
            issued_at: fmt_time(o.issued_at),
            answer: o.answer.clone(),
            answered_at: o.answered_at.map(fmt_time),
            escalated: o.escalated,
        }
    }
}

async fn issue(
    state: &AppState,
    viewer: &Viewer,
    task: TaskId,
    i: &OrderInput,
) -> AppResult<store::SupervisionOrder> {
    let text = Note::parse(required(&i.text, "text", "督办事项")?)?;
    let by = date(&i.answer_by, "answer_by", "答复期限")?;
    Ok(state
        .store
        .issue_order(task, &viewer.who(), &text, by)
        .await?)
}

async fn answer(
    state: &AppState,
    viewer: &Viewer,
    id: OrderId,
    i: &AnswerInput,
) -> AppResult<store::SupervisionOrder> {
    let text = Note::parse(required(&i.answer, "answer", "答复内容")?)?;
    Ok(state.store.answer_order(id, &viewer.who(), &text).await?)
}

/// Back to the task on its topic's page.
async fn to_task(state: &AppState, o: &store::SupervisionOrder) -> AppResult<Redirect> {
    let topic = state.store.topic(o.topic).await?;
    Ok(Redirect::to(&format!(
        "/t/{}#task-{}",
        topic.tracking_no, o.task
    )))
}

pub async fn issue_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(task): Path<TaskId>,
    PageForm(i): PageForm<OrderInput>,
) -> AppResult<Redirect> {
    let o = issue(&state, &viewer, task, &i).await?;
    to_task(&state, &o).await
}

/// Issues a 督办单 on a task (a leader over its topic); the department's
/// staff and head are told at once.
#[utoipa::path(post, path = "/api/tasks/{id}/orders", tag = "tasks", security(("session" = [])),
    params(("id" = i64, Path)), request_body = OrderInput, responses((status = 201, body = OrderJson)))]
pub async fn issue_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(task): ApiPath<TaskId>,
    ApiJson(i): ApiJson<OrderInput>,
) -> AppResult<Response> {
    let o = issue(&state, &viewer, task, &i).await?;
    Ok((StatusCode::CREATED, Json(OrderJson::new(&o))).into_response())
}

pub async fn answer_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<OrderId>,
    PageForm(i): PageForm<AnswerInput>,
) -> AppResult<Redirect> {
    let o = answer(&state, &viewer, id, &i).await?;
    to_task(&state, &o).await
}

/// Answers a 督办单 (the task's department, once); its issuer is told.
#[utoipa::path(post, path = "/api/orders/{id}/answer", tag = "tasks", security(("session" = [])),
    params(("id" = i64, Path)), request_body = AnswerInput, responses((status = 200, body = OrderJson)))]
pub async fn answer_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(id): ApiPath<OrderId>,
    ApiJson(i): ApiJson<AnswerInput>,
) -> AppResult<Json<OrderJson>> {
    let o = answer(&state, &viewer, id, &i).await?;
    Ok(Json(OrderJson::new(&o)))
}
