//! 我的议题: a signed-in resident's topics — raised (also from another phone
//! with their number, once verified), supported and followed — on any
//! device; and the convener's look at a submitter's full number.
use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Html;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::TopicJson;
use crate::auth::SignedIn;
use crate::error::AppResult;
use crate::forms::ApiPath;
use crate::view::{Nav, TopicRow, render};

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    nav: Nav,
    submitted: Vec<TopicRow>,
    supported: Vec<TopicRow>,
    followed: Vec<TopicRow>,
}

/// The signed-in person's topics, with the rooms to name them by.
async fn my_topics(
    state: &AppState,
    viewer: &crate::auth::Viewer,
) -> AppResult<(store::MyTopics, Vec<store::Room>)> {
    let me = viewer.user.as_ref().map(|u| u.id);
    let me = me.ok_or(domain::DomainError::Forbidden)?;
    Ok((state.store.my_topics(me).await?, state.store.rooms().await?))
}

pub async fn mine(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Html<String>> {
    let (m, rooms) = my_topics(&state, &viewer).await?;
    Ok(Html(render(&MinePage {
        nav: Nav::of(&viewer),
        submitted: TopicRow::list(&m.submitted, &rooms),
        supported: TopicRow::list(&m.supported, &rooms),
        followed: TopicRow::list(&m.followed, &rooms),
    })))
}

/// A resident's topics.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyTopicsJson {
    pub submitted: Vec<TopicJson>,
    pub supported: Vec<TopicJson>,
    pub followed: Vec<TopicJson>,
}

/// 我的议题: what the signed-in person raised (also from a phone with their
/// verified number), supported and follows.
#[utoipa::path(get, path = "/api/session/topics", tag = "session", security(("session" = [])),
    responses((status = 200, body = MyTopicsJson)))]
pub async fn mine_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
) -> AppResult<Json<MyTopicsJson>> {
    let (m, rooms) = my_topics(&state, &viewer).await?;
    Ok(Json(MyTopicsJson {
        submitted: TopicJson::list(&m.submitted, &rooms),
        supported: TopicJson::list(&m.supported, &rooms),
        followed: TopicJson::list(&m.followed, &rooms),
    }))
}

#[derive(Template)]
#[template(path = "phone.html")]
struct PhonePage {
    nav: Nav,
    no: String,
    title: String,
    phone: Option<String>,
}

/// The room's convener looks at the submitter's full number to call back;
/// the look is recorded.
pub async fn reveal_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(no): Path<String>,
) -> AppResult<Html<String>> {
    let t = state.store.topic_by_tracking(&no).await?;
    let phone = state.store.reveal_phone(t.id, &viewer.who()).await?;
    Ok(Html(render(&PhonePage {
        nav: Nav::of(&viewer),
        no: t.tracking_no,
        title: t.title,
        phone,
    })))
}

/// The submitter's number, for the caller to ring back.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneJson {
    /// Absent when the submitter left none.
    pub phone: Option<String>,
}

/// The submitter's full phone number (the room's convener only; recorded).
#[utoipa::path(post, path = "/api/topics/{no}/phone", tag = "topics", security(("session" = [])),
    params(("no" = String, Path)), responses((status = 200, body = PhoneJson)))]
pub async fn reveal_api(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    ApiPath(no): ApiPath<String>,
) -> AppResult<Json<PhoneJson>> {
    let t = state.store.topic_by_tracking(&no).await?;
    let phone = state.store.reveal_phone(t.id, &viewer.who()).await?;
    Ok(Json(PhoneJson { phone }))
}
