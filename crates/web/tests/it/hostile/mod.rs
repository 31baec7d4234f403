//! Hostile input, from the corpus in `tests/data/hostile.json`: malformed text is
//! refused in Chinese with nothing written; strange but legitimate text (SQL
//! metacharacters, emoji, rare characters) is stored byte for byte; markup is
//! stored but shown only as text; wrong content types, broken or huge bodies and
//! path tricks are answered 4xx, never 5xx, never with a file.
//!
//! These tests read the HTML the server sends. That no script actually runs in a
//! browser (the `window.__xss` / `document.title='XSS'` markers stay unset) is
//! checked separately, in real Chromium, by the browser tests.
use std::time::Duration;

use reqwest::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use store::testing::{Backend, WORLD_PASSWORD};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::TestApp;
use store::both_backends as both;

// ---------------------------------------------------------------------------
// The corpus

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    /// Markup and template payloads; legitimate text that must stay inert.
    xss: Vec<String>,
    /// SQL metacharacters; legitimate text that must stay data.
    sql: Vec<String>,
    /// Valid titles with a zero-width or bidi character inside: refused.
    zero_width_and_bidi: Vec<String>,
    /// Valid titles with a control character inside: refused. No `\n`, `\t` or
    /// `\r` here: those are allowed in multi-line fields.
    control: Vec<String>,
    /// Valid titles with an invisible character inside (a tag, a Hangul
    /// filler, a stray variation selector, a line separator) or a tower of
    /// combining marks: refused.
    invisible: Vec<String>,
    overlong: Overlong,
    /// File-name-like strings, used as path segments.
    path_traversal: Vec<String>,
    /// Unusual but valid text: emoji sequences, combining marks, CJK extension B…
    unicode_edge: Vec<String>,
}

/// One character more than each field allows, filled with `fill`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overlong {
    fill: String,
    /// A four-byte character: limits count characters, not bytes.
    wide_fill: String,
    title: usize,
    body: usize,
    category: usize,
    place: usize,
    reason: usize,
}

fn corpus() -> Corpus {
    serde_json::from_str(include_str!("../../data/hostile.json"))
        .expect("tests/data/hostile.json is a valid corpus")
}

// ---------------------------------------------------------------------------
// Small helpers

/// What came back for one request.
struct Answer {
    status: StatusCode,
    /// The path actually requested (after the client's own URL normalisation).
    path: String,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status();
    let path = r.url().path().to_owned();
    let headers = r.headers().clone();
    let text = r
        .text()
        .await
        .unwrap_or_else(|e| format!("<body unreadable: {e}>"));
    Answer {
        status,
        path,
        headers,
        text,
    }
}

async fn send(rb: RequestBuilder, what: &str) -> Answer {
    let r = rb
        .send()
        .await
        .unwrap_or_else(|e| panic!("{what}: no answer: {e}"));
    answer(r).await
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A 4xx RFC 9457 problem document with a Chinese `detail`; returns the document.
fn assert_problem(a: &Answer, what: &str) -> Value {
    assert!(
        a.status.is_client_error(),
        "{what}: expected 4xx, got {} {}",
        a.status,
        a.text
    );
    assert!(
        a.content_type().starts_with("application/problem+json"),
        "{what}: {} answered with content-type {:?}, not problem JSON: {}",
        a.status,
        a.content_type(),
        a.text
    );
    let v: Value = serde_json::from_str(&a.text)
        .unwrap_or_else(|e| panic!("{what}: problem body is not JSON ({e}): {}", a.text));
    assert!(
        v["detail"].as_str().is_some_and(has_chinese),
        "{what}: detail is not in Chinese: {v}"
    );
    v
}

/// A 4xx HTML page in Chinese.
fn assert_refused_page(a: &Answer, what: &str) {
    assert!(
        a.status.is_client_error(),
        "{what}: expected 4xx, got {} {}",
        a.status,
        a.text
    );
    assert!(
        a.content_type().starts_with("text/html"),
        "{what}: {} answered with content-type {:?}: {}",
        a.status,
        a.content_type(),
        a.text
    );
    assert!(
        a.text.contains("lang=\"zh-CN\"") && has_chinese(&a.text),
        "{what}: error page is not in Chinese: {}",
        a.text
    );
}

/// The app's own error page ("操作没有成功").
fn assert_error_page(a: &Answer, what: &str) {
    assert_refused_page(a, what);
    assert!(
        a.text.contains("操作没有成功"),
        "{what}: not the error page: {}",
        a.text
    );
}

/// The first `max` characters, without the trailing white space the app would trim.
fn clip(s: &str, max: usize) -> String {
    s.chars()
        .take(max)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// Enough of a value to name it in a failure message, invisible characters made visible.
fn label(field: &str, value: &str) -> String {
    let head: String = value.chars().take(24).collect();
    let more = if value.chars().count() > 24 {
        "…"
    } else {
        ""
    };
    format!("{field}={head:?}{more}")
}

/// Percent-encodes every byte but unreserved ASCII, so the server decodes back exactly `s`.
fn encode(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
    }
    out
}

/// How askama writes text into HTML.
fn askama_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '&' => out.push_str("&#38;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            c => out.push(c),
        }
    }
    out
}

