//! 上会研究 as a record: a leadership meeting rules on each consultation
//! opinion by itself — adopted, partly adopted (which part) or not (with a
//! public reason) — and tasks carry out only what was adopted.
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

/// A topic of room A taken by convener-a through research and a meeting that
/// formed these opinions; returns its 查询码.
async fn deliberated(app: &TestApp, opinions: &[&str]) -> String {
    let no = app.submit(&app.client(), "陈师村停车秩序整治").await;
    let convener = app.login("convener-a").await;
    let ok = |(s, v): (StatusCode, Value)| {
        assert!(s.is_success(), "{v}");
        v
    };
    let act = |a: &str| format!("/api/topics/{no}/actions/{a}");
    ok(app.post(&convener, &act("accept"), json!({})).await);
    app.research(&convener, &no).await;
    let m = ok(app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "停车秩序议事会", "starts_at": "2030-03-01T09:00" }),
        )
        .await)["id"]
        .clone();
    ok(app
        .post(
            &convener,
            &act("schedule"),
            json!({ "meeting": m.to_string() }),
        )
        .await);
    ok(app
        .post(
            &convener,
            &format!("/api/meetings/{m}/actions/start"),
            json!({}),
        )
        .await);
    for text in opinions {
        ok(app
            .post(&convener, &act("opinion"), json!({ "text": text }))
            .await);
    }
    no
}

async fn rule(app: &TestApp, c: &Client, no: &str, body: Value) -> (StatusCode, Value) {
    app.post(c, &format!("/api/topics/{no}/actions/review"), body)
        .await
}

