//! Every stage action refuses (403) everyone who may not take it, and
//! changes nothing; and no desk shows another region's, room's or
//! department's work.
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

const EVERYONE: [&str; 10] = [
    "convener-a",
    "convener-b",
    "staff-a",
    "staff-b",
    "leader-a",
    "leader-b",
    "leader-county",
    "member",
    "admin",
    "resident",
];

struct Step<'a> {
    path: String,
    body: Value,
    /// Who may take it; everyone else in the world must get 403.
    allowed: &'a [&'a str],
    by: &'a str,
}

async fn check(app: &TestApp, clients: &[(&str, Client)], no: &str, step: Step<'_>) -> Value {
    let before = app
        .store
        .timeline(app.store.topic_by_tracking(no).await.unwrap().id)
        .await
        .unwrap()
        .len();
    for (login, c) in clients.iter().filter(|(l, _)| !step.allowed.contains(l)) {
        let (s, v) = app.post(c, &step.path, step.body.clone()).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{login} on {}: {v}", step.path);
        assert_eq!(v["status"], 403);
        assert!(v["detail"].as_str().is_some_and(|d| !d.is_empty()));
    }
    // Nobody signed in: asked to sign in.
    let (s, _) = app.post(&app.client(), &step.path, step.body.clone()).await;
    assert!(
        s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN,
        "anonymous on {}: {s}",
        step.path
    );
    let after = app
        .store
        .timeline(app.store.topic_by_tracking(no).await.unwrap().id)
        .await
        .unwrap()
        .len();
    assert_eq!(
        before, after,
        "a refused move left a trace on {}",
        step.path
    );
    let c = &clients.iter().find(|(l, _)| *l == step.by).unwrap().1;
    let (s, v) = app.post(c, &step.path, step.body).await;
    assert!(s.is_success(), "{} on {}: {v}", step.by, step.path);
    v
}

const CONVENER: &[&str] = &["convener-a"];
const LEADERS: &[&str] = &["leader-a", "leader-county"];
const STAFF: &[&str] = &["staff-a"];

/// One topic's way along the chain as a table: each move's path and body
/// (`{no}`, `{dept}`, `{meeting}` and `{task}` filled in as they become
/// known), who may take it, and who then does. Everyone else is refused.
type ChainStep = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static str,
);
const CHAIN: [ChainStep; 17] = [
    (
        "/api/topics/{no}/actions/accept",
        "{}",
        CONVENER,
        "convener-a",
    ),
    (
        "/api/topics/{no}/actions/research",
        r#"{"note": "走访沿街商户二十户。", "on": "2026-01-05", "place": "府前路", "method": "visit"}"#,
        CONVENER,
        "convener-a",
    ),
    (
        "/api/topics/{no}/actions/analysis",
        r#"{"feasibility": "可行", "measures": "划线", "risks": "商户有意见", "recommendation": "先试行"}"#,
        CONVENER,
        "convener-a",
    ),
    (
        "/api/rooms/room-a/meetings",
        r#"{"title": "停车问题议事会", "starts_at": "2030-01-05T14:00"}"#,
        CONVENER,
        "convener-a",
    ),
    (
        "/api/topics/{no}/actions/schedule",
        r#"{"meeting": "{meeting}"}"#,
        CONVENER,
        "convener-a",
    ),
    (
        "/api/meetings/{meeting}/actions/notify",
        "{}",
        CONVENER,
        "convener-a",
    ),
    (
        "/api/meetings/{meeting}/actions/start",
        "{}",
        CONVENER,
        "convener-a",
    ),
    (
        "/api/topics/{no}/actions/opinion",
        r#"{"text": "划定临时停车位。"}"#,
        CONVENER,
        "convener-a",
    ),
    (
        "/api/meetings/{meeting}/actions/close",
        "{}",
        CONVENER,
        "convener-a",
    ),
    (
        "/api/topics/{no}/actions/review",
        r#"{"decision": "adopt", "session": "{session}", "opinion": "{opinion}"}"#,
        LEADERS,
        "leader-a",
    ),
    (
        "/api/topics/{no}/actions/dispatch",
        r#"{"department": "{dept}", "title": "施划停车位", "due": "2030-02-01"}"#,
        LEADERS,
        "leader-a",
    ),
    ("/api/tasks/{task}/actions/sign", "{}", STAFF, "staff-a"),
    (
        "/api/tasks/{task}/actions/progress",
        r#"{"note": "已完成现场测量。"}"#,
        STAFF,
        "staff-a",
    ),
    (
        "/api/tasks/{task}/actions/extend",
        r#"{"until": "2030-03-01", "reason": "材料未到"}"#,
        STAFF,
        "staff-a",
    ),
    (
        "/api/tasks/{task}/actions/grant-extension",
        "{}",
        LEADERS,
        "leader-a",
    ),
    (
        "/api/tasks/{task}/actions/complete",
        r#"{"note": "停车位施划完毕。"}"#,
        STAFF,
        "staff-a",
    ),
    (
        "/api/tasks/{task}/actions/verify",
        "{}",
        CONVENER,
        "convener-a",
    ),
];

