//! Every stage action refuses (403) everyone who may not take it, and changes nothing.
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

async fn stage_actions_forbidden(backend: Backend) {
    let app = TestApp::start(backend).await;
    let mut clients = Vec::new();
    for login in EVERYONE {
        clients.push((login, app.login(login).await));
    }
    let submitter = app.client();
    let no = app.submit(&submitter, "停车秩序整治").await;
    let t = |a: &str| format!("/api/topics/{no}/actions/{a}");
    let conv: &[&str] = &["convener-a"];
    let leaders: &[&str] = &["leader-a", "leader-county"];

    check(
        &app,
        &clients,
        &no,
        Step {
            path: t("accept"),
            body: json!({}),
            allowed: conv,
            by: "convener-a",
        },
    )
    .await;
    check(
        &app,
        &clients,
        &no,
        Step {
            path: t("research"),
            body: json!({ "note": "走访沿街商户二十户。" }),
            allowed: conv,
            by: "convener-a",
        },
    )
    .await;
    let m = check(
        &app,
        &clients,
        &no,
        Step {
            path: "/api/rooms/room-a/meetings".into(),
            body: json!({ "title": "停车问题议事会", "starts_at": "2030-01-05T14:00" }),
            allowed: conv,
            by: "convener-a",
        },
    )
    .await;
    let mid = m["id"].as_i64().unwrap();
    check(
        &app,
        &clients,
        &no,
        Step {
            path: t("schedule"),
            body: json!({ "meeting": mid.to_string() }),
            allowed: conv,
            by: "convener-a",
        },
    )
    .await;
    for a in ["notify", "start"] {
        check(
            &app,
            &clients,
            &no,
            Step {
                path: format!("/api/meetings/{mid}/actions/{a}"),
                body: json!({}),
                allowed: conv,
                by: "convener-a",
            },
        )
        .await;
    }
    check(
        &app,
        &clients,
        &no,
        Step {
            path: t("opinion"),
            body: json!({ "text": "划定临时停车位。" }),
            allowed: conv,
            by: "convener-a",
        },
    )
    .await;
    check(
        &app,
        &clients,
        &no,
        Step {
            path: format!("/api/meetings/{mid}/actions/close"),
            body: json!({}),
            allowed: conv,
            by: "convener-a",
        },
    )
    .await;
    check(
        &app,
        &clients,
        &no,
        Step {
            path: t("review"),
            body: json!({ "decision": "adopt" }),
            allowed: leaders,
            by: "leader-a",
        },
    )
    .await;
    let dept = app.world.dept_a.0.to_string();
    check(
        &app,
        &clients,
        &no,
        Step {
            path: t("dispatch"),
            body: json!({ "department": dept, "title": "施划停车位", "due": "2030-02-01" }),
            allowed: leaders,
            by: "leader-a",
        },
    )
    .await;

    let task = app
        .store
        .tasks_of_topic(app.store.topic_by_tracking(&no).await.unwrap().id)
        .await
        .unwrap()[0]
        .id;
    let k = |a: &str| format!("/api/tasks/{task}/actions/{a}");
    let staff: &[&str] = &["staff-a"];
    check(
        &app,
        &clients,
        &no,
        Step {
            path: k("sign"),
            body: json!({}),
            allowed: staff,
            by: "staff-a",
        },
    )
    .await;
    check(
        &app,
        &clients,
        &no,
        Step {
            path: k("progress"),
            body: json!({ "note": "已完成现场测量。" }),
            allowed: staff,
            by: "staff-a",
        },
    )
    .await;
    check(
        &app,
        &clients,
        &no,
        Step {
            path: k("extend"),
            body: json!({ "until": "2030-03-01", "reason": "材料未到" }),
            allowed: staff,
            by: "staff-a",
        },
    )
    .await;
    check(
        &app,
        &clients,
        &no,
        Step {
            path: k("grant-extension"),
            body: json!({}),
            allowed: leaders,
            by: "leader-a",
        },
    )
    .await;
    check(
        &app,
        &clients,
        &no,
        Step {
            path: k("complete"),
            body: json!({ "note": "停车位施划完毕。" }),
            allowed: staff,
            by: "staff-a",
        },
    )
    .await;
    check(
        &app,
        &clients,
        &no,
        Step {
            path: k("verify"),
            body: json!({}),
            allowed: conv,
            by: "convener-a",
        },
    )
    .await;
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
