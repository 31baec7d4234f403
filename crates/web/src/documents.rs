//! Sending a generated document (调研报告, 会议纪要, …) as DOCX or PDF. Laying
//! out and converting take tens of milliseconds of CPU, so they run on the
//! blocking pool, not on the request's thread.
use axum::http::header;
use axum::response::{IntoResponse, Response};
use document::Document;

use crate::error::{AppError, AppResult};

/// The two files a document comes as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }

    fn ext(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }
}

/// The document as a download named `{name}.{ext}` (ASCII, so every
/// browser keeps it; the title is inside the file).
pub async fn send(doc: Document, format: Format, name: &str) -> AppResult<Response> {
    let bytes = tokio::task::spawn_blocking(move || match format {
        Format::Docx => document::docx(&doc),
        Format::Pdf => document::pdf(&doc),
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(|e| AppError::Internal(e.into()))?;
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.ext());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// A date as an official paper writes it: 2026年12月6日.
pub fn date_zh(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}
