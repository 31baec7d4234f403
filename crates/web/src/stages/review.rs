//! 上会研究 as a record: a leader enters the leadership meeting (name, date,
//! who attended); its page lists every opinion it ruled on, with the topic.
//! The rulings themselves are the topic move `review` (see `stages::topic`).
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use domain::{MeetingTitle, Participants, RegionId, ReviewSessionId, TopicId, TrackingNo};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::OpinionJson;
use crate::auth::{SignedIn, Viewer};
use crate::error::AppResult;
use crate::forms::{ApiJson, ApiPath, PageForm, date, required};
use crate::view::{Nav, render};

/// A leadership meeting to record.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReviewSessionInput {
    /// e.g. 街道党工委会议（2026年第12次）.
    pub title: Option<String>,
    /// The day it is held: 2026-12-04.
    pub held_on: Option<String>,
    /// Who attended, as written in the minutes.
    pub attendees: Option<String>,
    /// The region whose leadership met; by default the nearest one the
    /// recorder leads above `topic`, or the first they lead.
    pub region: Option<i64>,
    /// The topic the form was on (its 查询码); the page returns there.
    pub topic: Option<String>,
}

/// A leadership meeting and the opinions it ruled on.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewSessionJson {
    pub id: i64,
    pub region: i64,
    pub title: String,
    pub held_on: String,
    pub attendees: String,
    pub rulings: Vec<RulingJson>,
}

/// One opinion as ruled on, with its topic.
#[derive(Debug, Serialize, ToSchema)]
pub struct RulingJson {
    /// The topic's 查询码.
    pub topic: String,
    pub topic_title: String,
    #[serde(flatten)]
    pub opinion: OpinionJson,
}

async fn create(
    state: &AppState,
    viewer: &Viewer,
    input: &ReviewSessionInput,
) -> AppResult<store::ReviewSession> {
    let title = MeetingTitle::parse(required(&input.title, "title", "会议名称")?)?;
    let held_on: NaiveDate = date(&input.held_on, "held_on", "会议日期")?;
    let attendees = Participants::parse(required(&input.attendees, "attendees", "参会人员")?)?;
    let region = match (
        input.region,
        input.topic.as_deref().filter(|s| !s.is_empty()),
    ) {
        (Some(r), _) => RegionId(r),
        (None, Some(no)) => {
            let t = state
                .store
                .topic_by_tracking(TrackingNo::parse(no)?.as_str())
                .await?;
            viewer
                .actor
                .nearest_led_region(&t.region)
                .and_then(|r| r.id())
                .ok_or(domain::DomainError::Forbidden)?
        }
        (None, None) => viewer
            .actor
            .led_regions()
            .next()
            .and_then(|r| r.id())
            .ok_or(domain::DomainError::Forbidden)?,
    };
    let new = store::NewReviewSession {
        region,
        title,
        held_on,
        attendees,
    };
    Ok(state
        .store
        .create_review_session(new, &viewer.who())
        .await?)
}

pub async fn create_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    PageForm(input): PageForm<ReviewSessionInput>,
) -> AppResult<Redirect> {
    let s = create(&state, &viewer, &input).await?;
    Ok(
        match input
            .topic
            .as_deref()
            .and_then(|n| TrackingNo::parse(n).ok())
        {
            Some(no) => Redirect::to(&format!("/t/{no}#review")),
            None => Redirect::to(&format!("/reviews/{}", s.id)),
        },
    )
}

/// Records a leadership meeting (上会研究) of a region the caller leads; its
/// rulings are then made per opinion with `POST /api/topics/{no}/actions/review`.
#[utoipa::path(post, path = "/api/reviews", tag = "topics", security(("session" = [])),
    request_body = ReviewSessionInput, responses((status = 201, body = ReviewSessionJson)))]
pub async fn create_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiJson(input): ApiJson<ReviewSessionInput>,
) -> AppResult<Response> {
    let s = create(&state, &viewer, &input).await?;
    Ok((StatusCode::CREATED, Json(session_json(&state, s).await?)).into_response())
}

/// A leadership meeting and every opinion it ruled on.
#[utoipa::path(get, path = "/api/reviews/{id}", tag = "topics", params(("id" = i64, Path)),
    responses((status = 200, body = ReviewSessionJson)))]
pub async fn session_api(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<ReviewSessionId>,
) -> AppResult<Json<ReviewSessionJson>> {
    let s = state.store.review_session(id).await?;
    Ok(Json(session_json(&state, s).await?))
}

async fn session_json(state: &AppState, s: store::ReviewSession) -> AppResult<ReviewSessionJson> {
    let mut rulings = Vec::new();
    let mut topics: Vec<(TopicId, store::Topic)> = Vec::new();
    for o in state.store.rulings_of_session(s.id).await? {
        let t = match topics.iter().find(|(id, _)| *id == o.topic) {
            Some((_, t)) => t.clone(),
            None => {
                let t = state.store.topic(o.topic).await?;
                topics.push((o.topic, t.clone()));
                t
            }
        };
        rulings.push(RulingJson {
            topic: t.tracking_no,
            topic_title: t.title,
            opinion: OpinionJson::new(o),
        });
    }
    Ok(ReviewSessionJson {
        id: s.id.0,
        region: s.region.0,
        title: s.title,
        held_on: s.held_on.to_string(),
        attendees: s.attendees,
        rulings,
    })
}

#[derive(Template)]
#[template(path = "review_session.html")]
struct SessionPage {
    nav: Nav,
    s: ReviewSessionJson,
}

/// The record of a leadership meeting: when, who, and each ruling.
pub async fn session_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<ReviewSessionId>,
) -> AppResult<Html<String>> {
    let s = state.store.review_session(id).await?;
    let s = session_json(&state, s).await?;
    Ok(Html(render(&SessionPage {
        nav: Nav::of(&viewer),
        s,
    })))
}
