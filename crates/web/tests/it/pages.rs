//! The front door answers in Chinese; operations endpoints answer; bad input is refused clearly.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

async fn front_door(backend: Backend) {
    let app = TestApp::init(backend)
        .with_config(|c| c.metrics_token = Some("scrape-token-1".into()))
        .start()
        .await;
    let c = app.client();
    let no = app.submit(&c, "破损井盖修缮").await;
    for (path, text) in [
        ("/", "议事室"),
        ("/r/room-a", "我要提议题"),
        (&format!("/t/{no}") as &str, "破损井盖修缮"),
        ("/login", "验证码"),
    ] {
        let r = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let h = r.headers().clone();
        assert!(
            h["content-type"].to_str().unwrap().starts_with("text/html"),
            "{path}"
        );
        assert!(
            h.contains_key("content-security-policy") && h["x-content-type-options"] == "nosniff",
            "{path}"
        );
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("frame-ancestors 'none'")
        );
        assert!(h.contains_key("x-request-id") && h.contains_key("referrer-policy"));
        let body = r.text().await.unwrap();
        assert!(
            body.contains(text) && body.contains("lang=\"zh-CN\""),
            "{path} lacks {text}"
        );
    }
    assert_eq!(
        app.page(&c, "/healthz").await,
        (StatusCode::OK, "ok".to_owned())
    );
    assert_eq!(
        app.page(&c, "/readyz").await,
        (StatusCode::OK, "ready".to_owned())
    );
    // Metrics are the operator's: refused without the token or with a wrong one.
    assert_eq!(app.page(&c, "/metrics").await.0, StatusCode::UNAUTHORIZED);
    let scrape = |token: &'static str| {
        let c = c.clone();
        let url = app.url("/metrics");
        async move {
            let r = c.get(url).bearer_auth(token).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    assert_eq!(scrape("wrong").await.0, StatusCode::UNAUTHORIZED);
    let (s, metrics) = scrape("scrape-token-1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(metrics.contains("http_requests_total"), "{metrics}");
    let (s, html) = app.page(&c, "/r/no-such-room").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(html.contains("议事室不存在"));
}
both!(front_door);

async fn bad_input_changes_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let count = || async {
        app.store
            .count_topics(&store::TopicFilter::default())
            .await
            .unwrap()
    };
    let cases = [
        json!({ "title": "短", "body": "内容" }),
        json!({ "title": "正常的标题\u{202E}反转", "body": "内容" }),
        json!({ "title": "正常的标题", "body": "" }),
        json!({ "title": "正常的标题", "body": "内容", "phone": "12345" }),
        json!({ "title": "x".repeat(61), "body": "内容" }),
        json!({ "title": "正常的标题", "body": "内容", "channel": "leadership" }),
    ];
    for body in cases {
        let (s, v) = app.post(&c, "/api/rooms/room-a/topics", body.clone()).await;
        assert!(s.is_client_error(), "{body} → {s}");
        assert!(
            v["detail"]
                .as_str()
                .is_some_and(|d| d.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))),
            "{v}"
        );
    }
    let r = c
        .post(app.url("/api/rooms/room-a/topics"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // A huge body is cut off: answered 413, or the connection is closed before it is all sent.
    let huge = json!({ "title": "正常的标题", "body": "很".repeat(1 << 20) }).to_string();
    let r = c
        .post(app.url("/api/rooms/room-a/topics"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await;
    if let Ok(r) = r {
        assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    assert_eq!(count().await, 0);

    // A cross-site form post is refused before it reaches any handler. (On
    // a new connection: the server closes the one it cut the huge body on,
    // and a pooled client may not have noticed yet.)
    let c = app.client();
    let r = c
        .post(app.url("/r/room-a/topics"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("title", "跨站提交的标题"), ("body", "内容")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(count().await, 0);

    // Stored markup is shown as text.
    let no = app.submit(&c, "<script>alert(1)</script>路灯").await;
    let (_, html) = app.page(&c, &format!("/t/{no}")).await;
    assert!(!html.contains("<script>alert(1)") && html.contains("&#60;script&#62;alert(1)"));
}
both!(bad_input_changes_nothing);

/// Pages go out compressed to a phone that asks (brotli first, else gzip),
/// and whole; a PDF and a browser that does not ask get them as they are.
async fn pages_are_compressed_for_phones_that_ask(backend: Backend) {
    use std::io::Read;
    let app = TestApp::start(backend).await;
    let c = app.client();
    let plain = c.get(app.url("/r/room-a")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.text().await.unwrap();
    for (asked, expected) in [("gzip, deflate, br", "br"), ("gzip, deflate", "gzip")] {
        let r = c
            .get(app.url("/r/room-a"))
            .header("accept-encoding", asked)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-encoding"], expected, "asked {asked}");
        let body = r.bytes().await.unwrap();
        assert!(
            body.len() * 2 < plain.len(),
            "{expected}: {} bytes for a {}-byte page",
            body.len(),
            plain.len()
        );
        if expected == "gzip" {
            let mut page = String::new();
            flate2::read::GzDecoder::new(&body[..])
                .read_to_string(&mut page)
                .unwrap();
            assert!(page.contains("我要提议题") && page.len() == plain.len());
        }
    }
    // The static files were compressed ahead, brotli smaller than gzip.
    let mut sizes = Vec::new();
    for (asked, expected) in [
        ("gzip, deflate, br", Some("br")),
        ("gzip", Some("gzip")),
        ("", None),
    ] {
        let r = c
            .get(app.url("/static/weui.min.css"))
            .header("accept-encoding", asked)
            .send()
            .await
            .unwrap();
        let coding = r
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(coding.as_deref(), expected, "asked {asked:?}");
        sizes.push(r.bytes().await.unwrap().len());
    }
    assert!(
        sizes[0] < sizes[1] && sizes[1] * 4 < sizes[2],
        "br, gzip, plain: {sizes:?}"
    );
    let pdf = c
        .get(app.url("/r/room-a/poster.pdf"))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.status(), StatusCode::OK);
    assert!(
        pdf.headers().get("content-encoding").is_none(),
        "a PDF is compressed already"
    );
}
both!(pages_are_compressed_for_phones_that_ask);
