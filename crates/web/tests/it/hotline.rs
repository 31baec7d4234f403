//! 12345 work orders in through `/api/hotline/orders`: refused without a
//! key or into another region's room, taken once per order number, and
//! the number carried back out on the webhook's deliveries.
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

async fn order(app: &TestApp, key: &str, body: Value) -> (StatusCode, Value) {
    let r = app
        .client()
        .post(app.url("/api/hotline/orders"))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap_or(Value::Null))
}

async fn a_work_order_is_taken_once_and_heard_back(backend: Backend) {
    let app = TestApp::start(backend).await;
    let cli = store::Authority::CommandLine;
    let (_, key) = app
        .store
        .admin_add_api_key(cli, app.world.subdistrict_a, "涟水县12345热线")
        .await
        .unwrap();
    let (_, _) = app
        .store
        .admin_add_webhook(
            cli,
            app.world.subdistrict_a,
            "https://12345.example.gov.cn/hook",
            &[domain::EventKind::Submitted],
        )
        .await
        .unwrap();
    let room = app.store.room(app.world.room_a).await.unwrap().code;
    let room_b = app.store.room(app.world.room_b).await.unwrap().code;
    let wo = json!({
        "order_no": "HL2026120600017",
        "content": "府前路与盐河路交叉口井盖破损下沉。夜间行人易绊倒，请尽快修缮。",
        "room": room.as_str(),
        "place": "府前路与盐河路交叉口",
        "phone": "13900000555",
    });

    assert_eq!(
        order(&app, "", wo.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        order(&app, "slk_nope", wo.clone()).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, _) = order(
        &app,
        &key,
        json!({"order_no": "HL1", "content": "x", "room": room_b.as_str()}),
    )
    .await;
    assert_eq!(
        s,
        StatusCode::BAD_REQUEST,
        "room B is not the key's region's"
    );
    let (s, _) = order(
        &app,
        &key,
        json!({"order_no": "HL 1/2", "content": "井盖破损", "room": room.as_str()}),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);

    let (s, first) = order(&app, &key, wo.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let no = first["tracking_no"].as_str().unwrap().to_owned();
    let t = app.store.topic_by_tracking(&no).await.unwrap();
    assert_eq!(t.title, "府前路与盐河路交叉口井盖破损下沉");
    assert_eq!(t.external_ref.as_deref(), Some("12345:HL2026120600017"));
    assert_eq!(t.channel, domain::Channel::Resident);
    assert_eq!(t.submitter_phone.as_deref(), Some("13900000555"));

    // Sent again (the hotline retried): the same topic, nothing new.
    let (s, again) = order(&app, &key, wo).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (again["tracking_no"].as_str(), again["created"].as_bool()),
        (Some(no.as_str()), Some(false))
    );
    let hooks = app
        .store
        .outbox_to(domain::OutChannel::Webhook, None, 10)
        .await
        .unwrap();
    assert_eq!(hooks.len(), 1, "one topic, one delivery");
    let body: Value = serde_json::from_str(&hooks[0].payload).unwrap();
    assert_eq!(body["topic"]["external_ref"], "12345:HL2026120600017");
    assert_eq!(body["topic"]["tracking_no"], no.as_str());

    // A retired key is refused.
    let id = app.store.admin_api_keys(cli).await.unwrap()[0].id;
    app.store.admin_retire_api_key(cli, id).await.unwrap();
    let (s, _) = order(
        &app,
        &key,
        json!({"order_no": "HL2", "content": "路灯不亮", "room": room.as_str()}),
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
both!(a_work_order_is_taken_once_and_heard_back);
