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
    serde_json::from_str(include_str!("../data/hostile.json"))
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
// 1. Malformed text is refused, in Chinese, and nothing is written.

const FIELDS: [&str; 4] = ["title", "body", "category", "place"];

fn valid(field: &str) -> &'static str {
    match field {
        "title" => "路灯不亮问题",
        "body" => "晚上村口路灯不亮，老人孩子出行不便。",
        "category" => "公共设施",
        _ => "陈师村三组",
    }
}

/// A valid submission with `field` replaced by `value`.
fn submission_with(field: &str, value: &str) -> [(&'static str, String); 4] {
    FIELDS.map(|f| {
        let v = if f == field { value } else { valid(f) };
        (f, v.to_owned())
    })
}

fn as_json(fields: &[(&str, String)]) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Value::String(v.clone())))
            .collect(),
    )
}

/// Every zero-width, bidi and control string in every field, and each field one character too long.
fn malformed_fields(corpus: &Corpus) -> Vec<(&'static str, String)> {
    let mut cases = Vec::new();
    for s in corpus.zero_width_and_bidi.iter().chain(&corpus.control) {
        for field in FIELDS {
            cases.push((field, s.clone()));
        }
    }
    let o = &corpus.overlong;
    for (field, n) in [
        ("title", o.title),
        ("body", o.body),
        ("category", o.category),
        ("place", o.place),
    ] {
        cases.push((field, o.fill.repeat(n)));
    }
    cases
}

