//! Moves on a topic along the chain (triage, research, scheduling, opinion,
//! review, dispatch, completion) through one handler: the move's slug names
//! it, its fields are parsed into the domain's types, the store asks the domain.
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Redirect;
use domain::MeetingId;
use domain::{
    AdoptedPart, Decision, FollowUpOutcome, Instructions, Note, OpinionId, Reason, ReviewSessionId,
    Ruling, TaskTitle, TrackingNo,
};
use store::TopicAction;

use crate::AppState;
use crate::api::TopicJson;
use crate::auth::{SignedIn, Viewer};
use crate::error::{AppError, AppResult};
use crate::forms::{ActionInput, ApiJson, ApiPath};
use crate::forms::{date, filled, id, invalid, required};
use crate::photos::PhotoForm;

/// The move named by `name` with its fields parsed; an unknown name is not found.
pub(crate) fn parse_move(name: &str, i: &ActionInput) -> AppResult<TopicAction> {
    Ok(match name {
        "accept" => TopicAction::Accept,
        "reject" => TopicAction::Reject {
            reason: i.reason()?,
        },
        "merge" => TopicAction::Merge {
            into: TrackingNo::parse(required(&i.into, "into", "目标议题查询码")?)?,
        },
        "refer" => TopicAction::Refer {
            department: i.department()?,
            due: date(&i.due, "due", "办理期限")?,
        },
        "research_plan" => crate::stages::research::parse_plan(i)?,
        "research" => crate::stages::research::parse_visit(i)?,
        "analysis" => crate::stages::research::parse_analysis(i)?,
        "schedule" => TopicAction::Schedule {
            meeting: MeetingId(id(&i.meeting, "meeting", "会议")?),
        },
        "opinion" => TopicAction::RecordOpinion {
            text: Note::parse(required(&i.text, "text", "协商意见")?)?,
        },
        "review" => TopicAction::Review {
            session: ReviewSessionId(id(&i.session, "session", "上会研究会议")?),
            opinion: OpinionId(id(&i.opinion, "opinion", "协商意见")?),
            ruling: Ruling::new(
                Decision::parse(required(&i.decision, "decision", "审议结果")?)
                    .ok_or_else(|| invalid("decision", "请选择审议结果"))?,
                filled(&i.part).map(AdoptedPart::parse).transpose()?,
                filled(&i.reason).map(Reason::parse).transpose()?,
                Instructions::parse(i.instructions.as_deref().unwrap_or(""))?,
            )?,
        },
        "dispatch" => TopicAction::DispatchTask {
            department: i.department()?,
            title: TaskTitle::parse(required(&i.title, "title", "任务名称")?)?,
            due: date(&i.due, "due", "办理期限")?,
            opinion: filled(&i.opinion)
                .map(|_| id(&i.opinion, "opinion", "协商意见").map(OpinionId))
                .transpose()?,
            co_departments: i.co_departments()?,
        },
        "complete" => TopicAction::Complete,
        "resume" => TopicAction::Resume,
        "uphold" => TopicAction::Uphold {
            reason: i.reason()?,
        },
        "rate" => crate::stages::evaluation::parse_rating(i)?,
        "follow_up" => TopicAction::FollowUp {
            outcome: FollowUpOutcome::parse(required(&i.outcome, "outcome", "回访结果")?)
                .ok_or_else(|| invalid("outcome", "请选择回访结果"))?,
            note: i.note()?,
            photos: Vec::new(),
        },
        _ => return Err(AppError::Store(store::StoreError::NotFound("操作"))),
    })
}

pub(crate) async fn topic_action(
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

/// A topic move from its page; 跟踪问效 and research records may carry photos.
pub async fn topic_action_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path((no, name)): Path<(String, String)>,
    form: PhotoForm<ActionInput>,
) -> AppResult<Redirect> {
    let mut input = form.input;
    crate::calendar::resolve_due(&state, &no, &mut input).await?;
    let mut action = parse_move(&name, &input)?;
    if let TopicAction::FollowUp { photos, .. } | TopicAction::AddResearch { photos, .. } =
        &mut action
    {
        *photos = crate::photos::save(&state, form.photos).await?;
    }
    let topic = topic_action(&state, &viewer, &no, action).await?;
    Ok(Redirect::to(&format!("/t/{}", topic.tracking_no)))
}

/// Moves a topic along the chain: accept, reject, merge, refer, research, schedule, opinion,
/// review, dispatch, complete, resume, uphold, follow_up; the document lists each with its own body.
#[utoipa::path(post, path = "/api/topics/{no}/actions/{action}", tag = "topics", security(("session" = [])),
    params(("no" = String, Path), ("action" = String, Path)), request_body = ActionInput, responses((status = 200, body = TopicJson)))]
pub async fn topic_action_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath((no, action)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<serde_json::Map<String, serde_json::Value>>,
) -> AppResult<Json<TopicJson>> {
    let mut input = crate::api::bodies::read(crate::api::bodies::TOPIC_MOVES, &action, body)?;
    crate::calendar::resolve_due(&state, &no, &mut input).await?;
    let action = parse_move(&action, &input)?;
    let topic = topic_action(&state, &viewer, &no, action).await?;
    let room = state.store.room(topic.room).await?;
    Ok(Json(TopicJson::new(&topic, &room)))
}
