//! Malformed text refused, strange text kept byte for byte, markup inert on every page.
use super::*;

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
    let refused = corpus
        .zero_width_and_bidi
        .iter()
        .chain(&corpus.control)
        .chain(&corpus.invisible);
    for s in refused {
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
    // Every refusal's problem document, snapshotted: a changed message shows in review.
    let mut problems = std::collections::BTreeMap::new();

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
        problems.insert(what.clone(), v);

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
    insta::assert_json_snapshot!("malformed_submissions", problems);

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
