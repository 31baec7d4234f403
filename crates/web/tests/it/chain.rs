//! One topic through the whole chain, over the JSON API and the pages.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

async fn chain_walk(backend: Backend) {
    let app = TestApp::start(backend).await;
    let resident = app.client();
    // A first visit hands the phone its device token.
    assert_eq!(app.page(&resident, "/r/room-a").await.0, StatusCode::OK);
    let no = app.submit(&resident, "陈师村三组农路改造").await;
    assert_eq!(app.topic_state(&no).await, "submitted");

    let convener = app.login("convener-a").await;
    let act = |c: &reqwest::Client, path: String, body: serde_json::Value| {
        let c = c.clone();
        let app = &app;
        async move {
            let (s, v) = app.post(&c, &path, body).await;
            assert_eq!(s, StatusCode::OK, "{path}: {v}");
            v
        }
    };
    let topic_act = |a: &str| format!("/api/topics/{no}/actions/{a}");
    assert_eq!(
        act(&convener, topic_act("accept"), json!({})).await["state"],
        "accepted"
    );
    let v = app.research(&convener, &no).await;
    assert_eq!(v["state"], "researching");

    let (s, m) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "陈师村冬季协商议事会", "starts_at": "2030-12-01T09:30" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let meeting = m["id"].as_i64().unwrap();
    // The meeting's page shows its QR code, to print and put up.
    let (_, page) = app.page(&app.client(), &format!("/m/{meeting}")).await;
    let qr = format!("/m/{meeting}/qr.svg");
    assert!(page.contains(&format!("src=\"{qr}\"")), "{page}");
    let r = app.client().get(app.url(&qr)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("<svg"), "a QR code as SVG");
    assert_eq!(
        act(
            &convener,
            topic_act("schedule"),
            json!({ "meeting": meeting.to_string() })
        )
        .await["state"],
        "scheduled"
    );
    act(
        &convener,
        format!("/api/meetings/{meeting}/actions/notify"),
        json!({}),
    )
    .await;
    act(
        &convener,
        format!("/api/meetings/{meeting}/actions/start"),
        json!({}),
    )
    .await;
    let v = act(
        &convener,
        topic_act("opinion"),
        json!({ "text": "同意改造，由交通部门牵头，年底前完工。" }),
    )
    .await;
    assert_eq!(v["state"], "deliberated");
    act(
        &convener,
        format!("/api/meetings/{meeting}/actions/close"),
        json!({}),
    )
    .await;

    let leader = app.login("leader-a").await;
    assert_eq!(
        app.review(
            &leader,
            &no,
            json!({ "decision": "adopt", "instructions": "请交通部门抓紧实施。" })
        )
        .await["state"],
        "reviewed"
    );
    let dept = app.world.dept_a.0.to_string();
    let v = act(
        &leader,
        topic_act("dispatch"),
        json!({ "department": dept, "title": "三组农路改造", "due": "2030-12-31" }),
    )
    .await;
    assert_eq!(v["state"], "implementing");

    let staff = app.login("staff-a").await;
    let (_, detail) = app.get(&staff, &format!("/api/topics/{no}")).await;
    let task = detail["tasks"][0]["id"].as_i64().unwrap();
    let task_act = |a: &str| format!("/api/tasks/{task}/actions/{a}");
    assert_eq!(
        act(&staff, task_act("sign"), json!({})).await["state"],
        "signed"
    );
    assert_eq!(
        act(
            &staff,
            task_act("progress"),
            json!({ "note": "已完成路基整理。" })
        )
        .await["state"],
        "in_progress"
    );
    assert_eq!(
        act(
            &staff,
            task_act("complete"),
            json!({ "note": "路面硬化全部完成。" })
        )
        .await["state"],
        "done"
    );
    assert_eq!(
        act(&convener, task_act("verify"), json!({})).await["state"],
        "verified"
    );
    assert_eq!(app.topic_state(&no).await, "completed");
    // The submitter hears of it with the 查询码 and is asked to rate.
    let (_, inbox) = app.page(&resident, "/inbox").await;
    assert!(
        inbox.contains(&format!(
            "已办结（查询码 {no}），满意吗？请查看办理结果并评价"
        )),
        "{inbox}"
    );
    // Every step of the topic is one line in 我的消息, its news on top.
    let threads = inbox.matches("<ul class=\"messages\">").count();
    let lines = inbox.split("<ul class=\"messages\">").nth(1).unwrap_or("");
    let topic_lines = lines
        .split("\n    <li")
        .filter(|l| l.contains(&format!("/t/{no}")))
        .count();
    assert_eq!((threads, topic_lines), (1, 1), "{inbox}");
    assert!(
        inbox.contains("此前") && inbox.contains("受理立项"),
        "earlier steps folded under it: {inbox}"
    );

    let v = act(
        &resident,
        format!("/api/topics/{no}/rating"),
        json!({ "satisfaction": "satisfied", "comment": "修得好" }),
    )
    .await;
    assert_eq!(v["state"], "evaluated");

    // A like counts once per device; another phone adds one more.
    let v = app.like(&resident, &no).await.1;
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(true), Some(1))
    );
    let v = app.like(&resident, &no).await.1;
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(false), Some(1))
    );
    let other = app.phone().await;
    let v = app.like(&other, &no).await.1;
    assert_eq!(v["count"], 2);

    let (_, detail) = app.get(&other, &format!("/api/topics/{no}")).await;
    let kinds: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "submitted",
            "accepted",
            "research_added",
            "analysis_written",
            "scheduled",
            "meeting_notified",
            "meeting_started",
            "opinion_recorded",
            "meeting_closed",
            "reviewed",
            "task_dispatched",
            "task_signed",
            "progress_posted",
            "task_done",
            "task_verified",
            "completed",
            "rated"
        ]
    );
    for e in detail["timeline"].as_array().unwrap() {
        assert!(
            !e["actor"].as_str().unwrap().is_empty() && !e["role"].as_str().unwrap().is_empty(),
            "{e}"
        );
    }
    assert_eq!(detail["timeline"][9]["role"], "领导");
    assert_eq!(detail["timeline"][11]["role"], "部门工作人员");

    // The public page shows the same story in Chinese.
    let (s, html) = app.page(&other, &format!("/t/{no}")).await;
    assert_eq!(s, StatusCode::OK);
    for text in [
        "陈师村三组农路改造",
        "已评价",
        "受理立项",
        "商前调研",
        "形成协商意见",
        "交办任务",
        "部门签收",
        "核实通过",
        "群众评价",
        "点赞 · 2",
    ] {
        assert!(html.contains(text), "topic page lacks {text}");
    }
}
both!(chain_walk);

