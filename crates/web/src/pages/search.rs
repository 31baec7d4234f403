//! 搜索: one box over topics, opinions, research findings and published
//! minutes, with filters by region, room, state, channel, kind and period,
//! and the matched words marked in each snippet. `/search` is the page
//! (linked from the home page and the desk), `GET /api/search` the JSON.
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::{Channel, Period, RegionId, SearchKind, TopicState};
use serde::{Deserialize, Serialize};
use store::{SearchFilter, SearchHit};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{AppError, AppResult};
use crate::forms::ApiQuery;
use crate::view::{Nav, fmt_time, render};

/// Characters of text around the first match.
const SNIPPET: usize = 60;
/// Longer than any title: a title is marked whole.
const TITLE_CHARS: usize = 200;
/// Hits a page shows.
const PAGE_HITS: u64 = 30;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to look for: words, a place, or its pinyin initials (`fql` for
    /// 府前路). Simplified and traditional Chinese find each other. Only the
    /// first 100 characters are read.
    pub q: Option<String>,
    /// Only this region and below (its id).
    #[param(pattern = "^[0-9]{0,18}$")]
    pub region: Option<String>,
    /// Only this room (its code).
    pub room: Option<String>,
    /// Only texts about topics in this state (`completed`, …).
    pub state: Option<String>,
    /// Only topics that came in this way (`resident`, `leadership`, `committee`).
    pub channel: Option<String>,
    /// Only this kind: `topic`, `opinion`, `research` or `minutes`.
    pub kind: Option<String>,
    /// `2026`, `2026-Q4`, `2026-11` or `2026-03~2026-08`: texts written then.
    /// Empty for any time.
    pub period: Option<String>,
    /// The most hits, 1 to 100 (20 when absent).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// What is asked, read and checked.
struct Asked {
    terms: Vec<String>,
    filter: SearchFilter,
}

/// A filter's value, or none when absent or empty (as forms send an
/// unchosen one).
pub(super) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// A filter that is not one: 「状态不正确」.
pub(super) fn bad(what: &str) -> AppError {
    AppError::BadRequest(format!("{what}不正确"))
}

async fn asked(state: &AppState, q: &SearchQuery, limit: u64) -> AppResult<Asked> {
    let mut filter = SearchFilter {
        limit,
        ..Default::default()
    };
    if let Some(id) = given(&q.region) {
        let id: i64 = id.parse().map_err(|_| bad("地区"))?;
        filter.region = Some(state.store.region(RegionId(id)).await?.path);
    }
    if let Some(code) = given(&q.room) {
        filter.room = Some(state.store.room_by_code(code).await?.id);
    }
    if let Some(s) = given(&q.state) {
        filter.state = Some(TopicState::parse(s).ok_or_else(|| bad("状态"))?);
    }
    if let Some(c) = given(&q.channel) {
        filter.channel = Some(Channel::parse(c).ok_or_else(|| bad("来源"))?);
    }
    if let Some(k) = given(&q.kind) {
        filter.kind = Some(SearchKind::parse(k).ok_or_else(|| bad("类型"))?);
    }
    if let Some(p) = given(&q.period) {
        filter.period = Some(Period::parse(&p.to_uppercase().replace('～', "~"))?);
    }
    Ok(Asked {
        terms: text::query_terms(q.q.as_deref().unwrap_or_default()),
        filter,
    })
}

/// One hit as shown.
struct Shown {
    kind: SearchKind,
    link: String,
    title: String,
    /// The title with the words found marked: (piece, is a match).
    title_marked: Vec<(String, bool)>,
    /// (piece, is a match).
    snippet: Vec<(String, bool)>,
    room: String,
    state: &'static str,
    at: String,
}

async fn shown(state: &AppState, hits: Vec<SearchHit>, terms: &[String]) -> AppResult<Vec<Shown>> {
    let rooms = state.store.rooms().await?;
    Ok(hits
        .into_iter()
        .map(|h| {
            let (link, title, topic_state) = match (&h.topic, h.meeting) {
                (Some((no, title, s)), _) => (format!("/t/{no}"), title.clone(), s.label_zh()),
                (None, Some(m)) => (
                    format!("/m/{}/minutes", m.0),
                    h.meeting_title.clone().unwrap_or_default(),
                    "",
                ),
                _ => (String::new(), String::new(), ""),
            };
            Shown {
                kind: h.kind,
                snippet: text::snippet(&h.text, terms, SNIPPET),
                title_marked: text::snippet(&title, terms, TITLE_CHARS),
                room: rooms
                    .iter()
                    .find(|r| r.id == h.room)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                state: topic_state,
                at: fmt_time(h.at),
                link,
                title,
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    nav: Nav,
    q: String,
    /// The filters as given, to keep them in the form.
    room: String,
    period: String,
    region: String,
    state: String,
    channel: String,
    kind: String,
    states: &'static [(&'static str, &'static str)],
    channels: &'static [(&'static str, &'static str)],
    kinds: &'static [(&'static str, &'static str)],
    searched: bool,
    hits: Vec<Shown>,
}

/// `GET /search`: kept for visitors without a sign-in, as the API's answers are.
pub async fn page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<SearchQuery>,
) -> AppResult<Response> {
    let typed = typed(&q);
    let key = format!("/search?{typed:?}{:?}", filters_given(&q));
    let page = async {
        let a = asked(&state, &q, PAGE_HITS).await?;
        let searched = !a.terms.is_empty();
        let hits = state.store.search(&a.terms, &a.filter).await?;
        let hits = shown(&state, hits, &a.terms).await?;
        let keep = |v: &Option<String>| given(v).unwrap_or_default().to_owned();
        Ok(render(&SearchPage {
            nav: Nav::of(&viewer),
            q: typed,
            room: keep(&q.room),
            period: keep(&q.period),
            region: keep(&q.region),
            state: keep(&q.state),
            channel: keep(&q.channel),
            kind: keep(&q.kind),
            states: &TopicState::CHOICES,
            channels: &Channel::CHOICES,
            kinds: &SearchKind::CHOICES,
            searched,
            hits,
        }))
    };
    state.pages.html(&state, &viewer, key, page).await
}

/// The query as read (its first characters), which with the filters
/// names a kept answer: a hit costs no segmentation.
fn typed(q: &SearchQuery) -> String {
    q.q.as_deref()
        .unwrap_or_default()
        .chars()
        .take(text::QUERY_CHARS)
        .collect()
}

/// The filters as given, which with the query name a kept answer.
fn filters_given(q: &SearchQuery) -> [&str; 6] {
    [&q.region, &q.room, &q.state, &q.channel, &q.kind, &q.period]
        .map(|f| given(f).unwrap_or_default())
}

/// A piece of a snippet.
#[derive(Debug, Serialize, ToSchema)]
pub struct PieceJson {
    pub text: String,
    /// Whether these are words the query looked for.
    pub matched: bool,
}

/// One text found.
#[derive(Debug, Serialize, ToSchema)]
pub struct HitJson {
    /// `topic`, `opinion`, `research` or `minutes`.
    pub kind: &'static str,
    /// 议题, 协商意见, 调研记录 or 会议纪要.
    pub kind_label: &'static str,
    /// Where to read it, e.g. `/t/1234567890`.
    pub link: String,
    /// The topic's (or, for minutes, the meeting's) title.
    pub title: String,
    /// The topic's state, in Chinese; empty for minutes.
    pub state_label: &'static str,
    pub room_name: String,
    /// When it was written (Beijing time).
    pub at: String,
    /// The passage around the first match.
    pub snippet: Vec<PieceJson>,
}

/// What the search found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchJson {
    /// The terms looked for, after folding and segmentation. A thing the
    /// query names is looked for under all its names as one term, `同义`
    /// and its group's number (水渠 also finds 沟渠 and 排水沟).
    pub terms: Vec<String>,
    pub items: Vec<HitJson>,
}

#[utoipa::path(get, path = "/api/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = SearchJson)))]
pub async fn api(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> AppResult<Response> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::BadRequest("limit 应在1到100之间".into()));
    }
    // The answer is the same for everyone: kept under the query and the
    // filters as given (a bad filter is an error, never kept), so a word
    // many are looking for is searched once while nothing is written.
    let key = format!("/api/search?{:?}{:?}{limit}", typed(&q), filters_given(&q));
    let answer = async {
        let a = asked(&state, &q, limit as u64).await?;
        found(&state, a).await
    };
    state.pages.json(&state, key, answer).await
}

/// The hits for what was asked, as the API answers them.
async fn found(state: &AppState, a: Asked) -> AppResult<SearchJson> {
    let hits = state.store.search(&a.terms, &a.filter).await?;
    let items = shown(state, hits, &a.terms)
        .await?
        .into_iter()
        .map(|s| HitJson {
            kind: s.kind.code(),
            kind_label: s.kind.label_zh(),
            link: s.link,
            title: s.title,
            state_label: s.state,
            room_name: s.room,
            at: s.at,
            snippet: s
                .snippet
                .into_iter()
                .map(|(text, matched)| PieceJson { text, matched })
                .collect(),
        })
        .collect();
    Ok(SearchJson {
        terms: a.terms,
        items,
    })
}
