//! Open311 answers in the format the path asks for (`.json` or `.xml`),
//! errors included, with the element names the specification uses.
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// `json` or `xml`, from a path's last segment (`services.json`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// Splits `name.json` into `name` and its format.
pub fn split(segment: &str) -> Option<(&str, Format)> {
    let (name, ext) = segment.rsplit_once('.')?;
    let format = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    Some((name, format))
}

/// A list as the specification wraps it: `root` around one `item` element
/// per entry in XML, a bare array in JSON.
pub fn list<T: Serialize>(format: Format, root: &str, item: &str, items: &[T]) -> Response {
    reply(format, StatusCode::OK, root, item, items)
}

/// One object (a service definition) under `root`.
pub fn one<T: Serialize>(format: Format, root: &str, value: &T) -> Response {
    match format {
        Format::Json => (StatusCode::OK, axum::Json(value)).into_response(),
        Format::Xml => xml(
            StatusCode::OK,
            quick_xml::se::to_string_with_root(root, value),
        ),
    }
}

#[derive(Serialize)]
struct Error<'a> {
    code: u16,
    description: &'a str,
}

/// An error as the specification shapes it, with its HTTP status.
pub fn error(format: Format, status: StatusCode, description: &str) -> Response {
    let e = [Error {
        code: status.as_u16(),
        description,
    }];
    reply(format, status, "errors", "error", &e)
}

fn reply<T: Serialize>(
    format: Format,
    status: StatusCode,
    root: &str,
    item: &str,
    items: &[T],
) -> Response {
    match format {
        Format::Json => (status, axum::Json(items)).into_response(),
        Format::Xml => {
            let mut out = format!("<{root}>");
            for it in items {
                match quick_xml::se::to_string_with_root(item, it) {
                    Ok(one) => out.push_str(&one),
                    Err(e) => return xml(status, Err(e)),
                }
            }
            out.push_str(&format!("</{root}>"));
            xml(status, Ok(out))
        }
    }
}

/// An XML document: the prolog, then `body`.
fn xml(status: StatusCode, body: Result<String, quick_xml::SeError>) -> Response {
    match body {
        Ok(body) => {
            let body = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>{body}");
            (
                status,
                [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                body,
            )
                .into_response()
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