async fn count_topics(app: &TestApp) -> u64 {
    app.store
        .count_topics(&store::TopicFilter::default())
        .await
        .expect("count topics")
}

async fn timeline_len(app: &TestApp, c: &Client, no: &str) -> usize {
    let (s, v) = app.get(c, &format!("/api/topics/{no}")).await;
    assert_eq!(s, StatusCode::OK, "topic {no}: {v}");
    v["timeline"].as_array().map_or(0, Vec::len)
}

/// Sends `GET {target}` exactly as written, with no client-side URL normalisation
/// (`..` segments and `%2e` stay as they are), and returns the status and raw answer.
async fn raw_get(app: &TestApp, target: &str) -> (StatusCode, String) {
    let addr = app
        .base
        .strip_prefix("http://")
        .expect("the app's base URL is http://host:port");
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to the app");
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("raw GET {target}: cannot send: {e}"));
    let mut bytes = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut bytes))
        .await
        .unwrap_or_else(|_| panic!("raw GET {target}: no answer within 10 s"))
        .unwrap_or_else(|e| panic!("raw GET {target}: {e}"));
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let code = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .unwrap_or_else(|| panic!("raw GET {target}: no status line in {text:?}"));
    let status = StatusCode::from_u16(code)
        .unwrap_or_else(|e| panic!("raw GET {target}: bad status {code}: {e}"));
    (status, text)
}

/// Strings that only appear if a file from disk was served.
const FILE_MARKERS: [&str; 7] = [
    "root:x:0:0",
    "[workspace]",
    "[package]",
    "[fonts]",
    "for 16-bit app support",
    "BEGIN OPENSSH PRIVATE KEY",
    "BEGIN RSA PRIVATE KEY",
];

