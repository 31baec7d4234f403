//! Public pages and lists served from memory are never older than this
//! node's last write, and at most about a second older than another node's;
//! signed-in people always get their own page.
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::deliberation::{form, opened_with_four_seeds, statement_ids};
use crate::helpers::TestApp;
use store::both_backends as both;

async fn public_pages_follow_writes(backend: Backend) {
    let app = TestApp::start(backend).await;
    let anon = app.client();
    let total = |v: &serde_json::Value| v["total"].as_i64().unwrap();
    // Seen once, so they are kept.
    for path in ["/", "/r/room-a", "/r/room-a?channel=resident"] {
        let (s, page) = app.page(&anon, path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(!page.contains("停车秩序整治"), "{path}");
    }
    let (_, list) = app.get(&anon, "/api/topics?room=room-a").await;
    let before = total(&list);

    // A write on this node shows at once, on every page and list.
    let no = app.submit(&app.client(), "停车秩序整治").await;
    for path in ["/", "/r/room-a", "/r/room-a?channel=resident"] {
        let (_, page) = app.page(&anon, path).await;
        assert!(page.contains("停车秩序整治"), "{path} shows the new topic");
    }
    let (_, list) = app.get(&anon, "/api/topics?room=room-a").await;
    assert_eq!(total(&list), before + 1);
    assert_eq!(list["items"][0]["tracking_no"], no.as_str());

    // A topic's page: its shared part is kept too, and follows the convener's move.
    let topic = format!("/t/{no}");
    let (_, page) = app.page(&anon, &topic).await;
    assert!(page.contains("待受理"));
    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/accept"),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, page) = app.page(&anon, &topic).await;
    assert!(page.contains("已立项") && !page.contains("待受理"));

    // Pages are per viewer where they differ: a signed-in convener gets
    // their own name and desk, the anonymous resident does not.
    let (_, mine) = app.page(&convener, "/r/room-a").await;
    let (_, theirs) = app.page(&anon, "/r/room-a").await;
    assert!(mine.contains("/desk") && !theirs.contains("/desk"));
    // Nothing is kept for a page that failed.
    let (s, _) = app.page(&anon, "/r/no-such-room").await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A write on another node shows within about a second.
    let other = app.second_node().await;
    other.submit(&other.client(), "破损井盖修缮").await;
    let started = Instant::now();
    loop {
        let (_, page) = app.page(&anon, "/r/room-a").await;
        let (_, list) = app.get(&anon, "/api/topics?room=room-a").await;
        if page.contains("破损井盖修缮") && total(&list) == before + 2 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "another node's topic never appeared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
both!(public_pages_follow_writes);

/// A node hears of another node's write and drops what it kept, without
/// waiting for its time bound (here an hour): on PostgreSQL as the write
/// commits, on a SQLite file (another process writing to it) within a
/// second.
async fn another_nodes_write_is_heard(backend: Backend) {
    let app = TestApp::init(backend)
        .with_config(|c| c.page_fresh = Duration::from_secs(3600))
        .start()
        .await;
    let anon = app.client();
    let (_, page) = app.page(&anon, "/r/room-a").await;
    assert!(!page.contains("破损井盖修缮"));
    let other = app.second_node().await;
    other.submit(&other.client(), "破损井盖修缮").await;
    assert!(
        shown_soon(&app, &anon, "/r/room-a", "破损井盖修缮").await,
        "the other node's topic not shown within 3 s"
    );
    // Its own writes still show at once, on either database.
    app.submit(&app.client(), "停车秩序整治").await;
    let (_, page) = app.page(&anon, "/r/room-a").await;
    assert!(page.contains("停车秩序整治"));
}
both!(another_nodes_write_is_heard);

/// A like taken by another node's like writer (on PostgreSQL its batch
/// notifies the other nodes in the statement that grows the figures) shows
/// on this node's kept topic page, without waiting for the time bound.
async fn another_nodes_like_is_heard(backend: Backend) {
    let app = TestApp::init(backend)
        .with_config(|c| c.page_fresh = Duration::from_secs(3600))
        .start()
        .await;
    let no = app.submit(&app.client(), "破损井盖修缮").await;
    app.resolve_by_referral(&no).await;
    let anon = app.client();
    let (_, page) = app.page(&anon, &format!("/t/{no}")).await;
    assert!(page.contains("点赞 · 0"), "{page}");
    let other = app.second_node().await;
    let (status, like) = other.like(&other.phone().await, &no).await;
    assert_eq!((status, &like["count"]), (StatusCode::OK, &json!(1)));
    assert!(
        shown_soon(&app, &anon, &format!("/t/{no}"), "点赞 · 1").await,
        "the other node's like not shown within 3 s"
    );
}
both!(another_nodes_like_is_heard);

/// Whether `path` shows `text` to `viewer` within three seconds.
async fn shown_soon(app: &TestApp, viewer: &reqwest::Client, path: &str, text: &str) -> bool {
    let started = Instant::now();
    loop {
        let (_, page) = app.page(viewer, path).await;
        if page.contains(text) {
            return true;
        }
        if started.elapsed() > Duration::from_secs(3) {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Phones that have voted on nothing yet share one voting page (a poster's
/// crowd); a phone that has voted gets its own, and the others still theirs.
async fn newcomers_share_the_voting_page(backend: Backend) {
    let app = TestApp::start(backend).await;
    let id = opened_with_four_seeds(&app, "村口停车难问题").await;
    let ids = statement_ids(&app, id).await;
    let at = format!("/d/{id}");
    let (first, second) = (app.phone().await, app.phone().await);
    let (s, html) = app.page(&first, &at).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("已表态 0 / 4 条"), "{html}");
    assert_eq!(app.page(&second, &at).await.1, html);
    let r = form(
        &first,
        app.url(&format!("{at}/vote")),
        &[("statement", &ids[0]), ("vote", "agree")],
    )
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, mine) = app.page(&first, &at).await;
    assert!(mine.contains("已表态 1 / 4 条"), "{mine}");
    let (_, theirs) = app.page(&second, &at).await;
    assert!(theirs.contains("已表态 0 / 4 条"), "{theirs}");
    assert_eq!(app.page(&app.phone().await, &at).await.1, theirs);
}
both!(newcomers_share_the_voting_page);
