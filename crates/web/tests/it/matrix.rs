//! The authorization matrix: every route of the route table × every kind of
//! person, checked against what each route is declared to allow. A route
//! added without a line here fails the test.
use std::collections::BTreeMap;

use reqwest::{Client, StatusCode};
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

/// Every kind of person, as (label, world login or None for anonymous).
const PEOPLE: [(&str, Option<&str>); 11] = [
    ("anonymous", None),
    ("resident", Some("resident")),
    ("committee member", Some("member")),
    ("convener of another room", Some("convener-b")),
    ("convener of this room", Some("convener-a")),
    ("staff of another department", Some("staff-b")),
    ("staff of this department", Some("staff-a")),
    ("leader of another region", Some("leader-b")),
    ("leader of this region", Some("leader-a")),
    ("leader of the county above", Some("leader-county")),
    ("administrator", Some("admin")),
];

/// Who gets past authorization, as world logins; "*" is everyone, "signed-in" everyone with an account.
fn expectations() -> BTreeMap<(&'static str, &'static str), (&'static str, &'static [&'static str])>
{
    let leaders: &[&str] = &["leader-a", "leader-county"];
    // Every leader has a 督办 page, of their own region.
    let any_leader: &[&str] = &["leader-a", "leader-b", "leader-county"];
    let conv: &[&str] = &["convener-a"];
    // Past the role check; the deliberation of the fixture's id does not exist (404).
    let conveners: &[&str] = &["convener-a", "convener-b"];
    let staff: &[&str] = &["staff-a"];
    let all: &[&str] = &["*"];
    let signed: &[&str] = &["signed-in"];
    let nobody: &[&str] = &[];
    let every_official: &[&str] = &[
        "member",
        "convener-a",
        "convener-b",
        "staff-a",
        "staff-b",
        "leader-a",
        "leader-b",
        "leader-county",
        "admin",
    ];
    // (method, path) → (the action or variant to try, who may)
    BTreeMap::from([
        (("get", "/"), ("", all)),
        (("get", "/r/{code}"), ("", all)),
        (("post", "/r/{code}/topics"), ("", all)),
        (("get", "/r/{code}/similar"), ("", all)),
        (("get", "/r/{code}/qr.svg"), ("", all)),
        (("get", "/r/{code}/poster.svg"), ("", all)),
        (("get", "/r/{code}/poster.png"), ("", all)),
        (("get", "/r/{code}/poster.pdf"), ("", all)),
        (("get", "/t/{no}/qr.svg"), ("", all)),
        (("get", "/t/{no}/research/report.docx"), ("", all)),
        (("get", "/t/{no}/research/report.pdf"), ("", all)),
        (("post", "/t/{no}/support"), ("", all)),
        (("post", "/t/{no}/follow"), ("", signed)),
        (("get", "/media/{*key}"), ("", all)),
        (("get", "/inbox"), ("", all)),
        (("get", "/mine"), ("", signed)),
        (("post", "/t/{no}/phone"), ("", conv)),
        (("get", "/api/session/topics"), ("", signed)),
        (("post", "/api/topics/{no}/phone"), ("", conv)),
        (("post", "/care"), ("", all)),
        (("get", "/m/{id}/qr.svg"), ("", all)),
        (("get", "/desk/triage"), ("", conveners)),
        (("get", "/api/rooms/{code}/similar"), ("", all)),
        (("post", "/api/topics/{no}/supports"), ("", all)),
        (("post", "/r/{code}/meetings"), ("", conv)),
        (("get", "/t/{no}"), ("", all)),
        (("get", "/lookup"), ("", all)),
        (("post", "/t/{no}/act/{action}"), ("accept", conv)),
        // Everyone here supported the topic on the way (its route comes
        // first), so each may rate it once it is done: too early, not forbidden.
        (("post", "/t/{no}/rate"), ("", all)),
        (("post", "/t/{no}/like"), ("", all)),
        (("post", "/tasks/{id}/act/{action}"), ("sign", staff)),
        (("post", "/t/{no}/deliberation"), ("", conv)),
        (("post", "/t/{no}/deliberation/import"), ("", conv)),
        (("get", "/d/{id}"), ("", all)),
        (("post", "/d/{id}/vote"), ("", all)),
        (("post", "/d/{id}/statements"), ("", all)),
        (("get", "/d/{id}/results"), ("", all)),
        (("get", "/d/{id}/moderate"), ("", conveners)),
        (("post", "/d/{id}/moderate"), ("", conveners)),
        (("post", "/d/{id}/attach"), ("", conveners)),
        (("post", "/d/{id}/close"), ("", conveners)),
        (("post", "/d/{id}/participation"), ("", conveners)),
        (("post", "/d/{id}/discount"), ("", conveners)),
        (("post", "/t/{no}/photos/publish"), ("", conv)),
        (("get", "/supervision"), ("", any_leader)),
        (("post", "/tasks/sign"), ("", &["staff-a", "staff-b"])),
        (("post", "/tasks/{id}/orders"), ("", leaders)),
        (("post", "/orders/{id}/answer"), ("", staff)),
        (("post", "/api/tasks/{id}/orders"), ("", leaders)),
        (("post", "/api/orders/{id}/answer"), ("", staff)),
        (("get", "/d/{id}/export/{file}"), ("", all)),
        (("get", "/m/{id}"), ("", all)),
        (("post", "/m/{id}/act/{action}"), ("notify", conv)),
        (("post", "/m/{id}/invitations"), ("", conv)),
        (("post", "/m/{id}/invitations/{inv}/present"), ("", conv)),
        (("post", "/m/{id}/mix"), ("", conv)),
        (("get", "/m/{id}/rsvp/{token}"), ("", all)),
        (("post", "/m/{id}/rsvp/{token}"), ("", all)),
        (("get", "/m/{id}/door"), ("", conv)),
        (("get", "/m/{id}/door/panel"), ("", conv)),
        (("get", "/m/{id}/checkin/{code}"), ("", all)),
        (("get", "/m/{id}/checkin"), ("", all)),
        (("post", "/m/{id}/checkin"), ("", all)),
        (("get", "/members"), ("", all)),
        (("get", "/search"), ("", all)),
        (("get", "/open"), ("", all)),
        (("get", "/open/{id}"), ("", all)),
        (("get", "/figures"), ("", all)),
        (("get", "/figures/{id}"), ("", all)),
        (("get", "/figures/{id}/{kpi}"), ("", all)),
        (("get", "/figures/{id}/screen"), ("", all)),
        (("get", "/figures/{id}/screen.json"), ("", all)),
        (("get", "/figures/{id}/report.docx"), ("", all)),
        (("get", "/figures/{id}/report.pdf"), ("", all)),
        // Every role but a resident's (an export of the fixture's id does
        // not exist: 404 past the role check).
        (("get", "/figures/{id}/ledger.xlsx"), ("", every_official)),
        (("get", "/exports/{id}"), ("", every_official)),
        (("get", "/exports/{id}/ledger.xlsx"), ("", every_official)),
        (("get", "/campaigns"), ("", all)),
        (("post", "/campaigns"), ("", any_leader)),
        (("get", "/campaigns/{id}"), ("", all)),
        (("post", "/t/{no}/campaign"), ("", conv)),
        (("post", "/m/{id}/campaign"), ("", conv)),
        (("get", "/members/{id}"), ("", all)),
        (("get", "/members/{id}/duty.xlsx"), ("", all)),
        (("get", "/members/{id}/duty.pdf"), ("", all)),
        (("get", "/m/{id}/minutes"), ("", all)),
        (("get", "/m/{id}/minutes.docx"), ("", all)),
        (("get", "/m/{id}/minutes.pdf"), ("", all)),
        (("post", "/m/{id}/minutes"), ("", conv)),
        (("post", "/m/{id}/minutes/publish"), ("", conv)),
        (("get", "/m/{id}/live"), ("", all)),
        (("get", "/m/{id}/live/panel"), ("", all)),
        (("post", "/m/{id}/live/current"), ("", conv)),
        (("post", "/m/{id}/live/speakers"), ("", conv)),
        (("post", "/m/{id}/live/next"), ("", conv)),
        (("post", "/m/{id}/live/votes"), ("", conv)),
        (("post", "/m/{id}/live/votes/{vote}/close"), ("", conv)),
        (("post", "/m/{id}/live/ask"), ("", all)),
        (("post", "/m/{id}/live/votes/{vote}/ballot"), ("", all)),
        (("get", "/desk"), ("", signed)),
        (("get", "/admin"), ("", &["admin"])),
        (("post", "/admin/regions"), ("", &["admin"])),
        (("get", "/admin/regions/{id}"), ("", &["admin"])),
        (("post", "/admin/regions/{id}/rename"), ("", &["admin"])),
        (("post", "/admin/regions/{id}/move"), ("", &["admin"])),
        (("post", "/admin/regions/{id}/retire"), ("", &["admin"])),
        (("post", "/admin/rooms"), ("", &["admin"])),
        (("get", "/admin/rooms/{id}"), ("", &["admin"])),
        (("post", "/admin/rooms/{id}"), ("", &["admin"])),
        (("post", "/admin/rooms/{id}/retire"), ("", &["admin"])),
        (("post", "/admin/rooms/{id}/conveners"), ("", &["admin"])),
        (("post", "/admin/departments"), ("", &["admin"])),
        (("post", "/admin/departments/{id}"), ("", &["admin"])),
        (("get", "/admin/people"), ("", &["admin"])),
        (("post", "/admin/people"), ("", &["admin"])),
        (("get", "/admin/people/{id}"), ("", &["admin"])),
        (("post", "/admin/people/{id}"), ("", &["admin"])),
        (("post", "/admin/people/{id}/disable"), ("", &["admin"])),
        (("post", "/admin/people/{id}/reset"), ("", &["admin"])),
        (("post", "/admin/people/{id}/grants"), ("", &["admin"])),
        (("post", "/admin/people/{id}/revoke"), ("", &["admin"])),
        (("get", "/admin/audit"), ("", &["admin"])),
        (("get", "/admin/export.xlsx"), ("", &["admin"])),
        (("get", "/admin/calendar"), ("", &["admin"])),
        // The calendar is national: no subdistrict's administrator enters it.
        (("post", "/admin/calendar"), ("", nobody)),
        (("get", "/admin/api-keys"), ("", &["admin"])),
        (("post", "/admin/api-keys"), ("", &["admin"])),
        (("post", "/admin/api-keys/{id}/retire"), ("", &["admin"])),
        (("get", "/open311/v2/{file}"), ("", all)),
        (("post", "/open311/v2/{file}"), ("", all)),
        (("get", "/open311/v2/services/{file}"), ("", all)),
        (("get", "/open311/v2/requests/{file}"), ("", all)),
        (("get", "/open311/v2/tokens/{file}"), ("", all)),
        (("post", "/api/hotline/orders"), ("", all)),
        (("get", "/admin/webhooks"), ("", &["admin"])),
        (("post", "/admin/webhooks"), ("", &["admin"])),
        (("get", "/admin/webhooks/{id}"), ("", &["admin"])),
        (("post", "/admin/webhooks/{id}/resume"), ("", &["admin"])),
        (("post", "/admin/webhooks/{id}/retire"), ("", &["admin"])),
        (("get", "/admin/import"), ("", &["admin"])),
        (("post", "/admin/import"), ("", &["admin"])),
        (("get", "/account/password"), ("", signed)),
        (("post", "/account/password"), ("", signed)),
        (("get", "/account/notices"), ("", signed)),
        (("post", "/account/notices"), ("", signed)),
        (("get", "/account/sessions"), ("", signed)),
        (("post", "/account/sessions/others"), ("", signed)),
        (("get", "/account/second-factor"), ("", signed)),
        (("post", "/account/second-factor/start"), ("", signed)),
        (("post", "/account/second-factor/confirm"), ("", signed)),
        (("post", "/account/second-factor/recovery"), ("", signed)),
        (("post", "/account/second-factor/off"), ("", signed)),
        (
            ("post", "/admin/people/{id}/second-factor"),
            ("", &["admin"]),
        ),
        (
            ("post", "/admin/regions/{id}/second-factor"),
            ("", &["admin"]),
        ),
        (("post", "/admin/regions/{id}/categories"), ("", &["admin"])),
        (("get", "/admin/deadlines"), ("", &["admin"])),
        (("post", "/admin/deadlines"), ("", &["admin"])),
        (("post", "/admin/approval"), ("", &["admin"])),
        (("get", "/api/regions/{id}/deadline-classes"), ("", all)),
        (
            ("post", "/api/regions/{id}/deadline-classes"),
            ("", &["admin"]),
        ),
        (("post", "/reviews"), ("", any_leader)),
        (("get", "/reviews/{id}"), ("", all)),
        (("post", "/api/reviews"), ("", any_leader)),
        (("get", "/api/reviews/{id}"), ("", all)),
        (("post", "/desk/propose"), ("leadership", leaders)),
        (("get", "/login"), ("", all)),
        (("post", "/login"), ("", all)),
        (("post", "/login/code"), ("", all)),
        (("post", "/login/phone"), ("", all)),
        (("get", "/login/second-factor"), ("", all)),
        (("post", "/login/second-factor"), ("", all)),
        (("post", "/logout"), ("", signed)),
        (("get", "/static/{file}"), ("", all)),
        (("get", "/healthz"), ("", all)),
        (("get", "/readyz"), ("", all)),
        (("get", "/metrics"), ("", nobody)),
        (("get", "/api/openapi.json"), ("", all)),
        (("get", "/api/docs"), ("", all)),
        (("get", "/api/docs/"), ("", all)),
        (("get", "/api/docs/{*file}"), ("", all)),
        (("get", "/api/rooms"), ("", all)),
        (("get", "/api/regions/{id}/figures"), ("", all)),
        (("get", "/api/regions/{id}/open-data/topics"), ("", all)),
        (("get", "/api/regions/{id}/open-data/meetings"), ("", all)),
        (("get", "/api/regions/{id}/open-data/opinions"), ("", all)),
        (("get", "/api/regions/{id}/open-data/tasks"), ("", all)),
        (("get", "/api/open-data"), ("", all)),
        (("get", "/api/search"), ("", all)),
        (("get", "/api/rooms/{code}"), ("", all)),
        (("post", "/api/rooms/{code}/topics"), ("", all)),
        (("post", "/api/rooms/{code}/meetings"), ("", conv)),
        (("get", "/api/topics"), ("", all)),
        (("get", "/api/topics/{no}"), ("", all)),
        (
            ("post", "/api/topics/{no}/actions/{action}"),
            ("review", leaders),
        ),
        (("post", "/api/topics/{no}/rating"), ("", all)),
        (("post", "/api/topics/{no}/likes"), ("", all)),
        (
            ("get", "/api/tasks/{id}"),
            (
                "",
                &[
                    "staff-a",
                    "staff-b",
                    "leader-a",
                    "leader-b",
                    "leader-county",
                    "convener-a",
                    "convener-b",
                ],
            ),
        ),
        (
            ("post", "/api/tasks/{id}/actions/{action}"),
            ("reassign", leaders),
        ),
        (("get", "/api/meetings/{id}"), ("", all)),
        (
            ("post", "/api/meetings/{id}/actions/{action}"),
            ("start", conv),
        ),
        (("get", "/api/desk"), ("", signed)),
        (("post", "/api/session"), ("", all)),
        (("get", "/api/session"), ("", signed)),
        (("post", "/api/session/logout"), ("", signed)),
        (("post", "/api/otp"), ("", all)),
        (("post", "/api/otp/verify"), ("", all)),
    ])
}

fn may(allowed: &[&str], login: Option<&str>) -> bool {
    allowed.contains(&"*")
        || (login.is_some() && allowed.contains(&"signed-in"))
        || login.is_some_and(|l| allowed.contains(&l))
}

async fn authorization_matrix(backend: Backend) {
    let app = TestApp::start(backend).await;
    let table = web::route_table();
    let expected = expectations();
    for r in &table {
        assert!(
            expected.contains_key(&(r.method, r.path)),
            "route {} {} has no line in the authorization matrix",
            r.method,
            r.path
        );
    }
    assert_eq!(
        table.len(),
        expected.len(),
        "the matrix names a route the router does not have"
    );

    // The fixture: a submitted topic, a topic whose task was returned by its department,
    // a deliberated topic, and a planned meeting, all in room A.
    let phone = app.client();
    let no = app.submit(&phone, "农田征地矛盾调处").await;
    let deliberated = app.submit(&phone, "移风易俗天价彩礼整治").await;
    let convener = app.login("convener-a").await;
    let post = |c: &Client, p: String, b: serde_json::Value| {
        let (c, app) = (c.clone(), &app);
        async move { app.post(&c, &p, b).await }
    };
    post(
        &convener,
        format!("/api/topics/{deliberated}/actions/accept"),
        json!({}),
    )
    .await;
    app.research(&convener, &deliberated).await;
    let (_, m) = post(
        &convener,
        "/api/rooms/room-a/meetings".into(),
        json!({ "title": "移风易俗议事会", "starts_at": "2030-03-01T09:00" }),
    )
    .await;
    let held = m["id"].as_i64().unwrap();
    post(
        &convener,
        format!("/api/topics/{deliberated}/actions/schedule"),
        json!({ "meeting": held.to_string() }),
    )
    .await;
    post(
        &convener,
        format!("/api/meetings/{held}/actions/start"),
        json!({}),
    )
    .await;
    let (s, _) = post(
        &convener,
        format!("/api/topics/{deliberated}/actions/opinion"),
        json!({ "text": "倡导彩礼不超过三万元。" }),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    // The leadership meeting that rules on its opinion.
    let leader = app.login("leader-a").await;
    let (s, session) = post(
        &leader,
        "/api/reviews".into(),
        json!({ "title": "街道党工委会议", "held_on": app.today(), "attendees": "党工委书记、办事处主任" }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{session}");
    let session = session["id"].to_string();
    let opinion = app
        .store
        .opinions(app.store.topic_by_tracking(&deliberated).await.unwrap().id)
        .await
        .unwrap()[0]
        .id
        .to_string();
    let (_, m) = post(
        &convener,
        "/api/rooms/room-a/meetings".into(),
        json!({ "title": "春季议事会", "starts_at": "2030-04-01T09:00" }),
    )
    .await;
    let meeting = m["id"].as_i64().unwrap();
    let referred = app.submit(&phone, "路灯维修").await;
    post(
        &convener,
        format!("/api/topics/{referred}/actions/refer"),
        json!({ "department": app.world.dept_a.0.to_string(), "due": "2030-01-01" }),
    )
    .await;
    let task = app
        .store
        .tasks_of_topic(app.store.topic_by_tracking(&referred).await.unwrap().id)
        .await
        .unwrap()[0]
        .id;
    // A second task for the sign check, left assigned.
    let referred2 = app.submit(&phone, "井盖缺失").await;
    post(
        &convener,
        format!("/api/topics/{referred2}/actions/refer"),
        json!({ "department": app.world.dept_a.0.to_string(), "due": "2030-01-01" }),
    )
    .await;
    let task2 = app
        .store
        .tasks_of_topic(app.store.topic_by_tracking(&referred2).await.unwrap().id)
        .await
        .unwrap()[0]
        .id;
    let staff = app.login("staff-a").await;
    post(
        &staff,
        format!("/api/tasks/{task}/actions/return"),
        json!({ "reason": "不属于本部门职责" }),
    )
    .await;

    // A 督办单 on the returned task, for the answer routes.
    let (s, o) = post(
        &leader,
        format!("/api/tasks/{task}/orders"),
        json!({ "text": "请说明退回原因及改派建议。", "answer_by": "2030-01-01" }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{o}");
    let order = o["id"].to_string();

    // The console's pages about things inside the administrator's region
    // (room A's village, room A, department A, room A's convener).
    let village = app.store.room(app.world.room_a).await.unwrap().region;
    let admin_ids = [
        ("/admin/regions/", village.0),
        ("/admin/rooms/", app.world.room_a.0),
        ("/admin/departments/", app.world.dept_a.0),
        ("/admin/people/", app.world.user("convener-a").0),
        ("/figures/", app.world.subdistrict_a.0),
        ("/api/regions/", app.world.subdistrict_a.0),
    ];
    let mut failures = Vec::new();
    // Sign-outs last, so each person's session lives through the rest.
    let mut routes: Vec<_> = table.iter().collect();
    routes.sort_by_key(|r| r.path.contains("logout"));
    for (label, login) in PEOPLE {
        let client = match login {
            Some(l) => app.login(l).await,
            None => app.client(),
        };
        for r in &routes {
            let (variant, allowed) = expected[&(r.method, r.path)];
            let path = r
                .path
                .replace("{code}", "room-a")
                .replace(
                    "{no}",
                    if r.path.contains("/api/topics/{no}/actions") {
                        &deliberated
                    } else {
                        &no
                    },
                )
                .replace(
                    "{id}",
                    &if let Some(admin_id) = admin_ids
                        .iter()
                        .find(|(prefix, _)| r.path.starts_with(prefix))
                        .map(|(_, id)| id)
                    {
                        admin_id.to_string()
                    } else if r.path.contains("/orders/") {
                        order.clone()
                    } else if r.path.contains("task") {
                        if variant == "sign" { task2 } else { task }.to_string()
                    } else {
                        meeting.to_string()
                    },
                )
                .replace("{action}", variant)
                .replace("{inv}", "999999")
                .replace("{vote}", "999999")
                .replace("{token}", "1.forged")
                .replace("{*file}", "index.html")
                .replace("{*key}", "photos/00/none.jpg")
                .replace("{file}", "app.css")
                .replace("{kpi}", "satisfaction");
            let path = if r.path == "/lookup" {
                format!("/lookup?no={no}")
            } else {
                path
            };
            let mut body = json!({
                "title": "议题标题测试", "body": "具体情况", "room": "room-a", "channel": variant,
                "satisfaction": "satisfied", "decision": "adopt", "department": app.world.dept_b.0.to_string(),
                "starts_at": "2030-05-01T09:00", "username": "nobody", "password": "wrong-password",
                "phone": "13912340000", "code": "000000", "session": session, "opinion": opinion,
                "answer": "已查明原因，正在改派。", "text": "请说明办理情况。", "answer_by": "2030-01-01",
            });
            // A move takes only the fields its schema names.
            if r.path.starts_with("/api/") && r.path.ends_with("/actions/{action}") {
                let concrete = r.path.replace("{action}", variant);
                let schema = &web::api_document()["paths"][concrete]["post"]["requestBody"]["content"]
                    ["application/json"]["schema"]["properties"];
                if let (Some(keep), Some(fields)) = (schema.as_object(), body.as_object_mut()) {
                    fields.retain(|k, _| keep.contains_key(k));
                }
            }
            // Signing out ends the session: each sign-out route gets a fresh one.
            let client = match login {
                Some(l) if r.path.contains("logout") => app.login(l).await,
                _ => client.clone(),
            };
            let resp = if r.method == "get" {
                client.get(app.url(&path)).send().await.unwrap()
            } else if path.starts_with("/api/") {
                client
                    .post(app.url(&path))
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
            } else {
                let form: Vec<(String, String)> = body
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
                    .collect();
                client
                    .post(app.url(&path))
                    .form(&form)
                    .send()
                    .await
                    .unwrap()
            };
            let status = resp.status();
            let to_login = status == StatusCode::SEE_OTHER
                && resp
                    .headers()
                    .get("location")
                    .is_some_and(|l| l.to_str().unwrap_or("").starts_with("/login?"));
            // A sign-in route answering 401 means "wrong password", not "not allowed".
            let sign_in = matches!(
                r.path,
                "/login"
                    | "/login/phone"
                    | "/login/second-factor"
                    | "/api/session"
                    | "/api/otp/verify"
            ) && r.method == "post";
            let denied = status == StatusCode::FORBIDDEN
                || to_login
                || (status == StatusCode::UNAUTHORIZED && !sign_in);
            if status.is_server_error() {
                failures.push(format!("{label}: {} {path} → {status}", r.method));
            }
            if denied == may(allowed, login) {
                failures.push(format!(
                    "{label}: {} {path} → {status} (expected {})",
                    r.method,
                    if denied { "allowed" } else { "denied" }
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix:\n{}",
        failures.join("\n")
    );
}
both!(authorization_matrix);
