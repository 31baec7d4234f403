//! Completion and effectiveness: a department completes with photos of the
//! finished work; completion schedules a follow-up check (跟踪问效) weeks
//! later, the worker reminds the convener once when it falls due, and a
//! check that finds 没有效果 reopens the topic and sends it to the leaders.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::{Multipart, TestApp, beijing};
use crate::intake::{media_links, picture};
use store::both_backends as both;

async fn evidence_then_a_follow_up_that_reopens(backend: Backend) {
    // Monday 2 November 2026 in Beijing.
    let clock = store::Clock::at(beijing("2026-11-02T10:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .start()
        .await;
    let no = app
        .submit(&app.phone().await, "陈师村三组破损井盖修缮")
        .await;
    let convener = app.login("convener-a").await;
    let refer = json!({ "department": app.world.dept_a.0.to_string(), "due": "2026-11-20" });
    let (s, v) = app
        .post(&convener, &format!("/api/topics/{no}/actions/refer"), refer)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let task = app.store.tasks_of_topic(topic.id).await.unwrap()[0].id;
    let staff = app.login("staff-a").await;
    let (s, _) = app
        .post(
            &staff,
            &format!("/api/tasks/{task}/actions/sign"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);

    // 办结 with a photo of the new cover, from the topic page's form.
    let r = Multipart::new()
        .text("note", "已更换球墨铸铁井盖并加装防坠网。")
        .file(
            "photos",
            "IMG_2001.jpg",
            "image/jpeg",
            &picture(image::ImageFormat::Jpeg, 90),
        )
        .send(&staff, app.url(&format!("/tasks/{task}/act/complete")))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(html.contains("办结照片"), "the evidence is on the task");
    let evidence = media_links(&html, "<a href=\"");
    assert_eq!(evidence.len(), 1, "one photo, not among the resident's");
    let got = app
        .client()
        .get(app.url(&evidence[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), StatusCode::OK, "public once the topic is");
    assert!(app.store.photos(topic.id).await.unwrap().is_empty());

    // Verifying completes the topic and schedules the check 30 days on.
    let (s, _) = app
        .post(
            &convener,
            &format!("/api/tasks/{task}/actions/verify"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.topic_state(&no).await, "completed");
    let checks = app.store.follow_ups(topic.id).await.unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].due_on.to_string(), "2026-12-02");
    let (_, html) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(
        html.contains("计划于 2026-12-02 回访"),
        "the check is announced"
    );

    // The worker tells the convener on the day, once.
    let calendar = app.store.calendar().await.unwrap();
    let thresholds = domain::Thresholds::default();
    clock.set(beijing("2026-12-01T09:00:00+08:00"));
    assert_eq!(
        app.store.supervise(&calendar, &thresholds).await.unwrap(),
        0
    );
    clock.set(beijing("2026-12-02T09:00:00+08:00"));
    let (a, b) = tokio::join!(
        app.store.supervise(&calendar, &thresholds),
        app.store.supervise(&calendar, &thresholds)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "reminded once");
    let inbox = app.inbox("convener-a").await;
    assert_eq!(
        inbox.iter().filter(|t| t.starts_with("跟踪问效")).count(),
        1,
        "{inbox:?}"
    );

    // Only the convener or a committee member goes back; a choice is needed.
    let convener = app.login("convener-a").await;
    let path = format!("/api/topics/{no}/actions/follow_up");
    let found = |outcome: &str| json!({ "outcome": outcome, "note": "井盖牢固，周边路面平整。" });
    for login in ["staff-a", "convener-b", "leader-b"] {
        let (s, _) = app
            .post(&app.login(login).await, &path, found("effective"))
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{login}");
    }
    let (s, v) = app
        .post(&convener, &path, json!({ "note": "去看了。" }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = app
        .post(&app.login("member").await, &path, found("partial"))
        .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{v}"
    );

    // 没有效果, with a photo: the topic is reopened and goes to the leaders.
    let r = Multipart::new()
        .text("outcome", "ineffective")
        .text("note", "井盖再次松动，夜间车辆经过时响声很大。")
        .file(
            "photos",
            "IMG_3001.jpg",
            "image/jpeg",
            &picture(image::ImageFormat::Jpeg, 30),
        )
        .send(&convener, app.url(&format!("/t/{no}/act/follow_up")))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.topic_state(&no).await, "reopened");
    let kinds: Vec<String> = app
        .store
        .timeline(topic.id)
        .await
        .unwrap()
        .iter()
        .map(|e| e.kind.code().to_owned())
        .collect();
    assert!(kinds.contains(&"follow_up_failed".into()), "{kinds:?}");
    let (_, html) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(
        html.contains("没有效果") && html.contains("回访照片1"),
        "on the page"
    );
    let leader = app.login("leader-a").await;
    let (_, desk) = app.get(&leader, "/api/desk").await;
    assert!(desk["to_review"].to_string().contains(&no), "{desk}");
    let (_, html) = app.page(&leader, &format!("/t/{no}")).await;
    assert!(
        html.contains("跟踪回访：没有效果。井盖再次松动"),
        "the leader reads why"
    );
}
both!(evidence_then_a_follow_up_that_reopens);
