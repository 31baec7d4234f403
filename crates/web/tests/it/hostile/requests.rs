//! Wrong content types, broken and huge bodies, path tricks and sign-in redirects.
use super::*;

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