async fn malformed_text_is_refused_and_nothing_stored(backend: Backend) {
    let app = TestApp::start(backend).await;
    let corpus = corpus();
    let anon = app.client();

    for (field, value) in malformed_fields(&corpus) {
        let what = label(field, &value);
        let fields = submission_with(field, &value);

        let a = send(
            anon.post(app.url("/api/rooms/room-a/topics"))
                .json(&as_json(&fields)),
            &format!("API {what}"),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "API {what}: {}",
            a.text
        );
        let v = assert_problem(&a, &format!("API {what}"));
        assert_eq!(v["field"], field, "API {what}: {v}");

        let a = send(
            anon.post(app.url("/r/room-a/topics")).form(&fields),
            &format!("form {what}"),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "form {what}: {}",
            a.text
        );
        assert_error_page(&a, &format!("form {what}"));
    }
    assert_eq!(
        count_topics(&app).await,
        0,
        "a malformed submission was stored"
    );

    // The same strings as a user name: refused, never a server error.
    for s in corpus.zero_width_and_bidi.iter().chain(&corpus.control) {
        let what = label("username", s);
        let a = send(
            anon.post(app.url("/api/session"))
                .json(&json!({ "username": s, "password": s })),
            &format!("API login {what}"),
        )
        .await;
        assert_problem(&a, &format!("API login {what}"));
        let a = send(
            app.client()
                .post(app.url("/login"))
                .form(&[("username", s.as_str()), ("password", s.as_str())]),
            &format!("form login {what}"),
        )
        .await;
        assert_refused_page(&a, &format!("form login {what}"));
    }

    // …and as the reason of a stage action, through the API and through the form.
    let no = app.submit(&anon, "路灯不亮问题").await;
    let convener = app.login("convener-a").await;
    let events = timeline_len(&app, &anon, &no).await;
    let mut reasons: Vec<String> = corpus
        .zero_width_and_bidi
        .iter()
        .chain(&corpus.control)
        .cloned()
        .collect();
    reasons.push(corpus.overlong.fill.repeat(corpus.overlong.reason));
    for reason in &reasons {
        let what = label("reason", reason);
        let a = send(
            convener
                .post(app.url(&format!("/api/topics/{no}/actions/reject")))
                .json(&json!({ "reason": reason })),
            &format!("API reject {what}"),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "API reject {what}: {}",
            a.text
        );
        let v = assert_problem(&a, &format!("API reject {what}"));
        assert_eq!(v["field"], "reason", "API reject {what}: {v}");

        let a = send(
            convener
                .post(app.url(&format!("/t/{no}/act/reject")))
                .form(&[("reason", reason.as_str())]),
            &format!("form reject {what}"),
        )
        .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "form reject {what}: {}",
            a.text
        );
        assert_error_page(&a, &format!("form reject {what}"));
    }
    assert_eq!(app.topic_state(&no).await, "submitted");
    assert_eq!(
        timeline_len(&app, &anon, &no).await,
        events,
        "a refused action left a timeline entry"
    );
    assert_eq!(count_topics(&app).await, 1);

    // The refusals above were about the text: a proper reason is taken.
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/reject"),
            json!({ "reason": "不属于本议事室受理范围，请向物业反映" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(app.topic_state(&no).await, "rejected");
    // …and so is a proper form submission.
    let a = send(
        anon.post(app.url("/r/room-a/topics"))
            .form(&submission_with("title", "村口路灯不亮")),
        "valid form",
    )
    .await;
    assert_eq!(a.status, StatusCode::SEE_OTHER, "valid form: {}", a.text);
    assert_eq!(count_topics(&app).await, 2);
}
both!(malformed_text_is_refused_and_nothing_stored);

// ---------------------------------------------------------------------------
// 2. Strange but legitimate text is data: stored and read back byte for byte.

/// Submits through the API and checks the topic reads back exactly; returns its tracking number.
async fn submit_verbatim(
    app: &TestApp,
    c: &Client,
    title: &str,
    body: &str,
    place: &str,
) -> String {
    let what = label("title", title);
    let a = send(
        c.post(app.url("/api/rooms/room-a/topics")).json(&json!({
            "title": title, "body": body, "category": "其他", "place": place,
        })),
        &what,
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{what}: {}", a.text);
    let v: Value = serde_json::from_str(&a.text).expect("201 answer is JSON");
    assert_eq!(v["title"].as_str(), Some(title), "{what}: answer {v}");
    let no = v["tracking_no"]
        .as_str()
        .expect("201 answer has a tracking_no")
        .to_owned();
    let (s, v) = app.get(c, &format!("/api/topics/{no}")).await;
    assert_eq!(s, StatusCode::OK, "{what}: {v}");
    assert_eq!(v["title"].as_str(), Some(title), "{what}: title changed");
    assert_eq!(v["body"].as_str(), Some(body), "{what}: body changed");
    assert_eq!(v["place"].as_str(), Some(place), "{what}: place changed");
    no
}

async fn legitimate_strange_text_is_stored_verbatim(backend: Backend) {
    let app = TestApp::start(backend).await;
    let corpus = corpus();
    let c = app.client();
    let mut stored = 0_u64;
    for p in corpus.sql.iter().chain(&corpus.unicode_edge) {
        assert!(
            p.trim() == p.as_str(),
            "corpus entry {p:?} must not begin or end with white space (the app trims it)"
        );
        let title = clip(&format!("路灯问题{p}"), 60);
        let body = format!("具体情况：{p}");
        let place = clip(p, 100);
        submit_verbatim(&app, &c, &title, &body, &place).await;
        stored += 1;
    }

    // Limits count characters, not bytes: the longest title and body of four-byte characters fit.
    let o = &corpus.overlong;
    submit_verbatim(
        &app,
        &c,
        &o.wide_fill.repeat(o.title - 1),
        &o.wide_fill.repeat(o.body - 1),
        &o.wide_fill.repeat(o.place - 1),
    )
    .await;
    stored += 1;

    // SQL metacharacters in lookups, filters and sign-in are data too: refused plainly, never 5xx.
    for p in &corpus.sql {
        let e = encode(p);
        let a = send(c.get(app.url(&format!("/api/topics?room={e}"))), p).await;
        assert_eq!(
            a.status,
            StatusCode::NOT_FOUND,
            "room filter {p:?}: {}",
            a.text
        );
        assert_problem(&a, &format!("room filter {p:?}"));
        let a = send(c.get(app.url(&format!("/api/topics?state={e}"))), p).await;
        assert_problem(&a, &format!("state filter {p:?}"));
        let a = send(c.get(app.url(&format!("/api/rooms/{e}"))), p).await;
        assert_problem(&a, &format!("room {p:?}"));
        let a = send(c.get(app.url(&format!("/api/topics/{e}"))), p).await;
        assert_problem(&a, &format!("topic {p:?}"));
        let a = send(c.get(app.url(&format!("/lookup?no={e}"))), p).await;
        assert_error_page(&a, &format!("lookup {p:?}"));
        let a = send(
            app.client()
                .post(app.url("/api/session"))
                .json(&json!({ "username": p, "password": p })),
            p,
        )
        .await;
        assert_problem(&a, &format!("sign-in as {p:?}"));
    }

    // The tables are all still there and nothing extra was written.
    assert_eq!(count_topics(&app).await, stored);
    app.submit(&c, "路灯不亮问题").await;
    assert_eq!(count_topics(&app).await, stored + 1);
    let (s, v) = app.get(&c, "/api/topics?limit=200").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total"].as_u64(), Some(stored + 1), "{v}");
    // Users and sessions too: signing in still works.
    app.login("convener-a").await;
}
both!(legitimate_strange_text_is_stored_verbatim);

// ---------------------------------------------------------------------------
// 3. Markup is stored as text and every page shows it inert.

async fn xss_is_stored_but_inert_in_pages(backend: Backend) {
    let app = TestApp::start(backend).await;
    let corpus = corpus();
    let anon = app.client();
    let convener = app.login("convener-a").await;
    for p in &corpus.xss {
        let what = label("xss", p);
        let title = clip(&format!("路灯问题{p}"), 60);
        let place = clip(p, 100);
        let no = submit_verbatim(&app, &anon, &title, p, &place).await;
        // The convener refuses it, quoting the payload: the reason is on the timeline.
        let (s, v) = app
            .post(
                &convener,
                &format!("/api/topics/{no}/actions/reject"),
                json!({ "reason": p }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{what}: reject: {v}");

        for (who, c) in [("anonymous", &anon), ("convener", &convener)] {
            for path in [format!("/t/{no}"), format!("/t/{no}?submitted=1")] {
                let a = send(c.get(app.url(&path)), &what).await;
                let ctx = format!("{what} on {path} as {who}");
                assert_eq!(a.status, StatusCode::OK, "{ctx}");
                let csp = a
                    .headers
                    .get(CONTENT_SECURITY_POLICY)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                assert!(
                    csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
                    "{ctx}: CSP {csp:?}"
                );
                assert_inert(&a.text, &ctx);
                assert_shown_as_text(&a.text, &title, &format!("{ctx}, title"));
                assert_shown_as_text(&a.text, p, &format!("{ctx}, body and reason"));
                assert_shown_as_text(&a.text, &place, &format!("{ctx}, place"));
            }
        }

        // Reflected, not stored: the login page keeps `next` in a hidden field.
        let path = format!("/login?next=/{}", encode(p));
        let a = send(anon.get(app.url(&path)), &what).await;
        assert_eq!(a.status, StatusCode::OK, "{what} on {path}");
        assert_inert(&a.text, &format!("{what} on {path}"));
        let path = format!("/lookup?no={}", encode(p));
        let a = send(anon.get(app.url(&path)), &what).await;
        assert_error_page(&a, &format!("{what} on {path}"));
        assert_inert(&a.text, &format!("{what} on {path}"));
    }

    // Pages that list the titles.
    for (who, c) in [("anonymous", &anon), ("convener", &convener)] {
        for path in ["/", "/r/room-a", "/desk"] {
            if who == "anonymous" && path == "/desk" {
                continue;
            }
            let a = send(c.get(app.url(path)), path).await;
            assert_eq!(a.status, StatusCode::OK, "{path} as {who}: {}", a.text);
            assert_inert(&a.text, &format!("{path} as {who}"));
        }
    }
}
both!(xss_is_stored_but_inert_in_pages);

// ---------------------------------------------------------------------------
// 4. Wrong content types, broken and huge bodies: 4xx, never 5xx, nothing stored.

const VALID_JSON: &str =
    r#"{"title":"路灯不亮问题","body":"晚上村口路灯不亮，老人孩子出行不便。"}"#;
const VALID_FORM: &str = "title=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE%E9%97%AE%E9%A2%98&body=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE";

fn xml_body() -> Vec<u8> {
    concat!(
        r#"<?xml version="1.0"?><!DOCTYPE topic [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#,
        "<topic><title>&xxe;路灯不亮问题</title><body>晚上村口路灯不亮</body></topic>"
    )
    .as_bytes()
    .to_vec()
}

fn multipart_body() -> Vec<u8> {
    concat!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n路灯不亮问题\r\n",
        "--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n晚上村口路灯不亮\r\n",
        "--XyZ--\r\n"
    )
    .as_bytes()
    .to_vec()
}

/// `{"title":"路灯不亮<bytes>问题","body":"晚上村口路灯不亮"}`: otherwise valid JSON around `bytes`.
fn json_with_title_bytes(bytes: &[u8]) -> Vec<u8> {
    [
        r#"{"title":"路灯不亮"#.as_bytes(),
        bytes,
        r#"问题","body":"晚上村口路灯不亮"}"#.as_bytes(),
    ]
    .concat()
}

/// (what, content type, body) for the API; every one must be refused.
fn broken_api_bodies() -> Vec<(&'static str, Option<&'static str>, Vec<u8>)> {
    const JSON: Option<&str> = Some("application/json");
    let nested_object = format!("{}1{}", r#"{"a":"#.repeat(200), "}".repeat(200));
    vec![
        ("text/plain", Some("text/plain"), VALID_JSON.into()),
        ("application/xml", Some("application/xml"), xml_body()),
        (
            "multipart/form-data",
            Some("multipart/form-data; boundary=XyZ"),
            multipart_body(),
        ),
        (
            "form-urlencoded",
            Some("application/x-www-form-urlencoded"),
            VALID_FORM.into(),
        ),
        ("no content type", None, VALID_JSON.into()),
        (
            "invalid UTF-8",
            JSON,
            b"{\"title\":\"\xff\xfe\xfd\",\"body\":\"x\"}".to_vec(),
        ),
        (
            "invalid UTF-8 inside a valid title",
            JSON,
            json_with_title_bytes(b"\xff\xfe"),
        ),
        (
            "overlong UTF-8 encoding of <",
            JSON,
            json_with_title_bytes(b"\xc0\xbc"),
        ),
        (
            "UTF-8 encoded surrogate",
            JSON,
            json_with_title_bytes(b"\xed\xa0\x80"),
        ),
        (
            "lone surrogate escape",
            JSON,
            json_with_title_bytes(br"\ud800"),
        ),
        ("10,000 unclosed brackets", JSON, "[".repeat(10_000).into()),
        (
            "arrays nested 10,000 deep",
            JSON,
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into(),
        ),
        ("object nested 200 deep", JSON, nested_object.into()),
        ("empty array", JSON, "[]".into()),
        (
            "array of the fields in order",
            JSON,
            json!([
                "路灯不亮问题",
                "晚上村口路灯不亮",
                null,
                null,
                null,
                null,
                null
            ])
            .to_string()
            .into(),
        ),
        ("number", JSON, "42".into()),
        ("string", JSON, r#""路灯不亮问题""#.into()),
        ("null", JSON, "null".into()),
        (
            "duplicate keys",
            JSON,
            r#"{"title":"路灯不亮问题","title":"另一个标题啊","body":"晚上村口路灯不亮"}"#.into(),
        ),
        (
            "trailing garbage",
            JSON,
            format!("{VALID_JSON}garbage").into(),
        ),
        (
            "byte order mark",
            JSON,
            format!("\u{feff}{VALID_JSON}").into(),
        ),
        ("empty body", JSON, Vec::new()),
    ]
}

/// (what, content type, body) for the page form; every one must be refused.
fn broken_form_bodies() -> Vec<(&'static str, Option<&'static str>, Vec<u8>)> {
    vec![
        ("text/plain", Some("text/plain"), VALID_FORM.into()),
        ("application/xml", Some("application/xml"), xml_body()),
        (
            "multipart/form-data with the wrong boundary",
            Some("multipart/form-data; boundary=NotThere"),
            multipart_body(),
        ),
        (
            "application/json",
            Some("application/json"),
            VALID_JSON.into(),
        ),
        ("no content type", None, VALID_FORM.into()),
    ]
}

async fn wrong_content_types_and_bodies(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let api = app.url("/api/rooms/room-a/topics");
    let form = app.url("/r/room-a/topics");

    for (what, content_type, body) in broken_api_bodies() {
        let mut rb = c.post(&api).body(body);
        if let Some(ct) = content_type {
            rb = rb.header(CONTENT_TYPE, ct);
        }
        let a = send(rb, what).await;
        assert_problem(&a, &format!("API, {what}"));
        assert_not_served(a.status, &a.text, &format!("API, {what}"));
    }
    for (what, content_type, body) in broken_form_bodies() {
        let mut rb = c.post(&form).body(body);
        if let Some(ct) = content_type {
            rb = rb.header(CONTENT_TYPE, ct);
        }
        let a = send(rb, what).await;
        assert_error_page(&a, &format!("form, {what}"));
        assert_not_served(a.status, &a.text, &format!("form, {what}"));
    }

    // Refusals made by layers before any handler runs still speak problem JSON on /api.
    let a = send(c.put(&api).json(&json!({})), "PUT").await;
    assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "PUT: {}", a.text);
    assert_problem(&a, "API, PUT");
    let a = send(c.delete(&api), "DELETE").await;
    assert_eq!(
        a.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "DELETE: {}",
        a.text
    );
    assert_problem(&a, "API, DELETE");
    let a = send(
        c.post(&api)
            .header("sec-fetch-site", "cross-site")
            .body(VALID_JSON)
            .header(CONTENT_TYPE, "application/json"),
        "cross-site",
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "cross-site: {}", a.text);
    assert_problem(&a, "API, cross-site");
    let a = send(c.put(&form).form(&[("title", "路灯不亮问题")]), "PUT form").await;
    assert_error_page(&a, "form, PUT");

    // 3 MiB (the limit is 1 MiB): answered 413, or the connection is closed before it is all sent.
    let huge = json!({ "title": "路灯不亮问题", "body": "很".repeat(1 << 20) }).to_string();
    if let Ok(r) = c
        .post(&api)
        .header(CONTENT_TYPE, "application/json")
        .body(huge)
        .send()
        .await
    {
        let a = answer(r).await;
        assert_eq!(
            a.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "API, 3 MiB: {}",
            a.text
        );
        assert_problem(&a, "API, 3 MiB");
    }
    let huge = format!(
        "title=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE&body={}",
        "x".repeat(3 << 20)
    );
    if let Ok(r) = c
        .post(&form)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(huge)
        .send()
        .await
    {
        let a = answer(r).await;
        assert_eq!(
            a.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "form, 3 MiB: {}",
            a.text
        );
        assert_error_page(&a, "form, 3 MiB");
    }

    assert_eq!(count_topics(&app).await, 0, "a refused body was stored");
    // The server is still well, and a proper submission is taken (on a new
    // connection: the server may have closed the one the huge body came on).
    let c = app.client();
    assert_eq!(
        app.page(&c, "/healthz").await,
        (StatusCode::OK, "ok".to_owned())
    );
    let a = send(
        c.post(&api)
            .header(CONTENT_TYPE, "application/json")
            .body(VALID_JSON),
        "valid JSON",
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "valid JSON: {}", a.text);
    assert_eq!(count_topics(&app).await, 1);
}
both!(wrong_content_types_and_bodies);

// ---------------------------------------------------------------------------
// 5. Path tricks: 4xx, never a file, never 5xx.

/// Answers must be refusals in the right dress: problem JSON on /api, the Chinese page elsewhere.
fn assert_path_refused(a: &Answer, what: &str) {
    assert_not_served(a.status, &a.text, what);
    if a.path.starts_with("/api/") {
        assert_problem(a, what);
    } else {
        assert_refused_page(a, what);
    }
}

async fn path_traversal_in_paths(backend: Backend) {
    let app = TestApp::start(backend).await;
    let corpus = corpus();
    let c = app.client();
    // The raw sender really reaches the app.
    let (s, css) = raw_get(&app, "/static/app.css").await;
    assert_eq!(s, StatusCode::OK, "raw GET /static/app.css: {css}");

    let fixed = [
        "/r/..%2f..%2fetc%2fpasswd",
        "/t/..%2f..%2fetc%2fpasswd",
        "/static/..%2f..%2fCargo.toml",
        "/static/%2e%2e/%2e%2e/Cargo.toml",
        "/static/../../Cargo.toml",
        "/static/app.css/../../../Cargo.toml",
        "/static/app.css%00.png",
        "/m/-1",
        "/m/99999999999999999999",
        "/m/%00",
        "/t/%00",
        "/r/%00",
        "/api/topics/%00",
        "/api/rooms/%00",
        "/api/meetings/-1",
        "/api/meetings/99999999999999999999",
        "/api/docs/..%2f..%2fCargo.toml",
        "/api/docs/../../Cargo.toml",
        "/api/docs/%2e%2e/%2e%2e/Cargo.toml",
    ];
    for path in fixed {
        // Through a normal client (which may normalise `..` away) and exactly as written.
        let a = send(c.get(app.url(path)), path).await;
        assert_path_refused(&a, path);
        let (s, text) = raw_get(&app, path).await;
        assert_not_served(s, &text, &format!("raw {path}"));
    }

    let prefixes = [
        "/r/",
        "/t/",
        "/m/",
        "/static/",
        "/api/rooms/",
        "/api/topics/",
        "/api/meetings/",
        "/api/docs/",
    ];
    for p in &corpus.path_traversal {
        let e = encode(p);
        for prefix in prefixes {
            // Encoded: the app sees exactly the corpus string as the room code, tracking number…
            let path = format!("{prefix}{e}");
            let a = send(c.get(app.url(&path)), &path).await;
            assert_path_refused(&a, &format!("{p:?} as {path}"));
            // Raw: the server does the decoding (so `%00` becomes NUL, `%2f` a slash).
            if p.bytes().all(|b| b.is_ascii_graphic()) {
                let target = format!("{prefix}{p}");
                let (s, text) = raw_get(&app, &target).await;
                assert_not_served(s, &text, &format!("raw {target}"));
            }
        }
        let path = format!("/lookup?no={e}");
        let a = send(c.get(app.url(&path)), &path).await;
        assert_path_refused(&a, &path);
        let path = format!("/api/topics?room={e}");
        let a = send(c.get(app.url(&path)), &path).await;
        assert_path_refused(&a, &path);
    }
}
both!(path_traversal_in_paths);

// ---------------------------------------------------------------------------
// 6. After signing in, `next` never leads off the site.

async fn login_next_stays_on_site(backend: Backend) {
    let app = TestApp::start(backend).await;
    let nexts = [
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\/evil.example/",
        "https://evil.example/",
        " //evil.example/",
        "/\t/evil.example/",
        "/\n/evil.example/",
        "/\r\n/evil.example/",
        "/desk\r\nSet-Cookie: sl_session=x",
        "/%09/evil.example/",
        "/%2F/evil.example/",
    ];
    for next in nexts {
        let what = format!("next={next:?}");
        let a = send(
            app.client().post(app.url("/login")).form(&[
                ("username", "resident"),
                ("password", WORLD_PASSWORD),
                ("next", next),
            ]),
            &what,
        )
        .await;
        assert!(
            !a.status.is_server_error(),
            "{what}: server error {}: {}",
            a.status,
            a.text
        );
        assert_eq!(a.status, StatusCode::SEE_OTHER, "{what}: {}", a.text);
        let location = a
            .headers
            .get(LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_else(|| panic!("{what}: a redirect without Location"));
        // What a browser makes of it: tabs and newlines dropped, leading controls and
        // spaces trimmed, backslashes read as slashes.
        let seen: String = location
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .map(|c| if c == '\\' { '/' } else { c })
            .collect();
        let seen = seen.trim_start_matches(|c: char| c <= ' ');
        assert!(
            seen.starts_with('/') && !seen.starts_with("//"),
            "{what}: Location {location:?} leads off the site"
        );
    }
}
both!(login_next_stays_on_site);
