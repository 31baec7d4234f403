//! With `redis_url` set, rate limits are counted in Redis by every node
//! together: a phone that spreads its submissions over two nodes meets the
//! same limit as on one. Without Redis each node counts its own share.
use reqwest::StatusCode;
use serde_json::json;
use store::both_backends as both;
use store::testing::Backend;

use crate::helpers::TestApp;

/// The Redis the tests count in (this machine's, unless told otherwise).
fn redis_url() -> String {
    std::env::var("SHANGLIANG_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

async fn submit(app: &TestApp, c: &reqwest::Client, n: usize) -> (StatusCode, serde_json::Value) {
    let body = json!({ "title": format!("停车秩序整治第{n}次"), "body": "小区门口车辆乱停。" });
    app.post(c, "/api/rooms/room-a/topics", body).await
}

async fn limits_are_counted_across_nodes(backend: Backend) {
    // A namespace of its own, so runs and tests never share counts.
    let namespace = format!("test-{:016x}", rand::random::<u64>());
    let shared = |c: &mut web::WebConfig| {
        c.rate_limits = true;
        c.redis_url = Some(redis_url());
        c.redis_namespace = namespace.clone();
    };
    let a = TestApp::init(backend).with_config(shared).start().await;
    let b = a.second_node_with(shared).await;
    let phone = a.client();
    // Ten an hour from one phone: five on each node.
    for n in 0..10 {
        let node = if n % 2 == 0 { &a } else { &b };
        let (s, v) = submit(node, &phone, n).await;
        assert_eq!(s, StatusCode::CREATED, "submission {n}: {v}");
    }
    for node in [&a, &b] {
        let (s, v) = submit(node, &phone, 10).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
        assert!(
            v["detail"].as_str().unwrap().contains("提交议题太频繁"),
            "{v}"
        );
    }
    // Another phone still has its own allowance.
    let (s, v) = submit(&b, &a.client(), 11).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}
both!(limits_are_counted_across_nodes);

/// Redis that does not answer leaves each node counting its own share,
/// rather than refusing residents.
async fn without_redis_nodes_count_their_own(backend: Backend) {
    let unreachable = |c: &mut web::WebConfig| {
        c.rate_limits = true;
        c.redis_url = Some("redis://127.0.0.1:9".into());
    };
    let app = TestApp::init(backend)
        .with_config(unreachable)
        .start()
        .await;
    let phone = app.client();
    for n in 0..10 {
        let (s, v) = submit(&app, &phone, n).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, _) = submit(&app, &phone, 10).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
}
both!(without_redis_nodes_count_their_own);
