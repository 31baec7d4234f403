//! Likely duplicates: while a resident types a title, the room's existing
//! topics that look like the same problem; beside each new submission in
//! triage, the topics it could be merged into. Matching is the `text`
//! crate's (jieba words, 简/繁 folded); prepared topics are cached, since
//! a topic's text never changes after it is raised.
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use domain::{RoomId, TopicState};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::AppResult;
use crate::forms::{ApiPath, ApiQuery};
use crate::view::{render, state_label};

/// Prepared topics by id.
#[derive(Default)]
pub struct DocCache(Mutex<HashMap<i64, Arc<text::Doc>>>);

const CACHE_ENTRIES: usize = 200_000;
/// Topics of a room compared against (newest first).
const CANDIDATES: u64 = 500;
/// A resident is shown looser matches than a convener is asked to merge.
const SUGGEST_FACTOR: f64 = 0.8;

/// One similar topic, for pages and the API.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Similar {
    pub tracking_no: String,
    pub title: String,
    pub state: String,
    pub state_label: String,
    /// Similarity, 0–100.
    pub percent: u32,
    /// Open to a merge (accepted and not closed).
    pub mergeable: bool,
}

impl DocCache {
    fn doc(&self, t: &store::Topic) -> Arc<text::Doc> {
        if let Some(d) = self.0.lock().ok().and_then(|c| c.get(&t.id).cloned()) {
            return d;
        }
        let d = Arc::new(text::Doc::new(&t.title, &t.body));
        if let Ok(mut c) = self.0.lock() {
            if c.len() >= CACHE_ENTRIES {
                c.clear();
            }
            c.insert(t.id, d.clone());
        }
        d
    }
}

async fn ranked(
    state: &AppState,
    room: RoomId,
    query: text::Doc,
    skip: Option<i64>,
    min: f64,
) -> AppResult<Vec<Similar>> {
    let states = TopicState::ALL
        .iter()
        .copied()
        .filter(|s| !matches!(s, TopicState::Rejected | TopicState::Merged))
        .collect();
    let f = store::TopicFilter {
        room: Some(room),
        states,
        limit: CANDIDATES,
        ..Default::default()
    };
    let topics: Vec<store::Topic> = state
        .store
        .topics(&f)
        .await?
        .into_iter()
        .filter(|t| Some(t.id) != skip)
        .collect();
    let docs: Vec<(i64, Arc<text::Doc>)> =
        topics.iter().map(|t| (t.id, state.docs.doc(t))).collect();
    let hits = text::rank(&query, docs.iter().map(|(id, d)| (*id, d.as_ref())), min, 5);
    Ok(hits
        .into_iter()
        .filter_map(|(id, score)| topics.iter().find(|t| t.id == id).map(|t| (t, score)))
        .map(|(t, score)| {
            let st = TopicState::parse(&t.state);
            Similar {
                tracking_no: t.tracking_no.clone(),
                title: t.title.clone(),
                state: t.state.clone(),
                state_label: state_label(&t.state),
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                percent: (score * 100.0).round() as u32,
                mergeable: !matches!(
                    st,
                    None | Some(TopicState::Submitted | TopicState::Rejected | TopicState::Merged)
                ),
            }
        })
        .collect())
}

/// Likely duplicates of a submission waiting for triage.
pub async fn for_topic(state: &AppState, t: &store::Topic) -> AppResult<Vec<Similar>> {
    let q = text::Doc::new(&t.title, &t.body);
    ranked(
        state,
        RoomId(t.room_id),
        q,
        Some(t.id),
        text::DUPLICATE_THRESHOLD,
    )
    .await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct DraftQuery {
    /// What the resident has typed so far.
    pub title: Option<String>,
    pub body: Option<String>,
}

async fn for_draft(state: &AppState, code: &str, q: &DraftQuery) -> AppResult<Vec<Similar>> {
    let room = state.store.room_by_code(code).await?;
    let title: String = q.title.as_deref().unwrap_or("").chars().take(60).collect();
    let body: String = q.body.as_deref().unwrap_or("").chars().take(500).collect();
    if title.trim().chars().count() < 2 {
        return Ok(Vec::new());
    }
    let min = text::DUPLICATE_THRESHOLD * SUGGEST_FACTOR;
    ranked(
        state,
        RoomId(room.id),
        text::Doc::new(&title, &body),
        None,
        min,
    )
    .await
}

#[derive(Template)]
#[template(path = "_similar.html")]
struct SimilarList {
    items: Vec<Similar>,
}

/// The suggestions under the title field, as an HTML fragment for htmx.
pub async fn draft_page(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<DraftQuery>,
) -> AppResult<Html<String>> {
    let items = for_draft(&state, &code, &q).await?;
    Ok(Html(render(&SimilarList { items })))
}

/// Topics of the room that look like the one being typed (title, and body if any).
#[utoipa::path(get, path = "/api/rooms/{code}/similar", tag = "rooms", params(("code" = String, Path), DraftQuery),
    responses((status = 200, body = Vec<Similar>)))]
pub async fn draft_api(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<DraftQuery>,
) -> AppResult<axum::Json<Vec<Similar>>> {
    Ok(axum::Json(for_draft(&state, &code, &q).await?))
}
