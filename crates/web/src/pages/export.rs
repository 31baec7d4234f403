//! 导出: a large region's 工作台账 is made in the background while the page
//! that asked shows how many topics are written, then offers the file.
//! Progress and file are in the store, so whichever node serves the page
//! shows the same; a node killed mid-way leaves a count that stops moving,
//! which the page reports as stopped, and asking again starts afresh.
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use domain::{ExportId, ExportStatus, Period};
use store::Region;

use super::ledger;
use crate::AppState;
use crate::auth::Viewer;
use crate::documents::{Format, download, workbook};
use crate::error::{AppError, AppResult};
use crate::view::{Nav, render};

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    nav: Nav,
    id: i64,
    region: Region,
    period: String,
    period_label: String,
    /// Being made: (topics written, topics in all).
    making: Option<(u64, u64)>,
    ready: bool,
    percent: u8,
}

/// Answers a request for a large 台账: the export being made (or made a
/// moment ago) for the same region and period, or a new one, started here.
pub(super) async fn start(
    state: &AppState,
    viewer: &Viewer,
    region: Region,
    period: Period,
    total: u64,
) -> AppResult<Response> {
    let by = viewer.user.as_ref().ok_or(AppError::Unauthorized)?.id;
    let (export, new) = state
        .store
        .ledger_export(region.id, &period, by, total)
        .await?;
    if new {
        tokio::spawn(make(state.clone(), export.id, region, period));
    }
    Ok(Redirect::to(&format!("/exports/{}", export.id.0)).into_response())
}

/// Makes the export's file and keeps it; a failure is recorded, so the
/// page says so at once instead of waiting for the count to go still.
async fn make(state: AppState, id: ExportId, region: Region, period: Period) {
    let made = async {
        let sheets = ledger::sheets(&state, &region, &period, Some(id)).await?;
        let file = workbook(sheets).await?;
        state.store.export_made(id, file).await?;
        AppResult::Ok(())
    }
    .await;
    if let Err(e) = made {
        tracing::error!(export = id.0, error = %e, "the 台账 export failed");
        if let Err(e) = state.store.export_failed(id, &e.to_string()).await {
            tracing::error!(export = id.0, error = %e, "cannot record the export's failure");
        }
    }
}

/// `GET /exports/{id}`: how far the 台账 has got, then its download.
pub async fn export(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<ExportId>,
) -> AppResult<Html<String>> {
    let export = state.store.export(id).await?;
    let region = state.store.region(export.region).await?;
    Ok(Html(render(&ExportPage {
        nav: Nav::of(&viewer),
        id: id.0,
        region,
        period: export.period.code(),
        period_label: export.period.label_zh(),
        making: match export.status {
            ExportStatus::Making { done, total } => Some((done, total)),
            _ => None,
        },
        ready: export.status == ExportStatus::Ready,
        percent: export.status.percent(),
    })))
}

/// `GET /exports/{id}/ledger.xlsx`: the made file; before it is made,
/// back to the page that shows progress.
pub async fn file(State(state): State<AppState>, Path(id): Path<ExportId>) -> AppResult<Response> {
    let export = state.store.export(id).await?;
    if export.status != ExportStatus::Ready {
        return Ok(Redirect::to(&format!("/exports/{}", id.0)).into_response());
    }
    let bytes = state.store.export_file(id).await?;
    let name = ledger::file_name(export.region, &export.period);
    Ok(download(bytes, Format::Xlsx, &name))
}
