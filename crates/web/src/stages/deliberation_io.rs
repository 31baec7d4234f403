//! A deliberation in and out of Pol.is's openData CSV format, and its end:
//! a convener brings an existing Pol.is conversation into a topic (the
//! opinion map is then computed here), anyone downloads a deliberation in
//! the format the Pol.is community reads, and the convener closes it.
use axum::extract::{FromRequest, Multipart, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use domain::{DeliberationId, DeliberationMove};
use opinion::polis::OpenDataFiles;

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::{AppError, AppResult};
use crate::forms::PageForm;

/// The CSV files of a Pol.is export, as uploaded (`comments`, `votes`,
/// `participants_votes`; any other part is ignored).
pub struct Upload(pub OpenDataFiles);

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> AppResult<Self> {
        let bad = |_| AppError::BadRequest("请选择 Pol.is 导出的 CSV 文件后再导入".into());
        let mut form = Multipart::from_request(req, state).await.map_err(bad)?;
        let mut files = OpenDataFiles::default();
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|_| AppError::BadRequest("上传的文件读取失败".into()))?
        {
            let slot = match field.name() {
                Some("comments") => &mut files.comments,
                Some("votes") => &mut files.votes,
                Some("participants_votes") => &mut files.participants_votes,
                _ => continue,
            };
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::BadRequest("上传的文件读取失败".into()))?;
            if bytes.is_empty() {
                continue;
            }
            let text = String::from_utf8(bytes.to_vec())
                .map_err(|_| AppError::BadRequest("CSV 文件应为 UTF-8 编码".into()))?;
            *slot = Some(text.trim_start_matches('\u{feff}').to_owned());
        }
        Ok(Upload(files))
    }
}

/// 导入: a convener opens the topic's deliberation from a Pol.is export.
pub async fn import_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(no): Path<String>,
    req: axum::extract::Request,
) -> AppResult<Redirect> {
    let topic = state.store.topic_by_tracking(&no).await?;
    // Whose room it is, before reading what may be megabytes of upload.
    if !viewer.actor.is_convener_of(topic.room) {
        return Err(domain::DomainError::Forbidden.into());
    }
    let Upload(files) = Upload::from_request(req, &state).await?;
    let data = tokio::task::spawn_blocking(move || opinion::polis::parse_open_data(&files))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::BadRequest(format!("无法读取 Pol.is 导出文件：{e}")))?;
    let d = state
        .store
        .import_deliberation(topic.id, &viewer.who(), &data)
        .await?;
    state.recompute.mark(d.id);
    Ok(Redirect::to(&format!("/d/{}/results?imported=1", d.id)))
}

/// One file of the deliberation in openData format (group ids from a fresh analysis).
pub async fn export_file(
    State(state): State<AppState>,
    Path((id, file)): Path<(DeliberationId, String)>,
) -> AppResult<Response> {
    state.store.deliberation(id).await?;
    if !matches!(
        file.as_str(),
        "comments.csv" | "votes.csv" | "participants-votes.csv"
    ) {
        return Err(store::StoreError::NotFound("文件").into());
    }
    let (votes, comments) = state.store.open_data(id).await?;
    let meta = comments
        .iter()
        .filter(|c| c.is_meta)
        .map(|c| c.tid)
        .collect();
    let name = file.clone();
    let text = tokio::task::spawn_blocking(move || {
        let analysis = (name == "participants-votes.csv" && !votes.is_empty()).then(|| {
            let mut opts = opinion::Options {
                threads: 2,
                ..Default::default()
            };
            opts.moderation = opinion::polis::moderation_of(&comments);
            opts.moderation.meta = meta;
            opinion::analyze_log(&votes, &opts, None)
        });
        let files = opinion::polis::open_data_files(&votes, &comments, analysis.as_ref());
        match name.as_str() {
            "comments.csv" => files.comments,
            "votes.csv" => files.votes,
            _ => files.participants_votes,
        }
        .unwrap_or_default()
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"deliberation-{id}-{file}\""),
            ),
        ],
        text,
    )
        .into_response())
}

/// 结束: the convener closes the deliberation; the map stays.
/// Who may take part: `scope` is `verified_only` or `all_phones`.
#[derive(serde::Deserialize)]
pub struct ParticipationInput {
    scope: Option<String>,
}

pub async fn participation_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<DeliberationId>,
    PageForm(input): PageForm<ParticipationInput>,
) -> AppResult<Redirect> {
    let mv = input
        .scope
        .as_deref()
        .and_then(DeliberationMove::parse)
        .filter(|m| {
            matches!(
                m,
                DeliberationMove::VerifiedOnly | DeliberationMove::AllPhones
            )
        })
        .ok_or_else(|| crate::forms::invalid("scope", "请选择参与范围"))?;
    state
        .store
        .restrict_deliberation(id, &viewer.actor, mv)
        .await?;
    Ok(Redirect::to(&format!("/d/{id}/results#data")))
}

/// A burst the convener leaves out, as the results page lists it.
#[derive(serde::Deserialize)]
pub struct DiscountInput {
    origin: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

pub async fn discount_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<DeliberationId>,
    PageForm(input): PageForm<DiscountInput>,
) -> AppResult<Redirect> {
    let time = |raw: &Option<String>, field: &'static str| {
        chrono::DateTime::parse_from_rfc3339(raw.as_deref().unwrap_or(""))
            .map(|t| t.to_utc())
            .map_err(|_| crate::forms::invalid(field, "时间格式不正确，请刷新页面后再试"))
    };
    let (from, to) = (time(&input.from, "from")?, time(&input.to, "to")?);
    let origin = crate::forms::required(&input.origin, "origin", "网络地址")?;
    state
        .store
        .discount_burst(id, &viewer.actor, origin, from, to)
        .await?;
    state.recompute.mark(id);
    Ok(Redirect::to(&format!("/d/{id}/results#data")))
}

pub async fn close_page(
    State(state): State<AppState>,
    SignedIn(viewer): SignedIn,
    Path(id): Path<DeliberationId>,
) -> AppResult<Redirect> {
    state.store.close_deliberation(id, &viewer.who()).await?;
    state.recompute.mark(id);
    Ok(Redirect::to(&format!("/d/{id}/results")))
}