async fn stage_actions_forbidden(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut clients = Vec::new();
    for login in EVERYONE {
        clients.push((login, app.login(login).await));
    }
    let submitter = app.client();
    let no = app.submit(&submitter, "停车秩序整治").await;
    let mut ids: Vec<(&str, String)> = vec![
        ("{no}", no.clone()),
        ("{dept}", app.world.dept_a.0.to_string()),
    ];
    for (path, body, allowed, by) in CHAIN {
        let fill = |s: &str| ids.iter().fold(s.to_owned(), |s, (k, v)| s.replace(k, v));
        let step = Step {
            path: fill(path),
            body: serde_json::from_str(&fill(body)).unwrap(),
            allowed,
            by,
        };
        if path.ends_with("/dispatch") {
            // Not to another subdistrict's department, even by a county leader.
            let elsewhere = app.world.dept_elsewhere.0.to_string();
            for leader in LEADERS {
                let c = &clients.iter().find(|(l, _)| l == leader).unwrap().1;
                let body =
                    json!({ "department": elsewhere, "title": "施划停车位", "due": "2030-02-01" });
                let (s, v) = app.post(c, &step.path, body).await;
                assert_eq!(
                    s,
                    StatusCode::CONFLICT,
                    "{leader} dispatching elsewhere: {v}"
                );
            }
        }
        let v = check(&app, &clients, &no, step).await;
        if path.ends_with("/meetings") {
            ids.push(("{meeting}", v["id"].to_string()));
        }
        if path.ends_with("/opinion") {
            let id = app.store.topic_by_tracking(&no).await.unwrap().id;
            let opinion = app.store.opinions(id).await.unwrap()[0].id;
            ids.push(("{opinion}", opinion.to_string()));
            let leader = &clients.iter().find(|(l, _)| *l == "leader-a").unwrap().1;
            ids.push(("{session}", app.review_session(leader).await.to_string()));
        }
        if path.ends_with("/dispatch") {
            let id = app.store.topic_by_tracking(&no).await.unwrap().id;
            let task = app.store.tasks_of_topic(id).await.unwrap()[0].id;
            ids.push(("{task}", task.to_string()));
        }
        if path.ends_with("/extend") {
            // The leader reads why beside the buttons that answer it.
            let leader = &clients.iter().find(|(l, _)| *l == "leader-a").unwrap().1;
            let (_, html) = app.page(leader, &format!("/t/{no}")).await;
            let beside = html
                .split("申请延期至 2030-03-01，理由：材料未到")
                .nth(1)
                .unwrap_or("");
            assert!(beside.trim_start().starts_with("</p>\n    <form"), "{html}");
            assert!(beside.contains("同意延期"), "{html}");
        }
    }
    assert_eq!(app.topic_state(&no).await, "completed");

    // Only the submitter rates: every signed-in person and another phone are refused.
    for (login, c) in &clients {
        let (s, v) = app
            .post(
                c,
                &format!("/api/topics/{no}/rating"),
                json!({ "satisfaction": "satisfied" }),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{login} rated: {v}");
    }
    let (s, _) = app
        .post(
            &app.client(),
            &format!("/api/topics/{no}/rating"),
            json!({ "satisfaction": "satisfied" }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app
        .post(
            &submitter,
            &format!("/api/topics/{no}/rating"),
            json!({ "satisfaction": "satisfied" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
both!(stage_actions_forbidden);

/// Triage moves (reject, merge, refer) and the leader's return/reassign path.
async fn triage_and_returns(backend: Backend) {
    let app = TestApp::start(backend).await;
    let convener = app.login("convener-a").await;
    let other_convener = app.login("convener-b").await;
    let phone = app.client();
    let first = app.submit(&phone, "河塘清淤整治").await;
    let dup = app.submit(&phone, "河塘淤积发臭请清理").await;
    let rejected = app.submit(&phone, "邻里宅基地纠纷").await;
    let referred = app.submit(&phone, "路灯不亮").await;
    app.post(
        &convener,
        &format!("/api/topics/{first}/actions/accept"),
        json!({}),
    )
    .await;

    let (s, _) = app
        .post(
            &other_convener,
            &format!("/api/topics/{dup}/actions/merge"),
            json!({ "into": first }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{dup}/actions/merge"),
            json!({ "into": first }),
        )
        .await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("merged")));
    let (_, d) = app.get(&phone, &format!("/api/topics/{first}")).await;
    assert!(
        d["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "merged_into")
    );

    // A rejection needs a reason, and the submitter sees it.
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{rejected}/actions/reject"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(app.topic_state(&rejected).await, "submitted");
    let (s, _) = app
        .post(
            &convener,
            &format!("/api/topics/{rejected}/actions/reject"),
            json!({ "reason": "属于司法程序事项，请通过法律途径解决" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, html) = app.page(&phone, &format!("/t/{rejected}")).await;
    assert!(html.contains("属于司法程序事项"));

    // Referred straight to a department, which returns it; the leader reassigns.
    let dept_a = app.world.dept_a.0.to_string();
    let dept_b = app.world.dept_b.0.to_string();
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{referred}/actions/refer"),
            json!({ "department": dept_a, "due": "2030-01-10" }),
        )
        .await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("referred")));
    let (_, d) = app.get(&phone, &format!("/api/topics/{referred}")).await;
    let task = d["tasks"][0]["id"].as_i64().unwrap();
    let staff_b = app.login("staff-b").await;
    let (s, _) = app
        .post(
            &staff_b,
            &format!("/api/tasks/{task}/actions/sign"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let staff_a = app.login("staff-a").await;
    let (s, v) = app
        .post(
            &staff_a,
            &format!("/api/tasks/{task}/actions/return"),
            json!({ "reason": "路灯归住建部门管理" }),
        )
        .await;
    assert_eq!((s, v["state"].as_str()), (StatusCode::OK, Some("returned")));
    let leader_b = app.login("leader-b").await;
    let (s, _) = app
        .post(
            &leader_b,
            &format!("/api/tasks/{task}/actions/reassign"),
            json!({ "department": dept_b }),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let leader_a = app.login("leader-a").await;
    let (s, v) = app
        .post(
            &leader_a,
            &format!("/api/tasks/{task}/actions/reassign"),
            json!({ "department": dept_b }),
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str(), v["department"].as_str()),
        (StatusCode::OK, Some("assigned"), Some("住建局"))
    );
    let (s, _) = app
        .post(
            &staff_b,
            &format!("/api/tasks/{task}/actions/sign"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
}
both!(triage_and_returns);

/// Who sees the photo of a topic still in triage: its submitter, its room's
/// convener and the officials whose region covers the room — not another
/// room's convener, another subdistrict's leader, a department or a
/// passer-by. And work goes only to departments serving the topic's place.
async fn photos_and_departments_are_scoped(backend: Backend) {
    use crate::helpers::Multipart;
    use crate::intake::{TopicFields, location, media_links, picture, tracking_no};
    let app = TestApp::start(backend).await;
    let submitter = app.phone().await;
    let r = Multipart::new()
        .topic("村口路灯不亮")
        .file(
            "photos",
            "IMG_0001.png",
            "image/png",
            &picture(image::ImageFormat::Png, 42),
        )
        .send(&submitter, app.url("/r/room-a/topics"))
        .await;
    let no = tracking_no(&location(&r));
    let (_, html) = app.page(&submitter, &format!("/t/{no}")).await;
    let photo = app.url(&media_links(&html, "<a href=\"")[0]);
    const SEES: [&str; 5] = ["convener-a", "leader-a", "leader-county", "member", "admin"];
    let mut wrong = Vec::new();
    for login in EVERYONE {
        let c = app.login(login).await;
        let status = c.get(&photo).send().await.unwrap().status();
        let expected = if SEES.contains(&login) {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        };
        if status != expected {
            wrong.push(format!("{login}: {status}, expected {expected}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "photo of a topic in triage:\n{}",
        wrong.join("\n")
    );
    let submitter_sees = submitter.get(&photo).send().await.unwrap().status();
    assert_eq!(submitter_sees, StatusCode::OK, "the submitter");
    let passer_by = app.phone().await.get(&photo).send().await.unwrap().status();
    assert_eq!(passer_by, StatusCode::NOT_FOUND, "a passer-by");

    // Referring to another subdistrict's department is refused.
    let elsewhere = app.world.dept_elsewhere.0.to_string();
    let c = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &c,
            &format!("/api/topics/{no}/actions/refer"),
            json!({ "department": elsewhere, "due": "2030-01-01" }),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
}
both!(photos_and_departments_are_scoped);

/// A leader, convener or clerk never sees another region's, room's or department's work on the desk.
async fn desks_stay_in_their_region(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    let a = app.submit(&phone, "陈师村河塘清淤").await;
    let convener = app.login("convener-a").await;
    app.post(
        &convener,
        &format!("/api/topics/{a}/actions/refer"),
        json!({ "department": app.world.dept_a.0.to_string(), "due": "2030-01-01" }),
    )
    .await;
    let b = app.submit(&phone, "陈师村路灯维修").await;
    for (login, must_not_see) in [
        ("convener-b", &b),
        ("leader-b", &b),
        ("staff-b", &a),
        ("member", &b),
    ] {
        let c = app.login(login).await;
        let (s, desk) = app.get(&c, "/api/desk").await;
        assert_eq!(s, StatusCode::OK);
        let text = desk.to_string();
        assert!(
            !text.contains(must_not_see.as_str()),
            "{login} sees {must_not_see}: {text}"
        );
        let (_, html) = app.page(&c, "/desk").await;
        assert!(
            !html.contains("陈师村河塘清淤") && !html.contains("陈师村路灯维修"),
            "{login}'s desk shows room A's work"
        );
    }
    let (_, desk) = app.get(&convener, "/api/desk").await;
    assert!(
        desk.to_string().contains(&b),
        "the room's own convener does see it"
    );
    let staff = app.login("staff-a").await;
    let (_, desk) = app.get(&staff, "/api/desk").await;
    assert!(desk["tasks"].as_array().unwrap().len() == 1);
}
both!(desks_stay_in_their_region);
