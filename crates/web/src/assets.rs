//! The few static files the pages need, embedded in the binary.
//!
//! Each is linked with a content hash in its URL (`/static/app.css?v=…`), so
//! WeChat's in-app browser, which caches hard, can keep it forever and still
//! picks up a new release at once. Seven files do not justify an asset
//! pipeline. Each is compressed once, on first use, with brotli and with
//! gzip, and sent in the best encoding the browser accepts (weui.min.css
//! goes from 188 KB to about a sixth).
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

const FILES: [Asset; 7] = [
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
    Asset {
        name: "screen.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../static/screen.css"),
    },
    Asset {
        name: "screen.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/screen.js"),
    },
    Asset {
        name: "echarts.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/vendor/echarts.min.js"),
    },
];

/// Versioned URLs of the assets, for templates.
#[derive(Debug)]
pub struct Urls {
    pub css: String,
    pub js: String,
    pub weui: String,
    pub htmx: String,
    /// The big screen's (数据大屏) own stylesheet, script and ECharts.
    pub screen_css: String,
    pub screen_js: String,
    pub echarts: String,
}

/// Each file gzipped, once.
static GZIPPED: LazyLock<[Vec<u8>; FILES.len()]> =
    LazyLock::new(|| FILES.each_ref().map(|a| crate::encoding::gzip(a.bytes, 9)));

/// Each file in brotli, once (quality 9: nearly the best, in a fraction of
/// the time of 11).
static BROTLI: LazyLock<[Vec<u8>; FILES.len()]> = LazyLock::new(|| {
    FILES
        .each_ref()
        .map(|a| crate::encoding::brotli(a.bytes, 9))
});

/// Compresses every file ahead, on the blocking pool (brotli at quality 9
/// takes a while), so no request waits for it on the async runtime.
/// Called when the app starts; a request that comes first waits for it.
pub fn compress_ahead() {
    tokio::task::spawn_blocking(|| {
        LazyLock::force(&GZIPPED);
        LazyLock::force(&BROTLI);
    });
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
        screen_css: url(4),
        screen_js: url(5),
        echarts: url(6),
    }
});

#[derive(Deserialize)]
pub struct Version {
    v: Option<String>,
}

/// Serves an embedded file; with the current version in the URL it may be cached for a year.
pub async fn file(
    Path(name): Path<String>,
    Query(q): Query<Version>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(i) = FILES.iter().position(|a| a.name == name) else {
        return problem(StatusCode::NOT_FOUND, "文件不存在".into(), None);
    };
    let a = &FILES[i];
    let cache = if q.v.as_deref() == Some(VERSIONS[i].as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let head = [
        (header::CONTENT_TYPE, a.content_type),
        (header::CACHE_CONTROL, cache),
        (header::VARY, "Accept-Encoding"),
    ];
    let encoded = match crate::encoding::preferred(&headers) {
        Some("br") if !BROTLI[i].is_empty() => Some(("br", BROTLI[i].as_slice())),
        Some(_) if !GZIPPED[i].is_empty() => Some(("gzip", GZIPPED[i].as_slice())),
        _ => None,
    };
    match encoded {
        Some((coding, bytes)) => {
            let mut r = (head, bytes).into_response();
            r.headers_mut().insert(
                header::CONTENT_ENCODING,
                axum::http::HeaderValue::from_static(coding),
            );
            r
        }
        None => (head, a.bytes).into_response(),
    }
}