/// Refused (4xx), not a server error, and no file contents.
fn assert_not_served(status: StatusCode, text: &str, what: &str) {
    assert!(
        !status.is_server_error(),
        "{what}: server error {status}: {text}"
    );
    assert!(
        status.is_client_error(),
        "{what}: expected 4xx, got {status}: {text}"
    );
    for marker in FILE_MARKERS {
        assert!(
            !text.contains(marker),
            "{what}: the answer contains {marker:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Inertness of rendered HTML

/// Tags that a page of this app never contains; one appearing means markup got through.
const FOREIGN_TAGS: [&str; 18] = [
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math",
    "style", "img", "video", "audio", "source", "marquee", "template", "noscript",
];

/// Attributes that a page of this app never uses.
const FOREIGN_ATTRIBUTES: [&str; 6] = [
    "srcdoc",
    "formaction",
    "xlink:href",
    "style",
    "http-equiv",
    "background",
];

/// Attributes holding a URL, which must not be a script URL.
const URL_ATTRIBUTES: [&str; 5] = ["href", "src", "action", "data", "poster"];
const SCRIPT_URLS: [&str; 3] = ["javascript:", "vbscript:", "data:text/html"];

/// Every tag in `html`: the lower-cased text between `<` and `>`.
fn tags(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let opens_tag = rest
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        if !opens_tag {
            continue;
        }
        let end = rest.find('>').unwrap_or(rest.len());
        out.push(rest[..end].to_ascii_lowercase());
        rest = &rest[end..];
    }
    out
}

/// The (name, value) attributes of a tag's text. Quoted values are taken whole, so
/// escaped text inside a value (a reflected `next`, say) is not mistaken for markup.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut it = tag
        .chars()
        .skip_while(|c| !c.is_whitespace() && *c != '/')
        .peekable();
    loop {
        while it.next_if(|c| c.is_whitespace() || *c == '/').is_some() {}
        let mut name = String::new();
        while let Some(c) = it.next_if(|c| !c.is_whitespace() && *c != '=' && *c != '/') {
            name.push(c);
        }
        if name.is_empty() {
            // The end, or a stray `=`: step over it.
            if it.next().is_none() {
                break;
            }
            continue;
        }
        while it.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if it.next_if_eq(&'=').is_some() {
            while it.next_if(|c| c.is_whitespace()).is_some() {}
            if let Some(quote) = it.next_if(|c| *c == '"' || *c == '\'') {
                for c in it.by_ref() {
                    if c == quote {
                        break;
                    }
                    value.push(c);
                }
            } else {
                while let Some(c) = it.next_if(|c| !c.is_whitespace()) {
                    value.push(c);
                }
            }
        }
        out.push((name, value));
    }
    out
}

/// The page's own scripts and same-site images (QR codes, photo thumbnails),
/// as the templates write them: never built from stored text.
fn own_asset(tag: &str) -> bool {
    let script = tag.starts_with("script src=\"/static/") && tag.ends_with("\" defer");
    let img = tag.starts_with("img class=\"qr\" src=\"/t/") || tag.starts_with("img src=\"/media/");
    script || img || tag == "/script"
}

/// No tag in the page could run script: no foreign tag, no event handler, no script URL.
fn assert_inert(html: &str, what: &str) {
    for tag in tags(html).into_iter().filter(|t| !own_asset(t)) {
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        assert!(
            !FOREIGN_TAGS.contains(&name.as_str()),
            "{what}: a live <{name}> tag in the page: <{tag}>"
        );
        for (attr, value) in attributes(&tag) {
            assert!(
                !attr.starts_with("on") && !attr.contains("__xss"),
                "{what}: attribute {attr:?} in <{tag}>"
            );
            assert!(
                !FOREIGN_ATTRIBUTES.contains(&attr.as_str()),
                "{what}: attribute {attr:?} in <{tag}>"
            );
            if URL_ATTRIBUTES.contains(&attr.as_str()) {
                // Browsers ignore white space and control characters in a URL's scheme.
                let url: String = value
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                    .collect();
                assert!(
                    !SCRIPT_URLS.iter().any(|s| url.starts_with(s)),
                    "{what}: script URL in <{tag}>"
                );
            }
            if name == "link" && attr == "href" {
                // The stylesheet, and the empty icon that stops browsers asking for /favicon.ico.
                assert!(
                    value.starts_with("/static/") || value == "data:,",
                    "{what}: a link to somewhere else: <{tag}>"
                );
            }
        }
    }
}

/// `text` is on the page as askama writes it, and never raw when escaping changes it.
fn assert_shown_as_text(html: &str, text: &str, what: &str) {
    let escaped = askama_escape(text);
    assert!(
        html.contains(&escaped),
        "{what}: {text:?} is not on the page as escaped text {escaped:?}"
    );
    if escaped != text {
        assert!(
            !html.contains(text),
            "{what}: {text:?} appears unescaped in the page"
        );
    }
}

// ---------------------------------------------------------------------------

mod requests;
mod text;
