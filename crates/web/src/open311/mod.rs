//! Open311 GeoReport v2 under `/open311/v2/`: the categories as services,
//! topics as service requests (read by anyone, as their public pages are),
//! and new requests posted with an API key as 群众出题 topics in the room
//! `jurisdiction_id` names, or the room nearest `lat`/`long`. Every answer
//! comes in JSON or XML as the path's extension asks.
mod format;
pub mod hotline;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::Channel;
use serde::{Deserialize, Serialize};
use store::{ApiKey, Room, Topic, TopicFilter};

pub use format::Format;
use format::{error, list, one, split};

use crate::AppState;
use crate::error::AppError;

/// A service: one of the room's categories.
#[derive(Serialize)]
struct Service {
    service_code: String,
    service_name: String,
    description: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: String,
    group: &'static str,
}

/// A service's definition: no attributes beyond the standard fields.
#[derive(Serialize)]
struct Definition {
    service_code: String,
    attributes: Vec<()>,
}

/// A topic as a service request.
#[derive(Serialize)]
struct Request {
    service_request_id: String,
    status: &'static str,
    status_notes: &'static str,
    service_name: String,
    service_code: String,
    description: String,
    agency_responsible: String,
    service_notice: String,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: String,
    address: String,
    address_id: String,
    zipcode: String,
    lat: Option<f64>,
    long: Option<f64>,
    media_url: String,
}

/// What a new request's answer carries.
#[derive(Serialize)]
pub(crate) struct Created {
    service_request_id: String,
    token: String,
    service_notice: String,
    account_id: String,
}

#[derive(Serialize)]
struct TokenAnswer {
    service_request_id: String,
    token: String,
}

fn w3c(t: DateTime<Utc>) -> String {
    t.with_timezone(&crate::view::beijing())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn request(t: &Topic, rooms: &[Room]) -> Request {
    let degrees = |e6: i64| e6 as f64 / 1e6;
    Request {
        service_request_id: t.tracking_no.clone(),
        status: domain::open311_status(t.state),
        status_notes: t.state.label_zh(),
        service_name: t.category.clone(),
        service_code: t.category.clone(),
        description: t.body.clone(),
        agency_responsible: rooms
            .iter()
            .find(|r| r.id == t.room)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        service_notice: t.title.clone(),
        requested_datetime: w3c(t.created_at),
        updated_datetime: w3c(t.updated_at),
        expected_datetime: String::new(),
        address: t.place.clone(),
        address_id: String::new(),
        zipcode: String::new(),
        lat: t.point.map(|p| degrees(p.0)),
        long: t.point.map(|p| degrees(p.1)),
        media_url: String::new(),
    }
}

/// An error of ours in the specification's shape: what the caller got
/// wrong is a 400, as the specification's examples have it.
fn failed(format: Format, e: AppError) -> Response {
    let (status, text, _) = e.parts();
    let status = match status {
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => StatusCode::BAD_REQUEST,
        // The specification answers a missing or wrong api_key with 403.
        StatusCode::UNAUTHORIZED => StatusCode::FORBIDDEN,
        s => s,
    };
    error(format, status, &text)
}

fn bad(m: &str) -> AppError {
    AppError::BadRequest(m.to_owned())
}

/// The name and format of a path segment (`requests.json`).
fn format_of(segment: &str, want: Option<&str>) -> Option<(String, Format)> {
    split(segment)
        .filter(|(name, _)| want.is_none_or(|w| w == *name))
        .map(|(name, f)| (name.to_owned(), f))
}

/// The 404 a path without `.json` or `.xml` deserves.
fn wrong_format() -> Response {
    error(
        Format::Json,
        StatusCode::NOT_FOUND,
        "地址应以 .json 或 .xml 结尾",
    )
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub jurisdiction_id: Option<String>,
    pub service_request_id: Option<String>,
    pub service_code: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<String>,
}

/// `GET /open311/v2/{services|requests|discovery}.{json|xml}`.
pub async fn resource(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let Some((name, format)) = format_of(&segment, None) else {
        return wrong_format();
    };
    let answer = match name.as_str() {
        "services" => services(&state, format, &q).await,
        "requests" => requests(&state, format, &q).await,
        _ => return error(format, StatusCode::NOT_FOUND, "没有这个资源"),
    };
    answer.unwrap_or_else(|e| failed(format, e))
}

/// The room a `jurisdiction_id` names, if one is given.
async fn jurisdiction(state: &AppState, q: &ListQuery) -> Result<Option<Room>, AppError> {
    match q.jurisdiction_id.as_deref().filter(|j| !j.is_empty()) {
        Some(code) => Ok(Some(state.store.room_by_code(code).await?)),
        None => Ok(None),
    }
}

async fn services(state: &AppState, format: Format, q: &ListQuery) -> Result<Response, AppError> {
    let categories = match jurisdiction(state, q).await? {
        Some(room) => state.store.region_categories(room.region).await?,
        None => domain::default_categories(),
    };
    let items: Vec<Service> = categories
        .into_iter()
        .map(|c| Service {
            description: format!("{c}方面的问题和建议，提交后进入议事室的协商议事流程"),
            service_code: c.clone(),
            service_name: c,
            metadata: false,
            kind: "realtime",
            keywords: String::new(),
            group: "有事好商量",
        })
        .collect();
    Ok(list(format, "services", "service", &items))
}

fn instant(raw: &Option<String>, field: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    match raw.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|t| Some(t.to_utc()))
            .map_err(|_| {
                bad(&format!(
                    "{field} 应为 W3C 时间，例如 2026-12-01T00:00:00+08:00"
                ))
            }),
        None => Ok(None),
    }
}

