//! 交办任务: a department's moves on its tasks, the leader's on returned and
//! extended ones, the convener's verification.
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Redirect;
use domain::TaskId;
use store::TaskAction;

use crate::AppState;
use crate::api::TaskJson;
use crate::auth::{SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::forms::date;
use crate::forms::{ActionInput, ApiJson, ApiPath};
use crate::photos::PhotoForm;

/// The task move named by `name` with its fields parsed; an unknown name is not found.
/// Only `complete` carries photos (evidence of the finished work); they are
/// added once the fields are known to be good.
pub(crate) fn parse_move(name: &str, i: &ActionInput) -> AppResult<TaskAction> {
    Ok(match name {
        "sign" => TaskAction::Sign,
        "return" => TaskAction::Return {
            reason: i.reason()?,
        },
        "reassign" => TaskAction::Reassign {
            department: i.department()?,
        },
        "progress" => TaskAction::PostProgress { note: i.note()? },
        "extend" => TaskAction::RequestExtension {
            until: date(&i.until, "until", "延期后的期限")?,
            reason: i.reason()?,
        },
        "grant-extension" => TaskAction::GrantExtension,
        "deny-extension" => TaskAction::DenyExtension,
        "complete" => TaskAction::Complete {
            note: i.note()?,
            photos: Vec::new(),
        },
        "verify" => TaskAction::Verify,
        "send-back" => TaskAction::SendBack {
            reason: i.reason()?,
        },
        "share-sign" => TaskAction::ShareSign,
        "approve" => TaskAction::Approve,
        "decline" => TaskAction::Decline {
            reason: i.reason()?,
        },
        "assign" => TaskAction::Assign {
            clerk: domain::UserId(crate::forms::id(&i.clerk, "clerk", "承办人")?),
        },
        "share-done" => TaskAction::ShareDone { note: i.note()? },
        _ => return Err(AppError::Store(store::StoreError::NotFound("操作"))),
    })
}

async fn task_action(
    state: &AppState,
    viewer: &Viewer,
    id: TaskId,
    name: &str,
    input: &ActionInput,
    uploads: Vec<axum::body::Bytes>,
) -> AppResult<store::Task> {
    // The fields are checked before any photo is processed.
    let mut action = parse_move(name, input)?;
    if let TaskAction::Complete { photos, .. } = &mut action {
        *photos = crate::photos::save(state, uploads).await?;
    }
    Ok(state.store.apply_task(id, &viewer.who(), action).await?)
}

/// A task move from its topic page; 办结 may carry photos of the finished work.
pub async fn task_action_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path((id, action)): Path<(TaskId, String)>,
    form: PhotoForm<ActionInput>,
) -> AppResult<Redirect> {
    let task = task_action(&state, &viewer, id, &action, &form.input, form.photos).await?;
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
    ApiPath((id, action)): ApiPath<(TaskId, String)>,
    ApiJson(body): ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> AppResult<Json<TaskJson>> {
    let input = crate::api::bodies::read(crate::api::bodies::TASK_MOVES, &action, body)?;
    let task = task_action(&state, &viewer, id, &action, &input, Vec::new()).await?;
    let dept = state.store.department(task.department).await?;
    let when = crate::calendar::Deadlines::now(&state).await?;
    Ok(Json(TaskJson::new(&task, &dept, &when)))
}

/// A clerk signs several tasks at once (`task` repeated in the form). Each
/// is signed on its own; those the clerk may not sign are left as they are,
/// and if none could be signed the first refusal is shown.
pub async fn sign_many_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    body: axum::body::Bytes,
) -> AppResult<Redirect> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::BadRequest("提交的表单内容不正确".into()))?;
    let ids: Vec<TaskId> = fields
        .iter()
        .filter(|(k, _)| k == "task")
        .filter_map(|(_, v)| v.parse().ok().map(TaskId))
        .take(200)
        .collect();
    if ids.is_empty() {
        return Err(crate::forms::invalid("task", "请先勾选要签收的任务"));
    }
    let who = viewer.who();
    let mut first_refusal = None;
    let mut signed = 0;
    for id in ids {
        match state.store.apply_task(id, &who, TaskAction::Sign).await {
            Ok(_) => signed += 1,
            Err(e) => {
                first_refusal.get_or_insert(e);
            }
        }
    }
    match (signed, first_refusal) {
        (0, Some(e)) => Err(e.into()),
        _ => Ok(Redirect::to("/desk#tasks")),
    }
}