async fn each_opinion_is_ruled_on_by_itself(backend: Backend) {
    let app = TestApp::start(backend).await;
    let no = deliberated(
        &app,
        &[
            "在村委会西侧空地施划停车位三十个。",
            "对占用消防通道停车的车辆一律拖离。",
        ],
    )
    .await;
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let opinions = app.store.opinions(topic.id).await.unwrap();
    let (first, second) = (opinions[0].id.to_string(), opinions[1].id.to_string());
    let leader = app.login("leader-a").await;
    let session = app.review_session(&leader).await.to_string();

    // 部分采纳 must say which part; nothing changes when it does not.
    let (s, v) = rule(
        &app,
        &leader,
        &no,
        json!({ "session": session, "opinion": first, "decision": "partly_adopt" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["detail"].as_str().unwrap().contains("采纳哪一部分"),
        "{v}"
    );
    let part = "先在村委会西侧施划停车位十五个";
    let (s, v) = rule(
        &app,
        &leader,
        &no,
        json!({ "session": session, "opinion": first, "decision": "partly_adopt",
                "part": part, "instructions": "请城建办本月内完成。" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // One opinion still waits: the topic stays deliberated and cannot be dispatched.
    assert_eq!(v["state"], "deliberated");
    let dispatch = json!({ "department": app.world.dept_a.0.to_string(), "title": "施划停车位", "due": "2030-02-01" });
    let (s, _) = app
        .post(
            &leader,
            &format!("/api/topics/{no}/actions/dispatch"),
            dispatch.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    // An opinion is ruled on once.
    let (s, v) = rule(
        &app,
        &leader,
        &no,
        json!({ "session": session, "opinion": first, "decision": "adopt" }),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");

    // 不予采纳 needs a reason the public reads.
    let (s, v) = rule(
        &app,
        &leader,
        &no,
        json!({ "session": session, "opinion": second, "decision": "not_adopt" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let reason = "拖离车辆须由交警部门依法实施，村级不具备执法权";
    let (s, v) = rule(
        &app,
        &leader,
        &no,
        json!({ "session": session, "opinion": second, "decision": "not_adopt", "reason": reason }),
    )
    .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("reviewed")),
        "{v}"
    );
    assert_eq!(v["decision"], "partly_adopt", "{v}");

    // The public page and the API show every opinion with its ruling.
    let (_, t) = app.get(&app.client(), &format!("/api/topics/{no}")).await;
    let ops = t["opinions"].as_array().unwrap();
    assert_eq!(ops[0]["decision"], "partly_adopt");
    assert_eq!(ops[0]["part"], part);
    assert_eq!(ops[0]["instructions"], "请城建办本月内完成。");
    assert_eq!(ops[1]["decision"], "not_adopt");
    assert_eq!(ops[1]["reason"], reason);
    assert_eq!(ops[1]["session"].to_string(), session);
    let (_, page) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(
        page.contains(&format!("采纳部分：{part}")),
        "part on the page"
    );
    assert!(
        page.contains(&format!("不予采纳理由：{reason}")),
        "reason on the page"
    );
    assert!(
        page.contains("街道党工委会议") && page.contains("审议"),
        "the timeline names the leadership meeting"
    );

    // The leadership meeting's record lists both rulings with their topic.
    let (s, rec) = app
        .get(&app.client(), &format!("/api/reviews/{session}"))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rec["attendees"], "党工委书记、办事处主任、分管副主任");
    let rulings = rec["rulings"].as_array().unwrap();
    assert_eq!(rulings.len(), 2, "{rec}");
    assert!(rulings.iter().all(|r| r["topic"] == no.as_str()));
    let (_, html) = app
        .page(&app.client(), &format!("/reviews/{session}"))
        .await;
    assert!(html.contains(reason) && html.contains("陈师村停车秩序整治"));

    // Only what was adopted becomes a task.
    let mut named = dispatch.clone();
    named["opinion"] = json!(second);
    let (s, v) = app
        .post(
            &leader,
            &format!("/api/topics/{no}/actions/dispatch"),
            named,
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let mut named = dispatch;
    named["opinion"] = json!(first);
    let (s, v) = app
        .post(
            &leader,
            &format!("/api/topics/{no}/actions/dispatch"),
            named,
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("implementing")),
        "{v}"
    );
    let task = &app.store.tasks_of_topic(topic.id).await.unwrap()[0];
    assert_eq!(task.opinion.map(|o| o.to_string()), Some(first));
}
both!(each_opinion_is_ruled_on_by_itself);

/// A leadership meeting belongs to a region its recorder leads, and rules
/// only once held, on topics below it.
async fn a_leadership_meeting_is_held_over_the_topic(backend: Backend) {
    let app = TestApp::start(backend).await;
    let no = deliberated(&app, &["在村委会西侧空地施划停车位三十个。"]).await;
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let opinion = app.store.opinions(topic.id).await.unwrap()[0]
        .id
        .to_string();

    // Another subdistrict's leader records a meeting of their own region,
    // which cannot rule here; naming this region is refused outright.
    let other = app.login("leader-b").await;
    let theirs = app.review_session(&other).await.to_string();
    let leader = app.login("leader-a").await;
    let (s, v) = rule(
        &app,
        &leader,
        &no,
        json!({ "session": theirs, "opinion": opinion, "decision": "adopt" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let region = app.world.subdistrict_a.0;
    let (s, _) = app
        .post(
            &other,
            "/api/reviews",
            json!({ "title": "街道党工委会议", "held_on": app.today(), "attendees": "书记", "region": region }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // A meeting recorded ahead of its day rules only once it is held.
    let (s, later) = app
        .post(
            &leader,
            "/api/reviews",
            json!({ "title": "街道党工委会议", "held_on": "2099-01-04", "attendees": "书记" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = rule(
        &app,
        &leader,
        &no,
        json!({ "session": later["id"].to_string(), "opinion": opinion, "decision": "adopt" }),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("尚未召开"), "{v}");
    assert_eq!(app.topic_state(&no).await, "deliberated");

    // The county's leadership may rule on a village's topic.
    let county = app.login("leader-county").await;
    let v = app
        .review(&county, &no, json!({ "decision": "adopt" }))
        .await;
    assert_eq!(v["state"], "reviewed");
}
both!(a_leadership_meeting_is_held_over_the_topic);
