//! 码上议 share codes: a room's printable poster (SVG, PNG at 300 dpi, PDF;
//! A4 or A3) and plain QR codes for rooms, topics and meetings.
//!
//! Posters are drawn on the blocking pool, one at a time (an A3 page at
//! 300 dpi is 70 MB of pixels), and kept in a small cache: they change only
//! when a room is renamed or moved, so a second download costs nothing.
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Mutex;

use axum::body::Bytes;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use domain::MeetingId;
use poster::{Paper, PosterInfo};
use serde::Deserialize;
use tokio::sync::Semaphore;

use crate::AppState;
use crate::error::{AppError, AppResult};

/// Rendered posters by (what they say, paper, format).
pub struct PosterCache {
    files: Mutex<HashMap<u64, Bytes>>,
    drawing: Semaphore,
}

const CACHE_ENTRIES: usize = 64;

impl Default for PosterCache {
    fn default() -> Self {
        PosterCache {
            files: Mutex::new(HashMap::new()),
            drawing: Semaphore::new(1),
        }
    }
}

#[derive(Clone, Copy, Hash, PartialEq, Eq)]
enum Format {
    Svg,
    Png,
    Pdf,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Svg => "image/svg+xml",
            Format::Png => "image/png",
            Format::Pdf => "application/pdf",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PosterQuery {
    pub size: Option<String>,
}

/// The site's address as residents' phones should reach it: the configured
/// public address, else the address this request came to.
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &state.config.public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or("127.0.0.1");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

async fn poster_info(state: &AppState, headers: &HeaderMap, code: &str) -> AppResult<PosterInfo> {
    let room = state.store.room_by_code(code).await?;
    let chain = state.store.region_chain(room.region).await?;
    let conveners = state.store.conveners_of_room(room.id).await?;
    Ok(PosterInfo {
        url: format!("{}/r/{}", base_url(state, headers), room.code),
        region: chain
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        convener: conveners
            .iter()
            .map(|u| u.display_name.as_str())
            .collect::<Vec<_>>()
            .join("、"),
        room_name: room.name,
        place: room.place,
        code: room.code.as_str().to_owned(),
    })
}

fn key(info: &PosterInfo, paper: Paper, format: Format) -> u64 {
    let mut h = DefaultHasher::new();
    (
        &info.room_name,
        &info.region,
        &info.convener,
        &info.place,
        &info.url,
        &info.code,
    )
        .hash(&mut h);
    (paper == Paper::A3, format).hash(&mut h);
    h.finish()
}

async fn poster(
    state: AppState,
    headers: HeaderMap,
    code: String,
    q: PosterQuery,
    format: Format,
) -> AppResult<Response> {
    let paper = match q.size.as_deref() {
        None | Some("") => Paper::A4,
        Some(s) => Paper::parse(s).ok_or_else(|| {
            AppError::BadRequest("纸张只能是 A4 或 A3（size=a4 或 size=a3）".into())
        })?,
    };
    let info = poster_info(&state, &headers, &code).await?;
    let k = key(&info, paper, format);
    let cached = state
        .posters
        .files
        .lock()
        .ok()
        .and_then(|c| c.get(&k).cloned());
    let bytes = match cached {
        Some(b) => b,
        None => {
            let _turn = state
                .posters
                .drawing
                .acquire()
                .await
                .map_err(|e| AppError::Internal(e.into()))?;
            let drawn = tokio::task::spawn_blocking(move || match format {
                Format::Svg => poster::poster_svg(&info, paper)
                    .map(String::into_bytes)
                    .map_err(|e| anyhow::anyhow!(e)),
                Format::Png => poster::png(&info, paper, 300.0).map_err(|e| anyhow::anyhow!(e)),
                Format::Pdf => poster::pdf(&info, paper).map_err(|e| anyhow::anyhow!(e)),
            })
            .await
            .map_err(|e| AppError::Internal(e.into()))??;
            let drawn = Bytes::from(drawn);
            if let Ok(mut c) = state.posters.files.lock() {
                if c.len() >= CACHE_ENTRIES {
                    c.clear();
                }
                c.insert(k, drawn.clone());
            }
            drawn
        }
    };
    let size = if paper == Paper::A3 { "a3" } else { "a4" };
    let ext = match format {
        Format::Svg => "svg",
        Format::Png => "png",
        Format::Pdf => "pdf",
    };
    let disposition = format!("inline; filename=\"poster-{code}-{size}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CACHE_CONTROL, "public, max-age=600".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

pub async fn poster_svg(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<PosterQuery>,
) -> AppResult<Response> {
    poster(s, h, code, q, Format::Svg).await
}

pub async fn poster_png(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<PosterQuery>,
) -> AppResult<Response> {
    poster(s, h, code, q, Format::Png).await
}

pub async fn poster_pdf(
    State(s): State<AppState>,
    h: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<PosterQuery>,
) -> AppResult<Response> {
    poster(s, h, code, q, Format::Pdf).await
}

fn qr_response(url: &str) -> AppResult<Response> {
    let svg = poster::qr_svg(url).map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        svg,
    )
        .into_response())
}

/// The QR code of a room's page.
pub async fn room_qr(
    State(state): State<AppState>,
    h: HeaderMap,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let room = state.store.room_by_code(&code).await?;
    qr_response(&format!("{}/r/{}", base_url(&state, &h), room.code))
}

/// The QR code of a topic's page: to keep the 查询码, or to share the topic.
pub async fn topic_qr(
    State(state): State<AppState>,
    h: HeaderMap,
    Path(no): Path<String>,
) -> AppResult<Response> {
    let t = state.store.topic_by_tracking(&no).await?;
    qr_response(&format!("{}/t/{}", base_url(&state, &h), t.tracking_no))
}

/// The QR code of a meeting's page, for the invitation.
pub async fn meeting_qr(
    State(state): State<AppState>,
    h: HeaderMap,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = id
        .parse()
        .map_err(|_| store::StoreError::NotFound("会议"))?;
    let m = state.store.meeting(MeetingId(id)).await?;
    qr_response(&format!("{}/m/{}", base_url(&state, &h), m.id))
}
