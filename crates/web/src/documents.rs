//! Sending a generated document (调研报告, 会议纪要, …) as DOCX or PDF, or a
//! record as an XLSX sheet. Laying out and converting take tens of
//! milliseconds of CPU, so they run on the blocking pool, not on the
//! request's thread.
use axum::http::header;
use axum::response::{IntoResponse, Response};
use document::{Document, Sheet};

use crate::error::{AppError, AppResult};

/// The files a document or a sheet comes as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
    Xlsx,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    fn ext(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }
}

/// The document as a download named `{name}.{ext}` (ASCII, so every
/// browser keeps it; the title is inside the file); `Xlsx` is for sheets.
pub async fn send(doc: Document, format: Format, name: &str) -> AppResult<Response> {
    let bytes = made(move || match format {
        Format::Pdf => document::pdf(&doc),
        _ => document::docx(&doc),
    })
    .await?;
    Ok(download(bytes, format, name))
}

/// Sheets as an XLSX download named `{name}.xlsx`.
pub async fn send_sheets(sheets: Vec<Sheet>, name: &str) -> AppResult<Response> {
    Ok(download(workbook(sheets).await?, Format::Xlsx, name))
}

/// Sheets as an XLSX file.
pub async fn workbook(sheets: Vec<Sheet>) -> AppResult<Vec<u8>> {
    made(move || document::xlsx(&sheets)).await
}

/// Runs a document writer on the blocking pool.
async fn made(
    write: impl FnOnce() -> Result<Vec<u8>, document::DocumentError> + Send + 'static,
) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(write)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))
}

/// Bytes made already, as a download named `{name}.{ext}`.
pub fn download(bytes: Vec<u8>, format: Format, name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.ext());
    (
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// A date as an official paper writes it: 2026年12月6日.
pub fn date_zh(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}
