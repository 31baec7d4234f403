//! The few static files the pages need, embedded in the binary.
//!
//! Each is linked with a content hash in its URL (`/static/app.css?v=…`), so
//! WeChat's in-app browser, which caches hard, can keep it forever and still
//! picks up a new release at once. Four files do not justify an asset
//! pipeline. They are served uncompressed for now.
use std::sync::LazyLock;

use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::problem;

struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: [Asset; 4] = [
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../static/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/app.js"),
    },
    Asset {
        name: "weui.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../static/vendor/weui.min.css"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/vendor/htmx.min.js"),
    },
];

/// Versioned URLs of the assets, for templates.
#[derive(Debug)]
pub struct Urls {
    pub css: String,
    pub js: String,
    pub weui: String,
    pub htmx: String,
}

/// Each file's content hash, computed once.
static VERSIONS: LazyLock<[String; FILES.len()]> = LazyLock::new(|| {
    FILES
        .each_ref()
        .map(|a| hex::encode(&Sha256::digest(a.bytes)[..6]))
});

pub static URLS: LazyLock<Urls> = LazyLock::new(|| {
    let url = |i: usize| format!("/static/{}?v={}", FILES[i].name, VERSIONS[i]);
    Urls {
        css: url(0),
        js: url(1),
        weui: url(2),
        htmx: url(3),
    }
});

#[derive(Deserialize)]
pub struct Version {
    v: Option<String>,
}

/// Serves an embedded file; with the current version in the URL it may be cached for a year.
pub async fn file(Path(name): Path<String>, Query(q): Query<Version>) -> Response {
    let Some(i) = FILES.iter().position(|a| a.name == name) else {
        return problem(StatusCode::NOT_FOUND, "文件不存在".into(), None);
    };
    let a = &FILES[i];
    let cache = if q.v.as_deref() == Some(VERSIONS[i].as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    (
        [
            (header::CONTENT_TYPE, a.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        a.bytes,
    )
        .into_response()
}
