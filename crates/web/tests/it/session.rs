//! Sign-in: passwords with lockout, phone codes, logout, and who may see the desk.
use reqwest::StatusCode;
use serde_json::json;
use store::testing::{Backend, WORLD_PASSWORD};

use crate::helpers::TestApp;
use store::both_backends as both;

async fn password_lockout_and_logout(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let (s, _) = app.get(&c, "/api/desk").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let r = c.get(app.url("/desk")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login?next=/desk");

    // A few wrong passwords do not lock the owner out (guessing is
    // throttled per address: see integrity.rs).
    for _ in 0..5 {
        let (s, v) = app
            .post(
                &c,
                "/api/session",
                json!({ "username": "leader-a", "password": "wrong-password" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    }
    let (s, v) = app
        .post(
            &c,
            "/api/session",
            json!({ "username": "leader-a", "password": WORLD_PASSWORD }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let c = app.login("convener-a").await;
    let (s, me) = app.get(&c, "/api/session").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["roles"], json!(["convener"]));
    let r = c.get(app.url("/login")).send().await.unwrap();
    let cookie_line = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        !cookie_line.contains("sl_session"),
        "session cookie re-sent on every page"
    );
    let (s, _) = app.post(&c, "/api/session/logout", json!({})).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = app.get(&c, "/api/session").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
both!(password_lockout_and_logout);

async fn session_cookie_flags(backend: Backend) {
    let app = TestApp::start(backend).await;
    let r = app
        .client()
        .post(app.url("/api/session"))
        .json(&json!({ "username": "staff-a", "password": WORLD_PASSWORD }))
        .send()
        .await
        .unwrap();
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("sl_session="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
}
both!(session_cookie_flags);

async fn phone_code_sign_in(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let (s, v) = app
        .post(&c, "/api/otp", json!({ "phone": "138 0013 8000" }))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["phone"], "138****8000");
    // The real code only went to the (log) SMS sender; guessing fails and counts.
    let (s, v) = app
        .post(
            &c,
            "/api/otp/verify",
            json!({ "phone": "13800138000", "code": "000000" }),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    let code = app.sms.last_code("13800138000");
    let (s, v) = app
        .post(
            &c,
            "/api/otp/verify",
            json!({ "phone": "13800138000", "code": code }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["roles"], json!(["resident"]));
    // A used code does not work twice.
    let (s, _) = app
        .post(
            &app.client(),
            "/api/otp/verify",
            json!({ "phone": "13800138000", "code": code }),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    for _ in 0..4 {
        app.post(&c, "/api/otp", json!({ "phone": "13800138000" }))
            .await;
    }
    let (s, v) = app
        .post(&c, "/api/otp", json!({ "phone": "13800138000" }))
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    let (s, _) = app
        .post(&c, "/api/otp", json!({ "phone": "not-a-phone" }))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}
both!(phone_code_sign_in);