/// The first steps again through the pages' forms, as a phone would send them.
async fn chain_through_forms(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    let form = [
        ("title", "府前路破损井盖修缮"),
        ("body", "井盖破损三天了，晚上很危险。"),
        ("category", "公共设施"),
        ("place", "府前路东侧"),
    ];
    let r = phone
        .post(app.url("/r/room-a/topics"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/t/") && location.ends_with("?submitted=1"),
        "{location}"
    );
    let (s, html) = app.page(&phone, &location).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("提交成功") && html.contains("查询码"));
    let no = location
        .trim_start_matches("/t/")
        .trim_end_matches("?submitted=1")
        .to_owned();

    // 查情 by number, no login.
    let r = app
        .client()
        .get(app.url(&format!("/lookup?no={no}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], format!("/t/{no}").as_str());

    // The convener sees the accept button and uses it.
    let convener = app.client();
    let r = convener
        .post(app.url("/login"))
        .form(&[
            ("username", "convener-a"),
            ("password", store::testing::WORLD_PASSWORD),
            ("next", "/desk"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let (_, desk) = app.page(&convener, "/desk").await;
    assert!(desk.contains("待受理") && desk.contains("府前路破损井盖修缮"));
    let (_, page) = app.page(&convener, &format!("/t/{no}")).await;
    assert!(page.contains("受理立项"));
    let r = convener
        .post(app.url(&format!("/t/{no}/act/accept")))
        .form(&[("from", "page")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.topic_state(&no).await, "accepted");

    // A page error is a Chinese page, not JSON.
    let r = convener
        .post(app.url(&format!("/t/{no}/act/accept")))
        .form(&[("from", "page")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("操作没有成功") && body.contains("<html"),
        "{body}"
    );
}
both!(chain_through_forms);

/// A meeting planned for 09:30 in Beijing reads 09:30 wherever it is told:
/// on the topic's page, in the API's timeline and in the text message to
/// the phone left with the topic (times were once written out in UTC).
async fn meeting_times_read_in_beijing_time(backend: Backend) {
    let app = TestApp::start(backend).await;
    let resident = app.client();
    let phone = "13800138000";
    let (s, v) = app
        .post(
            &resident,
            "/api/rooms/room-a/topics",
            json!({ "title": "府前路停车秩序整治", "body": "晚上车辆乱停，消防通道被占。", "phone": phone }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let no = v["tracking_no"].as_str().unwrap().to_owned();
    let convener = app.login("convener-a").await;
    for (action, body) in [("accept", json!({}))] {
        let (s, v) = app
            .post(
                &convener,
                &format!("/api/topics/{no}/actions/{action}"),
                body,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{action}: {v}");
    }
    app.research(&convener, &no).await;
    let (s, m) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "府前社区停车议事会", "starts_at": "2030-12-01T09:30" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{no}/actions/schedule"),
            json!({ "meeting": m["id"].as_i64().unwrap().to_string() }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let when = "2030-12-01 09:30";
    let (_, v) = app.get(&resident, &format!("/api/topics/{no}")).await;
    let scheduled = v["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "scheduled")
        .expect("scheduled on the timeline");
    assert_eq!(
        scheduled["detail"],
        format!("列入「府前社区停车议事会」议程（{when}）"),
        "{scheduled}"
    );
    let (_, page) = app.page(&resident, &format!("/t/{no}")).await;
    assert!(page.contains(when), "the page tells 09:30");
    assert!(
        !page.contains("2030-12-01 01:30"),
        "no UTC time on the page"
    );
    let texts = app.texts(Some(phone)).await;
    let (_, text, _) = texts
        .iter()
        .find(|(_, text, _)| text.contains("议程"))
        .expect("a text about the meeting");
    assert!(text.contains(when), "{text}");

    // The opinion form waits for the meeting: offered only once it has begun.
    let opinion_form = format!("/t/{no}/act/opinion");
    let (_, page) = app.page(&convener, &format!("/t/{no}")).await;
    assert!(!page.contains(&opinion_form), "offered before the meeting");
    let start = format!("/api/meetings/{}/actions/start", m["id"]);
    assert_eq!(
        app.post(&convener, &start, json!({})).await.0,
        StatusCode::OK
    );
    let (_, page) = app.page(&convener, &format!("/t/{no}")).await;
    assert!(page.contains(&opinion_form), "not offered in the meeting");
}
both!(meeting_times_read_in_beijing_time);

/// Values that differ from run to run, replaced so a snapshot shows only the shape and the words.
fn redacted(mut v: serde_json::Value) -> serde_json::Value {
    const VOLATILE: [&str; 9] = [
        "tracking_no",
        "on",
        "report_pdf",
        "report_docx",
        "at",
        "at_local",
        "created_at",
        "updated_at",
        "starts_at",
    ];
    match &mut v {
        serde_json::Value::Object(map) => {
            for (k, x) in map.iter_mut() {
                *x = if VOLATILE.contains(&k.as_str()) && !x.is_null() {
                    serde_json::Value::String(format!("[{k}]"))
                } else {
                    redacted(x.take())
                };
            }
        }
        serde_json::Value::Array(items) => {
            for x in items.iter_mut() {
                *x = redacted(x.take());
            }
        }
        _ => {}
    }
    v
}

/// The main API answers keep their shape and their words: a topic through
/// triage and research, as the public reads it, and the convener's desk.
async fn api_responses_keep_their_shape(backend: Backend) {
    // A fixed day: the timeline's entries name it.
    let clock = store::Clock::at(crate::helpers::beijing("2026-12-01T09:00:00+08:00"));
    let app = TestApp::init(backend).with_clock(clock).start().await;
    let resident = app.client();
    let no = app.submit(&resident, "陈师村三组农路改造").await;
    let convener = app.login("convener-a").await;
    for (action, body) in [("accept", json!({}))] {
        let (s, v) = app
            .post(
                &convener,
                &format!("/api/topics/{no}/actions/{action}"),
                body,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{action}: {v}");
    }
    app.research(&convener, &no).await;
    let (s, topic) = app.get(&resident, &format!("/api/topics/{no}")).await;
    assert_eq!(s, StatusCode::OK);
    insta::assert_json_snapshot!("api_topic", redacted(topic));
    let (s, desk) = app.get(&convener, "/api/desk").await;
    assert_eq!(s, StatusCode::OK);
    insta::assert_json_snapshot!("api_desk", redacted(desk));
    let (s, problem) = app
        .post(
            &resident,
            &format!("/api/topics/{no}/actions/accept"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    insta::assert_json_snapshot!("api_problem_sign_in", problem);
}
both!(api_responses_keep_their_shape);
