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
use domain::{RoomId, TopicId, TopicState};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::error::AppResult;
use crate::forms::{ApiPath, ApiQuery};
use crate::view::render;

/// Prepared topics by id.
#[derive(Default)]
pub struct DocCache(Mutex<HashMap<TopicId, Arc<text::Doc>>>);

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

/// A room's topics that a new one could repeat (not rejected or merged),
/// newest first, each prepared for matching. Load once per room and rank
/// as many queries against it as needed.
pub struct Candidates {
    topics: Vec<(store::Topic, Arc<text::Doc>)>,
}

impl Candidates {
    pub async fn of_room(state: &AppState, room: RoomId) -> AppResult<Candidates> {
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
        let topics = state.store.topics(&f).await?;
        Ok(Candidates {
            topics: topics
                .into_iter()
                .map(|t| {
                    let d = state.docs.doc(&t);
                    (t, d)
                })
                .collect(),
        })
    }

    /// The best matches of `query` scoring at least `min` (never `skip` itself).
    pub fn rank(&self, query: &text::Doc, skip: Option<TopicId>, min: f64) -> Vec<Similar> {
        let docs = self
            .topics
            .iter()
            .filter(|(t, _)| Some(t.id) != skip)
            .map(|(t, d)| (t.id.0, d.as_ref()));
        text::rank(query, docs, min, 5)
            .into_iter()
            .filter_map(|(id, score)| {
                let (t, _) = self.topics.iter().find(|(t, _)| t.id.0 == id)?;
                Some(Similar {
                    tracking_no: t.tracking_no.clone(),
                    title: t.title.clone(),
                    state: t.state.code().to_owned(),
                    state_label: t.state.label_zh().to_owned(),
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    percent: (score * 100.0).round() as u32,
                    mergeable: domain::takes_merges(t.state),
                })
            })
            .collect()
    }

    /// Likely duplicates of a submission waiting for triage.
    pub fn of_topic(&self, state: &AppState, t: &store::Topic) -> Vec<Similar> {
        self.rank(&state.docs.doc(t), Some(t.id), text::DUPLICATE_THRESHOLD)
    }
}

/// Likely duplicates of one submission waiting for triage.
pub async fn for_topic(state: &AppState, t: &store::Topic) -> AppResult<Vec<Similar>> {
    Ok(Candidates::of_room(state, t.room).await?.of_topic(state, t))
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
    let query = text::Doc::new(&title, &body);
    Ok(Candidates::of_room(state, room.id)
        .await?
        .rank(&query, None, min))
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
