//! 联办: a task with a lead department (主办) and co-handling departments
//! (协办). Each co-handler signs and reports its own share; the lead
//! completes only when every share is done.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

async fn a_joint_task_waits_for_its_co_handlers(backend: Backend) {
    let app = TestApp::start(backend).await;
    let no = app.submit(&app.phone().await, "陈师村农路改造").await;
    // Through the chain to the leader's dispatch form.
    let convener = app.login("convener-a").await;
    let act = |a: &str| format!("/api/topics/{no}/actions/{a}");
    for (a, body) in [("accept", json!({}))] {
        let (s, v) = app.post(&convener, &act(a), body).await;
        assert_eq!(s, StatusCode::OK, "{a}: {v}");
    }
    app.research(&convener, &no).await;
    let (_, m) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "农路改造议事会", "starts_at": "2030-03-01T09:00" }),
        )
        .await;
    let m = m["id"].to_string();
    app.post(&convener, &act("schedule"), json!({ "meeting": m }))
        .await;
    app.post(
        &convener,
        &format!("/api/meetings/{m}/actions/start"),
        json!({}),
    )
    .await;
    app.post(
        &convener,
        &act("opinion"),
        json!({ "text": "道路硬化由交通牵头，住建配合排水。" }),
    )
    .await;
    let leader = app.login("leader-a").await;
    app.review(&leader, &no, json!({ "decision": "adopt" }))
        .await;

    // A co-handler elsewhere, or the lead itself, is refused.
    let (lead, co) = (app.world.dept_a.0, app.world.dept_b.0);
    for bad in [app.world.dept_elsewhere.0, lead] {
        let body = json!({ "department": lead.to_string(), "title": "三组道路硬化",
                           "due": "2030-06-30", "co_departments": bad.to_string() });
        let (s, v) = app.post(&leader, &act("dispatch"), body).await;
        assert!(s.is_client_error(), "{bad}: {v}");
    }
    // From the page: the 协办 checkboxes.
    let r = leader
        .post(app.url(&format!("/t/{no}/act/dispatch")))
        .form(&[
            ("title", "三组道路硬化"),
            ("department", &lead.to_string()),
            ("co_departments", &co.to_string()),
            ("due", "2030-06-30"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let task = app.store.tasks_of_topic(topic.id).await.unwrap()[0].id;
    let inbox = app.inbox("staff-b").await;
    assert!(
        inbox.iter().any(|t| t.starts_with("协办任务待签收")),
        "{inbox:?}"
    );
    // The co-handler finds it on its desk.
    let helper = app.login("staff-b").await;
    let (_, desk) = app.page(&helper, "/desk").await;
    assert!(desk.contains("三组道路硬化"), "on the co-handler's desk");

    let lead_staff = app.login("staff-a").await;
    let task_act = |a: &str| format!("/api/tasks/{task}/actions/{a}");
    let (s, _) = app.post(&lead_staff, &task_act("sign"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    // The lead may not finish before its co-handler.
    let done = json!({ "note": "道路硬化完成。" });
    let (s, v) = app
        .post(&lead_staff, &task_act("complete"), done.clone())
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("协办"), "{v}");
    // Only the co-handler moves its share.
    let (s, _) = app
        .post(&lead_staff, &task_act("share-sign"), json!({}))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = app.post(&helper, &task_act("share-sign"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app
        .post(
            &helper,
            &task_act("share-done"),
            json!({ "note": "排水沟已疏通。" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, t) = app.get(&app.client(), &format!("/api/topics/{no}")).await;
    assert_eq!(t["shares"][0]["state"], "done", "{t}");
    assert_eq!(t["shares"][0]["department"], "住建局");
    let (s, v) = app.post(&lead_staff, &task_act("complete"), done).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, page) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(
        page.contains("住建局（协办）") && page.contains("排水沟已疏通"),
        "on the page"
    );
    let (_, desk) = app.page(&helper, "/desk").await;
    assert!(
        !desk.contains("三组道路硬化"),
        "off the co-handler's desk once its share is done"
    );
}
both!(a_joint_task_waits_for_its_co_handlers);

/// 承办人: the department's head names the clerk who handles a task; the
/// clerk is told, and the reminders go to the clerk rather than to everyone.
async fn the_head_names_the_clerk(backend: Backend) {
    // Monday 2 November 2026 in Beijing.
    let clock = store::Clock::at(crate::helpers::beijing("2026-11-02T10:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .start()
        .await;
    let no = app.submit(&app.phone().await, "府前路井盖缺失").await;
    let convener = app.login("convener-a").await;
    let refer = json!({ "department": app.world.dept_a.0.to_string(), "due": "2026-11-06" });
    let (s, v) = app
        .post(&convener, &format!("/api/topics/{no}/actions/refer"), refer)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let task = app.store.tasks_of_topic(topic.id).await.unwrap()[0].id;
    let path = format!("/api/tasks/{task}/actions/assign");
    let (staff, head) = (app.login("staff-a").await, app.login("head-a").await);
    let clerk = |login: &str| json!({ "clerk": app.world.user(login).0.to_string() });
    // Only the head names, and only someone of the department.
    let (s, _) = app.post(&staff, &path, clerk("staff-a")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app.post(&head, &path, clerk("staff-b")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (_, page) = app.page(&head, &format!("/t/{no}")).await;
    assert!(
        page.contains("指定承办人"),
        "the head is offered the choice"
    );
    let (s, v) = app.post(&head, &path, clerk("head-a")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(
        app.inbox("head-a")
            .await
            .iter()
            .any(|t| t.contains("承办人"))
    );
    let (_, page) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(page.contains("承办人：head-a"), "shown on the task");

    // Two working days before the due date the reminder goes to the clerk.
    let (s, _) = app
        .post(&head, &format!("/api/tasks/{task}/actions/sign"), json!({}))
        .await;
    assert_eq!(s, StatusCode::OK);
    let calendar = app.store.calendar().await.unwrap();
    clock.set(crate::helpers::beijing("2026-11-04T09:00:00+08:00"));
    let sent = app
        .store
        .supervise(&calendar, &domain::Thresholds::default())
        .await
        .unwrap();
    assert_eq!(sent, 1);
    assert!(
        app.inbox("head-a")
            .await
            .iter()
            .any(|t| t.starts_with("催办"))
    );
    assert!(
        !app.inbox("staff-a")
            .await
            .iter()
            .any(|t| t.starts_with("催办"))
    );
}
both!(the_head_names_the_clerk);

/// Where the region asks for it, a clerk's completion waits for the
/// department's head, who approves it (on to the convener) or sends it back.
async fn the_head_approves_a_completion(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.login("admin").await;
    let region = app.world.subdistrict_a.0.to_string();
    let set = |on: &'static str| [("region", region.clone()), ("head_approval", on.to_owned())];
    let r = app
        .login("leader-a")
        .await
        .post(app.url("/admin/approval"))
        .form(&set("on"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "only its administrator");
    let r = admin
        .post(app.url("/admin/approval"))
        .form(&set("on"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let no = app.submit(&app.phone().await, "陈师村路灯维修").await;
    let convener = app.login("convener-a").await;
    let refer = json!({ "department": app.world.dept_a.0.to_string(), "due": "2030-01-01" });
    app.post(&convener, &format!("/api/topics/{no}/actions/refer"), refer)
        .await;
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let task = app.store.tasks_of_topic(topic.id).await.unwrap()[0].id;
    let (staff, head) = (app.login("staff-a").await, app.login("head-a").await);
    let act = |a: &str| format!("/api/tasks/{task}/actions/{a}");
    app.post(&staff, &act("sign"), json!({})).await;
    let done = json!({ "note": "已更换灯泡并检修线路。" });
    let (_, v) = app.post(&staff, &act("complete"), done.clone()).await;
    assert_eq!(v["state"], "awaiting_approval", "{v}");
    assert!(
        app.inbox("head-a")
            .await
            .iter()
            .any(|t| t.starts_with("办结待审核"))
    );
    let (s, _) = app.post(&convener, &act("verify"), json!({})).await;
    assert_eq!(s, StatusCode::CONFLICT, "not before the head approves");
    let (s, _) = app.post(&staff, &act("approve"), json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "a clerk does not approve");
    // Sent back with a reason, done again, approved, verified.
    let (_, v) = app
        .post(
            &head,
            &act("decline"),
            json!({ "reason": "请补充完工照片" }),
        )
        .await;
    assert_eq!(v["state"], "in_progress", "{v}");
    app.post(&staff, &act("complete"), done).await;
    let (_, v) = app.post(&head, &act("approve"), json!({})).await;
    assert_eq!(v["state"], "done", "{v}");
    let (s, _) = app.post(&convener, &act("verify"), json!({})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(app.topic_state(&no).await, "completed");
}
both!(the_head_approves_a_completion);
