//! 专题活动 through the real server: a subdistrict's leader runs a campaign
//! over its rooms (not another's), the convener counts topics and a meeting
//! in, and the campaign's page shows each room's progress.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use crate::meeting_day::form;
use store::both_backends as both;

async fn a_campaign_shows_each_rooms_progress(backend: Backend) {
    let app = TestApp::start(backend).await;
    let leader = app.login("leader-a").await;
    let region = app.world.subdistrict_a.0.to_string();
    let room_a = app.world.room_a.0.to_string();
    let room_b = app.world.room_b.0.to_string();
    let fields = |rooms: &str, end: &str| {
        vec![
            ("region", region.clone()),
            ("name", "民生专题协商议事月".to_owned()),
            ("theme", "聚焦农路、停车、养老等民生小事".to_owned()),
            ("starts_on", "2026-10-01".to_owned()),
            ("ends_on", end.to_owned()),
            ("rooms", rooms.to_owned()),
        ]
    };
    let post = |c: &reqwest::Client, f: Vec<(&'static str, String)>| {
        let c = c.clone();
        let url = app.url("/campaigns");
        async move { c.post(url).form(&f).send().await.unwrap() }
    };
    let r = post(&leader, fields(&room_b, "2026-10-31")).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "another subdistrict's room"
    );
    let r = post(&leader, fields(&room_a, "2026-09-30")).await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "ends before it starts"
    );
    let r = post(&app.login("leader-b").await, fields(&room_a, "2026-10-31")).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "not their subdistrict");
    let r = post(&leader, fields(&room_a, "2026-10-31")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = r.headers()["location"].to_str().unwrap().to_owned();
    let id = page.trim_start_matches("/campaigns/").to_owned();

    // The convener counts two topics and a meeting in; another convener cannot.
    let convener = app.login("convener-a").await;
    let researched = app.submit(&app.client(), "陈师村三组农路改造").await;
    let raised = app.submit(&app.client(), "府前路停车秩序整治").await;
    let elsewhere = app.submit(&app.client(), "村部老年助餐点").await;
    let (_, page_before) = app.page(&convener, &format!("/t/{researched}")).await;
    assert!(
        page_before.contains("计入专题活动"),
        "the convener is offered the campaign"
    );
    for no in [&researched, &raised] {
        let (s, _) = form(
            &convener,
            app.url(&format!("/t/{no}/campaign")),
            &[("campaign", &id)],
        )
        .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
    }
    let (s, _) = form(
        &app.login("convener-b").await,
        app.url(&format!("/t/{elsewhere}/campaign")),
        &[("campaign", &id)],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    app.post(
        &convener,
        &format!("/api/topics/{researched}/actions/accept"),
        json!({}),
    )
    .await;
    app.research(&convener, &researched).await;
    let (_, m) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "民生议事会", "starts_at": "2030-10-20T09:00" }),
        )
        .await;
    let mid = m["id"].as_i64().unwrap();
    let (s, _) = form(
        &convener,
        app.url(&format!("/m/{mid}/campaign")),
        &[("campaign", &id)],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);

    // Its page: room A raised 2, researched 1, deliberated 0, resolved 0, one meeting.
    let (s, html) = app.page(&app.client(), &page).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        html.contains("民生专题协商议事月") && html.contains("2026-10-01 至 2026-10-31"),
        "{html}"
    );
    let row = html
        .split("陈师村议事室</th>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert_eq!(
        row, "<td>2</td><td>1</td><td>0</td><td>0</td><td>1</td>",
        "{html}"
    );
    let (_, topic) = app.page(&app.client(), &format!("/t/{raised}")).await;
    assert!(
        topic.contains(&format!("href=\"/campaigns/{id}\"")),
        "the topic names its campaign"
    );
    let (_, list) = app.page(&app.client(), "/campaigns").await;
    assert!(list.contains("1 个议事室参加"), "{list}");
}
both!(a_campaign_shows_each_rooms_progress);