async fn requests(state: &AppState, format: Format, q: &ListQuery) -> Result<Response, AppError> {
    let rooms = state.store.rooms().await?;
    // Named requests override every other filter.
    if let Some(ids) = q.service_request_id.as_deref().filter(|s| !s.is_empty()) {
        let mut found = Vec::new();
        for no in ids
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .take(100)
        {
            match state.store.topic_by_tracking(no).await {
                Ok(t) => found.push(request(&t, &rooms)),
                Err(store::StoreError::NotFound(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        return Ok(list(format, "service_requests", "request", &found));
    }
    let now = state.store.clock().now();
    let (since, until) = domain::open311_span(
        instant(&q.start_date, "start_date")?,
        instant(&q.end_date, "end_date")?,
        now,
    )?;
    let mut filter = TopicFilter {
        since: Some(since),
        until: Some(until),
        states: domain::open311_states(q.status.as_deref().unwrap_or(""))?,
        limit: 500,
        ..Default::default()
    };
    if let Some(room) = jurisdiction(state, q).await? {
        filter.room = Some(room.id);
    }
    let codes: Vec<&str> = q
        .service_code
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut found = Vec::new();
    // Page through, newest first, up to the specification's 1,000.
    'pages: loop {
        let page = state.store.topics(&filter).await?;
        let last = page.len() < filter.limit as usize;
        for t in &page {
            if codes.is_empty() || codes.contains(&t.category.as_str()) {
                found.push(request(t, &rooms));
                if found.len() as u64 >= domain::OPEN311_MAX_REQUESTS {
                    break 'pages;
                }
            }
        }
        if last {
            break;
        }
        filter.offset += filter.limit;
    }
    Ok(list(format, "service_requests", "request", &found))
}

/// `GET /open311/v2/services/{code}.{json|xml}`.
pub async fn service_definition(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    let Some((code, format)) = format_of(&segment, None) else {
        return wrong_format();
    };
    let categories = match jurisdiction(&state, &q).await {
        Ok(Some(room)) => state.store.region_categories(room.region).await,
        Ok(None) => Ok(domain::default_categories()),
        Err(e) => return failed(format, e),
    };
    match categories {
        Ok(list) if list.contains(&code) => one(
            format,
            "service_definition",
            &Definition {
                service_code: code,
                attributes: Vec::new(),
            },
        ),
        Ok(_) => error(format, StatusCode::NOT_FOUND, "没有这个服务类别"),
        Err(e) => failed(format, e.into()),
    }
}

/// `GET /open311/v2/requests/{id}.{json|xml}`.
pub async fn one_request(State(state): State<AppState>, Path(segment): Path<String>) -> Response {
    let Some((no, format)) = format_of(&segment, None) else {
        return wrong_format();
    };
    let answer = async {
        let t = state.store.topic_by_tracking(&no).await?;
        let rooms = state.store.rooms().await?;
        Ok::<_, AppError>(list(
            format,
            "service_requests",
            "request",
            &[request(&t, &rooms)],
        ))
    };
    answer.await.unwrap_or_else(|e| failed(format, e))
}

/// `GET /open311/v2/tokens/{token}.{json|xml}`: requests are created at
/// once, so a token is the request's id.
pub async fn token(State(state): State<AppState>, Path(segment): Path<String>) -> Response {
    let Some((token, format)) = format_of(&segment, None) else {
        return wrong_format();
    };
    match state.store.topic_by_tracking(&token).await {
        Ok(t) => list(
            format,
            "service_requests",
            "request",
            &[TokenAnswer {
                service_request_id: t.tracking_no,
                token,
            }],
        ),
        Err(e) => failed(format, e.into()),
    }
}

/// A new request's fields we use; the specification's others (email,
/// device_id, account_id, media_url, attribute) are accepted and left.
#[derive(Debug, Default, Deserialize)]
pub struct NewRequest {
    pub api_key: Option<String>,
    pub jurisdiction_id: Option<String>,
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
}

/// `POST /open311/v2/requests.{json|xml}`: a new 群众出题 topic.
pub async fn post_request(
    State(state): State<AppState>,
    Path(segment): Path<String>,
    axum::Form(i): axum::Form<NewRequest>,
) -> Response {
    let Some((_, format)) = format_of(&segment, Some("requests")) else {
        return wrong_format();
    };
    let answer = async {
        let key = api_key(&state, i.api_key.as_deref()).await?;
        let point = point(i.lat.as_deref(), i.long.as_deref())?;
        let room = room_for(&state, &key, i.jurisdiction_id.as_deref(), point).await?;
        let code = i
            .service_code
            .as_deref()
            .filter(|c| !c.is_empty())
            .ok_or_else(|| bad("缺少 service_code"))?;
        let categories = state.store.region_categories(room.region).await?;
        if !categories.iter().any(|c| c == code) {
            return Err(AppError::BadRequest(format!(
                "service_code「{code}」不是该议事室的类别"
            )));
        }
        let description = i.description.clone().unwrap_or_default();
        let name = format!(
            "{}{}",
            i.last_name.as_deref().unwrap_or(""),
            i.first_name.as_deref().unwrap_or("")
        );
        let order = Intake {
            key: &key,
            room: &room,
            category: code,
            description: &description,
            title: None,
            place: i.address_string.as_deref().unwrap_or(""),
            phone: i.phone.as_deref(),
            name: &name,
            point,
            external: None,
        };
        let (t, _) = take(&state, order).await?;
        Ok::<_, AppError>(list(
            format,
            "service_requests",
            "request",
            &[Created {
                service_request_id: t.tracking_no.clone(),
                token: t.tracking_no.clone(),
                service_notice: format!("已登记，查询码 {}，议事室召集人将受理", t.tracking_no),
                account_id: String::new(),
            }],
        ))
    };
    answer.await.unwrap_or_else(|e| failed(format, e))
}

/// The key a system posts with, or 403.
pub(crate) async fn api_key(state: &AppState, raw: Option<&str>) -> Result<ApiKey, AppError> {
    let raw = raw.map(str::trim).filter(|k| !k.is_empty());
    let Some(raw) = raw else {
        return Err(AppError::Refused("缺少 api_key".into()));
    };
    state
        .store
        .api_key(raw)
        .await?
        .ok_or_else(|| AppError::Refused("api_key 无效或已停用".into()))
}

/// `lat` and `long` together, or neither.
pub(crate) fn point(lat: Option<&str>, long: Option<&str>) -> Result<Option<(i64, i64)>, AppError> {
    fn given(v: Option<&str>) -> Option<&str> {
        v.map(str::trim).filter(|v| !v.is_empty())
    }
    match (given(lat), given(long)) {
        (Some(lat), Some(long)) => Ok(Some((
            domain::degrees_e6(lat, "lat", 90.0)?,
            domain::degrees_e6(long, "long", 180.0)?,
        ))),
        (None, None) => Ok(None),
        _ => Err(bad("lat 与 long 需同时提供")),
    }
}

/// The room a request goes to: the one named, else the nearest to its
/// point, always within the key's region.
pub(crate) async fn room_for(
    state: &AppState,
    key: &ApiKey,
    code: Option<&str>,
    point: Option<(i64, i64)>,
) -> Result<Room, AppError> {
    let regions = state.store.regions().await?;
    let in_reach = |r: &Room| {
        regions
            .iter()
            .any(|g| g.id == r.region && key.region_path.covers(&g.path))
    };
    let mut within: Vec<Room> = state
        .store
        .rooms()
        .await?
        .into_iter()
        .filter(|r| !r.retired && in_reach(r))
        .collect();
    let room = match (code.map(str::trim).filter(|c| !c.is_empty()), point) {
        (Some(code), _) => within
            .into_iter()
            .find(|r| r.code.as_str() == code)
            .ok_or_else(|| {
                AppError::BadRequest(format!(
                    "jurisdiction_id「{code}」不是该密钥所属地区的议事室"
                ))
            })?,
        (None, Some(p)) => {
            let placed: Vec<(usize, (i64, i64))> = within
                .iter()
                .enumerate()
                .filter_map(|(i, r)| Some((i, r.point?)))
                .collect();
            let i = domain::nearest(p, &placed)
                .ok_or_else(|| bad("该地区的议事室尚未标注位置，请提供 jurisdiction_id"))?;
            within.swap_remove(i)
        }
        (None, None) => return Err(bad("请提供 jurisdiction_id（议事室编码）或 lat/long")),
    };
    Ok(room)
}

/// A request or work order on its way to becoming a topic.
pub(crate) struct Intake<'a> {
    pub key: &'a ApiKey,
    pub room: &'a Room,
    pub category: &'a str,
    pub description: &'a str,
    pub title: Option<&'a str>,
    pub place: &'a str,
    pub phone: Option<&'a str>,
    pub name: &'a str,
    pub point: Option<(i64, i64)>,
    /// `(idempotency key, outside number)`, for a work order.
    pub external: Option<(String, String)>,
}

/// Stores the topic (or finds the one its work order made); `true` when new.
pub(crate) async fn take(state: &AppState, i: Intake<'_>) -> Result<(Topic, bool), AppError> {
    let title = match i.title.filter(|t| !t.trim().is_empty()) {
        Some(t) => t.to_owned(),
        None => domain::title_from(i.description),
    };
    let title = domain::TopicTitle::parse(&title)?;
    let body = domain::TopicBody::parse(i.description)?;
    let phone = match i.phone.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(domain::PhoneNumber::parse(p)?),
        None => None,
    };
    let place = crate::forms::plain(Some(i.place), "address_string", "地点", 100)?;
    let name = domain::PersonName::parse(if i.name.trim().is_empty() {
        &i.key.name
    } else {
        i.name
    })
    .or_else(|_| domain::PersonName::parse(&i.key.name))?;
    let (client_key, external) = match &i.external {
        Some((k, e)) => (Some(k.as_str()), Some(e.as_str())),
        None => (None, None),
    };
    if let Some(k) = client_key
        && let Some(done) = state.store.topic_by_client_key(k).await?
    {
        return Ok((done, false));
    }
    let who = store::Who {
        actor: domain::Actor::anonymous(Some(format!("apikey-{}", i.key.id.0))),
        name: name.as_str().to_owned(),
    };
    let new = store::NewTopic {
        room: i.room.id,
        channel: Channel::Resident,
        title: &title,
        body: &body,
        category: i.category,
        place: &place,
        phone: phone.as_ref(),
        anonymous: false,
        point: i.point,
        client_key,
        photos: &[],
        reason: None,
        external_ref: external,
    };
    let t = state.store.submit_topic(new, &who).await?;
    Ok((t, true))
}
