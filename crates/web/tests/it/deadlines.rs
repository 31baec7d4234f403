//! Deadlines in working days on the official calendar: a referral by
//! deadline class lands on the right date across 中秋 and 国庆 (with the
//! 调休 Saturday after them), pages and the API read 剩余 / 超期 N 个工作日,
//! and a year whose schedule is not entered is refused rather than guessed.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::{TestApp, beijing};
use store::both_backends as both;

async fn deadlines_count_working_days(backend: Backend) {
    // Thursday 24 September 2026, ten in the morning in Beijing.
    let clock = store::Clock::at(beijing("2026-09-24T10:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .with_user(domain::Role::Convener)
        .start()
        .await;
    let convener = app.user(domain::Role::Convener);
    let no = app.submit(&app.phone().await, "村口路灯不亮").await;
    let dept = app.world.dept_a.0.to_string();
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{no}/actions/refer"),
            json!({ "department": dept, "deadline": "urgent" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, topic) = app.get(convener, &format!("/api/topics/{no}")).await;
    let task = &topic["tasks"][0];
    // Five working days: 9-28, 9-29, 9-30, then 中秋 and 国庆 off, 10-08, 10-09.
    assert_eq!(task["due_date"], "2026-10-09", "{task}");
    assert_eq!(task["deadline"], "剩余 5 个工作日");

    // Tuesday 13 October: the 调休 Saturday 10-10 counts.
    clock.set(beijing("2026-10-13T09:00:00+08:00"));
    let (_, topic) = app.get(convener, &format!("/api/topics/{no}")).await;
    assert_eq!(topic["tasks"][0]["deadline"], "超期 3 个工作日");
    assert_eq!(topic["tasks"][0]["overdue"], true);
    let (_, page) = app.page(convener, &format!("/t/{no}")).await;
    assert!(
        page.contains("超期 3 个工作日"),
        "the topic page says it too"
    );

    // Thirty working days from late December run into a year not entered.
    clock.set(beijing("2026-12-21T09:00:00+08:00"));
    let convener = &app.login("convener-a").await; // the morning's session has ended
    let other = app.submit(&app.phone().await, "府前路井盖缺失").await;
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{other}/actions/refer"),
            json!({ "department": dept, "deadline": "complex" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("2027年"), "{v}");
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{other}/actions/refer"),
            json!({ "department": dept, "deadline": "someday" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    // A date given by hand still works.
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{other}/actions/refer"),
            json!({ "department": dept, "due": "2027-01-29" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
both!(deadlines_count_working_days);

/// Supervision on a hand-set clock: reminders before and on the due date,
/// 黄牌 then 红牌 once late (red reaching the region's leaders), each sent
/// once however often it runs, on the timeline, and shown on the task.
async fn supervision_reminds_then_cards(backend: Backend) {
    let clock = store::Clock::at(beijing("2026-09-24T10:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .start()
        .await;
    let convener = app.login("convener-a").await;
    let no = app.submit(&app.phone().await, "村口路灯不亮").await;
    let dept = app.world.dept_a.0.to_string();
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/refer"),
            json!({ "department": dept, "deadline": "urgent" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    let task = app.store.tasks_of_topic(topic.id).await.unwrap()[0].id;
    let staff = app.login("staff-a").await;
    let (s, v) = app
        .post(
            &staff,
            &format!("/api/tasks/{task}/actions/sign"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let calendar = app.store.calendar().await.unwrap();
    let run = |at: &'static str| {
        clock.set(beijing(at));
        let (store, calendar) = (app.store.clone(), calendar.clone());
        async move {
            store
                .supervise(&calendar, &domain::Thresholds::default())
                .await
                .unwrap()
        }
    };
    assert_eq!(run("2026-09-25T09:00:00+08:00").await, 0, "nothing yet");
    // Due 10-09: two working days before is 10-07's eve (10-08, 10-09 left).
    assert_eq!(run("2026-10-07T09:00:00+08:00").await, 1);
    assert_eq!(run("2026-10-08T09:00:00+08:00").await, 0, "reminded once");
    assert_eq!(run("2026-10-09T09:00:00+08:00").await, 1, "due today");
    let staff_inbox = app.inbox("staff-a").await;
    assert!(
        staff_inbox
            .iter()
            .any(|t| t.contains("还有 2 个工作日到期")),
        "{staff_inbox:?}"
    );
    assert!(
        staff_inbox.iter().any(|t| t.contains("今天到期")),
        "{staff_inbox:?}"
    );
    // Monday 10-12: the 调休 Saturday makes it two working days late.
    assert_eq!(run("2026-10-12T09:00:00+08:00").await, 1, "黄牌");
    // Sessions last hours; the weeks go by on the clock.
    let convener = app.login("convener-a").await;
    let (_, json) = app.get(&convener, &format!("/api/tasks/{task}")).await;
    assert_eq!(json["card"], "yellow", "{json}");
    assert!(
        app.inbox("leader-a").await.is_empty(),
        "a yellow card stays with the department"
    );
    // Reminders go to the clerks; the 黄牌 also to the department's head.
    let head = app.inbox("head-a").await;
    assert!(head.iter().any(|t| t.starts_with("黄牌")), "{head:?}");
    assert!(!head.iter().any(|t| t.starts_with("催办")), "{head:?}");
    // Five working days late: 红牌, to the leaders too; twice run, once sent.
    assert_eq!(run("2026-10-19T09:00:00+08:00").await, 1, "红牌");
    assert_eq!(run("2026-10-19T15:00:00+08:00").await, 0);
    let leader = app.inbox("leader-a").await;
    assert_eq!(leader.len(), 1, "{leader:?}");
    assert!(leader[0].starts_with("红牌"), "{leader:?}");
    assert_eq!(
        app.inbox("leader-b").await.len(),
        0,
        "not another subdistrict's leader"
    );
    let timeline = app.store.timeline(topic.id).await.unwrap();
    let kinds: Vec<&str> = timeline.iter().map(|e| e.kind.code()).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "reminded").count(),
        2,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "carded").count(),
        2,
        "{kinds:?}"
    );
    let convener = app.login("convener-a").await;
    let (_, page) = app.page(&convener, &format!("/t/{no}")).await;
    assert!(page.contains("红牌"), "the topic page shows the card");
    assert!(page.contains("已超过办理期限"), "and the timeline the 督办");

    // Two workers at once send each notice once.
    let late = app.submit(&app.phone().await, "府前路井盖缺失").await;
    clock.set(beijing("2026-10-19T10:00:00+08:00"));
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{late}/actions/refer"),
            json!({ "department": dept, "due": "2026-10-19" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    clock.set(beijing("2026-10-30T10:00:00+08:00"));
    let thresholds = domain::Thresholds::default();
    let (a, b) = tokio::join!(
        app.store.supervise(&calendar, &thresholds),
        app.store.supervise(&calendar, &thresholds)
    );
    // The new task: unsigned yellow and red, overdue yellow and red.
    assert_eq!(a.unwrap() + b.unwrap(), 4);

    // The leader's 督办 page: the department, its red cards counted.
    let (s, page) = app.page(&app.login("leader-a").await, "/supervision").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("交通运输局") && page.contains("红牌 2"),
        "{page}"
    );
    let (_, other) = app.page(&app.login("leader-b").await, "/supervision").await;
    assert!(
        other.contains("没有超期、亮牌或督办待答复的任务"),
        "another subdistrict sees none"
    );

    // The clerk's desk: red cards first, each with its village and lateness.
    let (_, desk) = app.page(&app.login("staff-a").await, "/desk").await;
    let first = desk.find("<li><a href=\"/t/").expect("a task on the desk");
    let line = &desk[first..first + desk[first..].find("</li>").unwrap()];
    assert!(
        line.contains("红牌") && line.contains("陈师村议事室"),
        "{line}"
    );
    assert!(line.contains("超期"), "{line}");
}
both!(supervision_reminds_then_cards);

/// A clerk signs several tasks at once from the desk; a task of another
/// department in the same form is left alone.
async fn a_clerk_signs_several_tasks_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let convener = app.login("convener-a").await;
    let mut tasks = Vec::new();
    for (title, dept) in [
        ("村口路灯不亮", app.world.dept_a),
        ("府前路井盖缺失", app.world.dept_a),
        ("小区绿化带损毁", app.world.dept_b),
    ] {
        let no = app.submit(&app.phone().await, title).await;
        let (s, v) = app
            .post(
                &convener,
                &format!("/api/topics/{no}/actions/refer"),
                json!({ "department": dept.0.to_string(), "deadline": "normal" }),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let topic = app.store.topic_by_tracking(&no).await.unwrap();
        tasks.push(app.store.tasks_of_topic(topic.id).await.unwrap()[0].id);
    }
    let staff = app.login("staff-a").await;
    let (_, desk) = app.page(&staff, "/desk").await;
    assert!(desk.contains("待签收 2 件"), "{desk}");
    let form: Vec<(&str, String)> = tasks.iter().map(|t| ("task", t.to_string())).collect();
    let r = staff
        .post(app.url("/tasks/sign"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let state = |id| {
        let store = app.store.clone();
        async move { store.task(id).await.unwrap().state }
    };
    assert_eq!(state(tasks[0]).await, domain::TaskState::Signed);
    assert_eq!(state(tasks[1]).await, domain::TaskState::Signed);
    assert_eq!(
        state(tasks[2]).await,
        domain::TaskState::Assigned,
        "not staff-a's department"
    );
    let r = staff
        .post(app.url("/tasks/sign"))
        .form(&[("task", tasks[2].to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = staff.post(app.url("/tasks/sign")).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing chosen"
    );
}
both!(a_clerk_signs_several_tasks_at_once);

/// A region's administrator sets its deadline classes: the dispatch forms
/// offer them and a referral counts from them; others cannot change them.
async fn a_region_sets_its_deadline_classes(backend: Backend) {
    // Monday 2 November 2026 in Beijing.
    let clock = store::Clock::at(beijing("2026-11-02T10:00:00+08:00"));
    let app = TestApp::init(backend).with_clock(clock).start().await;
    let region = app.world.subdistrict_a.0;
    let path = format!("/api/regions/{region}/deadline-classes");
    let admin = app.login("admin").await;
    let (s, v) = app
        .post(
            &admin,
            &path,
            json!({ "class": "normal", "working_days": "0" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, _) = app
        .post(
            &app.login("leader-a").await,
            &path,
            json!({ "class": "normal", "working_days": "10" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let elsewhere = format!(
        "/api/regions/{}/deadline-classes",
        app.world.subdistrict_b.0
    );
    let (s, _) = app
        .post(
            &admin,
            &elsewhere,
            json!({ "class": "normal", "working_days": "10" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "not another subdistrict's");
    // From the page.
    let r = admin
        .post(app.url("/admin/deadlines"))
        .form(&[
            ("region", region.to_string().as_str()),
            ("class", "normal"),
            ("working_days", "10"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, classes) = app.get(&app.client(), &path).await;
    assert_eq!(classes[1]["working_days"], 10, "{classes}");
    let (_, page) = app.page(&admin, "/admin/deadlines").await;
    assert!(page.contains("value=\"10\""), "the page shows it");

    // A referral in the region counts ten working days: 11-16.
    let no = app.submit(&app.phone().await, "村口路灯不亮").await;
    let convener = app.login("convener-a").await;
    let (_, page) = app.page(&convener, &format!("/t/{no}")).await;
    assert!(
        page.contains("一般（10个工作日）"),
        "the form offers the region's class"
    );
    let refer = json!({ "department": app.world.dept_a.0.to_string(), "deadline": "normal" });
    let (s, v) = app
        .post(&convener, &format!("/api/topics/{no}/actions/refer"), refer)
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, t) = app.get(&convener, &format!("/api/topics/{no}")).await;
    assert_eq!(t["tasks"][0]["due_date"], "2026-11-16", "{t}");
}
both!(a_region_sets_its_deadline_classes);

/// The clerk's workbench: filters with counts over the department's tasks.
async fn the_workbench_filters_and_counts(backend: Backend) {
    let app = TestApp::start(backend).await;
    let convener = app.login("convener-a").await;
    let dept = app.world.dept_a.0.to_string();
    for title in ["村口路灯不亮", "府前路井盖缺失", "陈师村河塘清淤"] {
        let no = app.submit(&app.phone().await, title).await;
        let refer = json!({ "department": dept, "due": "2030-01-01" });
        app.post(&convener, &format!("/api/topics/{no}/actions/refer"), refer)
            .await;
    }
    // One signed and handled by the clerk; two still to sign.
    let topics = app.store.topics(&Default::default()).await.unwrap();
    let task = app.store.tasks_of_topic(topics[0].id).await.unwrap()[0].id;
    let head = app.login("head-a").await;
    let clerk = json!({ "clerk": app.world.user("staff-a").0.to_string() });
    let (s, _) = app
        .post(&head, &format!("/api/tasks/{task}/actions/assign"), clerk)
        .await;
    assert_eq!(s, StatusCode::OK);
    let staff = app.login("staff-a").await;
    app.post(
        &staff,
        &format!("/api/tasks/{task}/actions/sign"),
        json!({}),
    )
    .await;
    let (_, desk) = app.page(&staff, "/desk").await;
    assert!(desk.contains("本部门任务（3）"), "all three counted");
    assert!(
        desk.contains("待签收 2") && desk.contains("我承办 1"),
        "filters with counts"
    );
    let (_, mine) = app.page(&staff, "/desk?show=mine").await;
    let listed = mine.matches("#task-").count();
    assert_eq!(listed, 1, "only the clerk's own task is listed");
    let (_, unsigned) = app.page(&staff, "/desk?show=unsigned").await;
    assert!(
        !unsigned.contains(&format!("#task-{task}\"")),
        "the signed one is filtered out"
    );
}
both!(the_workbench_filters_and_counts);
