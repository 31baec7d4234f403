//! 督办单: a leader orders on a task (what, answer by when), the department
//! hears at once and answers; one left unanswered past its date goes up to
//! the department's head and the leaders, once, however many workers run.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::{TestApp, beijing};
use store::both_backends as both;

async fn an_order_is_answered_or_escalated(backend: Backend) {
    // Monday 2 November 2026 in Beijing.
    let clock = store::Clock::at(beijing("2026-11-02T10:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .start()
        .await;
    let dept = app.world.dept_a.0.to_string();
    let convener = app.login("convener-a").await;
    let mut tasks = Vec::new();
    for title in ["村口路灯不亮", "府前路井盖缺失"] {
        let no = app.submit(&app.phone().await, title).await;
        let refer = json!({ "department": dept, "deadline": "normal" });
        let (s, v) = app
            .post(&convener, &format!("/api/topics/{no}/actions/refer"), refer)
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let topic = app.store.topic_by_tracking(&no).await.unwrap();
        tasks.push((
            no,
            topic.id,
            app.store.tasks_of_topic(topic.id).await.unwrap()[0].id,
        ));
    }
    // Signed, and due weeks ahead: no other notice goes out meanwhile.
    let staff = app.login("staff-a").await;
    for (_, _, task) in &tasks {
        let (s, _) = app
            .post(
                &staff,
                &format!("/api/tasks/{task}/actions/sign"),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
    }

    // Only a leader over the topic issues one, answerable today or later.
    let leader = app.login("leader-a").await;
    let order =
        |by: &str| json!({ "text": "请说明路灯线路检修进度，本周内修复。", "answer_by": by });
    let (no, topic, task) = tasks[0].clone();
    let path = format!("/api/tasks/{task}/orders");
    let (s, _) = app.post(&convener, &path, order("2026-11-04")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app
        .post(&app.login("leader-b").await, &path, order("2026-11-04"))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app.post(&leader, &path, order("2026-11-01")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, first) = app.post(&leader, &path, order("2026-11-04")).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    for user in ["staff-a", "head-a"] {
        let got = app.inbox(user).await;
        assert!(
            got.iter()
                .any(|t| t.starts_with("督办单：任务「村口路灯不亮」")),
            "{user}: {got:?}"
        );
    }
    assert!(
        app.inbox("staff-b").await.is_empty(),
        "not another department"
    );
    // Shown on the clerk's desk and on the leader's 督办 page.
    let (_, desk) = app.page(&staff, "/desk").await;
    assert!(desk.contains("督办待答复"), "the desk flags the order");
    let (_, page) = app.page(&leader, "/supervision").await;
    assert!(
        page.contains("村口路灯不亮") && page.contains("督办待答复 1 件"),
        "{page}"
    );

    // The department answers once; the issuer hears the answer.
    let answer_path = format!("/api/orders/{}/answer", first["id"]);
    let answer = json!({ "answer": "线路故障已查明，11月3日更换电缆后恢复照明。" });
    let (s, _) = app
        .post(&app.login("staff-b").await, &answer_path, answer.clone())
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app.post(&staff, &answer_path, answer.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, _) = app.post(&staff, &answer_path, answer).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(
        app.inbox("leader-a")
            .await
            .iter()
            .any(|t| t.starts_with("督办回复"))
    );
    let (_, t) = app.get(&app.client(), &format!("/api/topics/{no}")).await;
    assert!(
        t["orders"][0]["answer"]
            .as_str()
            .unwrap()
            .contains("更换电缆"),
        "{t}"
    );

    // An order left unanswered past its date goes up once, however many
    // workers run at once.
    let (_, other_topic, other) = tasks[1].clone();
    let (s, _) = app
        .post(
            &leader,
            &format!("/api/tasks/{other}/orders"),
            order("2026-11-04"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let calendar = app.store.calendar().await.unwrap();
    let thresholds = domain::Thresholds::default();
    clock.set(beijing("2026-11-04T18:00:00+08:00"));
    app.store.supervise(&calendar, &thresholds).await.unwrap();
    assert!(
        !app.inbox("head-a")
            .await
            .iter()
            .any(|t| t.starts_with("督办逾期")),
        "not on its last day"
    );
    clock.set(beijing("2026-11-05T09:00:00+08:00"));
    let (a, b) = tokio::join!(
        app.store.supervise(&calendar, &thresholds),
        app.store.supervise(&calendar, &thresholds)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "escalated once");
    assert_eq!(
        app.store.supervise(&calendar, &thresholds).await.unwrap(),
        0
    );
    for user in ["head-a", "leader-a"] {
        let got = app.inbox(user).await;
        let n = got
            .iter()
            .filter(|t| t.starts_with("督办逾期未答复"))
            .count();
        assert_eq!(n, 1, "{user}: {got:?}");
    }
    assert!(
        !app.inbox("leader-b")
            .await
            .iter()
            .any(|t| t.starts_with("督办逾期"))
    );
    let kinds = |id| {
        let store = app.store.clone();
        async move {
            store
                .timeline(id)
                .await
                .unwrap()
                .iter()
                .map(|e| e.kind.code().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let answered = kinds(topic).await;
    assert!(answered.contains(&"ordered".into()) && answered.contains(&"order_answered".into()));
    assert!(
        !answered.contains(&"order_escalated".into()),
        "{answered:?}"
    );
    let escalated = kinds(other_topic).await;
    assert!(
        escalated.contains(&"order_escalated".into()),
        "{escalated:?}"
    );
}
both!(an_order_is_answered_or_escalated);
