//! The live meeting through the real server: the item under discussion,
//! the speakers' queue (an attendee asks once), a vote by hands that must
//! fit the room, a phone vote with one ballot per person signed in, and the
//! opinion agreed — all on the page that refreshes itself.
use reqwest::{Client, StatusCode};
use serde_json::json;
use store::testing::Backend;

use crate::helpers::{TestApp, beijing};
use crate::meeting_day::{door_code, form};
use store::both_backends as both;

/// A phone that scans the door's current code and signs in as a walk-in.
async fn walk_in(app: &TestApp, convener: &Client, m: i64, name: &str) -> Client {
    let phone = app.phone().await;
    let code = door_code(app, convener, m).await;
    phone.get(app.url(&code)).send().await.unwrap();
    let (s, _) = form(
        &phone,
        app.url(&format!("/m/{m}/checkin")),
        &[("name", name), ("category", "public")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    phone
}

async fn a_meeting_runs_live(backend: Backend) {
    let clock = store::Clock::at(beijing("2026-12-20T08:50:00+08:00"));
    let app = TestApp::init(backend).with_clock(clock).start().await;
    let convener = app.login("convener-a").await;
    let no = app.submit(&app.client(), "陈师村三组农路改造").await;
    app.post(
        &convener,
        &format!("/api/topics/{no}/actions/accept"),
        json!({}),
    )
    .await;
    app.research(&convener, &no).await;
    let (_, v) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "三组农路改造议事会", "starts_at": "2026-12-20T09:00" }),
        )
        .await;
    let m = v["id"].as_i64().unwrap();
    let (s, _) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/schedule"),
            json!({ "meeting": m.to_string() }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let zhang = walk_in(&app, &convener, m, "张大爷").await;
    let li = walk_in(&app, &convener, m, "李阿姨").await;
    let url = |p: &str| app.url(&format!("/m/{m}/live{p}"));

    // Before the meeting starts nothing runs.
    let (s, _) = form(&convener, url("/speakers"), &[("name", "王主任")]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    app.post(
        &convener,
        &format!("/api/meetings/{m}/actions/start"),
        json!({}),
    )
    .await;

    // The item, the queue: the convener adds a speaker, an attendee asks once.
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let (s, _) = form(
        &convener,
        url("/current"),
        &[("topic", &topic.id.0.to_string())],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    form(&convener, url("/speakers"), &[("name", "王主任")]).await;
    let (s, _) = form(&zhang, url("/ask"), &[]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = form(&zhang, url("/ask"), &[]).await;
    assert_eq!(s, StatusCode::CONFLICT, "once in the queue is enough");
    let (s, _) = form(&app.phone().await, url("/ask"), &[]).await;
    assert_eq!(s, StatusCode::CONFLICT, "only someone signed in asks");
    form(&convener, url("/next"), &[]).await;
    let (_, panel) = app.page(&app.client(), &format!("/m/{m}/live/panel")).await;
    assert!(
        panel.contains("正在发言：<strong>王主任</strong>"),
        "{panel}"
    );
    assert!(
        panel.contains("等候发言：张大爷") && panel.contains("（正在协商）"),
        "{panel}"
    );

    // By hands: no more votes than people present.
    form(
        &convener,
        url("/votes"),
        &[("question", "同意分两段施工"), ("mode", "hands")],
    )
    .await;
    let live = app.store.live(domain::MeetingId(m)).await.unwrap();
    let hands = live.votes[0].id;
    let close = |v: i64| url(&format!("/votes/{v}/close"));
    let (s, _) = form(
        &convener,
        close(hands),
        &[("yes", "5"), ("no", "0"), ("abstain", "0")],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _) = form(
        &convener,
        close(hands),
        &[("yes", "2"), ("no", "0"), ("abstain", "0")],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    // By phone: one ballot each, only from someone signed in.
    form(
        &convener,
        url("/votes"),
        &[("question", "同意村集体出资三成"), ("mode", "phones")],
    )
    .await;
    let phones = app.store.live(domain::MeetingId(m)).await.unwrap().votes[0].id;
    let ballot = url(&format!("/votes/{phones}/ballot"));
    let (s, _) = form(&zhang, ballot.clone(), &[("choice", "yes")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, _) = form(&zhang, ballot.clone(), &[("choice", "no")]).await;
    assert_eq!(s, StatusCode::CONFLICT, "one vote per attendee");
    let (s, _) = form(&app.phone().await, ballot.clone(), &[("choice", "yes")]).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, _) = form(&li, ballot.clone(), &[("choice", "no")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, panel) = app.page(&zhang, &format!("/m/{m}/live/panel")).await;
    assert!(
        panel.contains("赞成 1 · 反对 1 · 弃权 0") && panel.contains("您已投票：赞成"),
        "{panel}"
    );
    form(&convener, close(phones), &[]).await;
    let (s, _) = form(&li, ballot, &[("choice", "yes")]).await;
    assert_eq!(s, StatusCode::CONFLICT, "a closed vote takes no ballots");

    // The opinion agreed shows on the live page; the results too.
    let (s, _) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/opinion"),
            json!({ "text": "同意分两段施工，村集体出资比例再议。" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, page) = app.page(&app.client(), &format!("/m/{m}/live")).await;
    assert_eq!(s, StatusCode::OK);
    for text in [
        "同意分两段施工</strong>（举手表决，通过）",
        "同意村集体出资三成</strong>（手机表决，未通过）",
        "村集体出资比例再议",
    ] {
        assert!(page.contains(text), "{text}: {page}");
    }
    assert!(
        !page.contains("发起表决"),
        "only the convener runs the meeting"
    );

    app.post(
        &convener,
        &format!("/api/meetings/{m}/actions/close"),
        json!({}),
    )
    .await;
    let (s, _) = form(
        &convener,
        url("/votes"),
        &[("question", "散会后表决"), ("mode", "hands")],
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
}
both!(a_meeting_runs_live);
