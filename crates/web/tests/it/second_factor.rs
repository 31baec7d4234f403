//! 动态验证码 through the real pages: an official sets it up from the QR
//! page, then signs in with a password and a code (no code twice), a
//! recovery code opens one sign-in, the API takes the code with the
//! password, an administrator requires it of a region and clears it for a
//! lost phone; every step is in the audit log.
use reqwest::{Client, StatusCode};
use serde_json::json;
use store::testing::{Backend, WORLD_PASSWORD};

use crate::admin::{answer, form};
use crate::helpers::{TestApp, beijing};
use store::both_backends as both;

async fn page(app: &TestApp, c: &Client, path: &str) -> (StatusCode, String, String) {
    answer(c.get(app.url(path)).send().await.unwrap()).await
}

/// Signs in with the password on the page; returns where it leads.
async fn password_step(app: &TestApp, login: &str) -> (Client, String) {
    let c = app.client();
    let (s, to, _) = form(
        app,
        &c,
        "/login",
        &[
            ("username", login),
            ("password", WORLD_PASSWORD),
            ("next", "/desk"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "password accepted for {login}");
    (c, to)
}

/// Sets up the second factor from its page; returns the key and the recovery codes.
async fn enrol(app: &TestApp, c: &Client) -> (domain::TotpKey, Vec<String>) {
    let (s, to, _) = form(app, c, "/account/second-factor/start", &[]).await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/account/second-factor")
    );
    let (s, _, html) = page(app, c, "/account/second-factor").await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("<svg"), "a QR code to scan");
    let typed: String = html
        .split("class=\"secret\">")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("the key to type by hand")
        .split_whitespace()
        .collect();
    let key = domain::TotpKey::parse(&typed).unwrap();
    let wrong = if key.code_at(app.store.clock().now()) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (s, _, html) = form(app, c, "/account/second-factor/confirm", &[("code", wrong)]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("动态验证码不正确"), "{html}");
    let code = key.code_at(app.store.clock().now());
    let (s, _, html) = form(app, c, "/account/second-factor/confirm", &[("code", &code)]).await;
    assert_eq!(s, StatusCode::OK);
    let codes: Vec<String> = html
        .split("<li><code>")
        .skip(1)
        .map(|r| r.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        codes.len(),
        domain::RECOVERY_CODES,
        "recovery codes shown once"
    );
    (key, codes)
}

async fn officials_sign_in_with_a_second_factor(backend: Backend) {
    let clock = store::Clock::at(beijing("2026-12-07T09:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .start()
        .await;
    let step = chrono::Duration::seconds(30);

    // Set up from the account page while signed in.
    let convener = app.login("convener-a").await;
    let (key, recovery) = enrol(&app, &convener).await;
    let (_, _, html) = page(&app, &convener, "/account/second-factor").await;
    assert!(
        html.contains("已开启") && html.contains("剩余恢复码 10 个"),
        "{html}"
    );

    // The password alone now signs no one in.
    let (c, to) = password_step(&app, "convener-a").await;
    assert_eq!(to, "/login/second-factor?next=/desk");
    let (s, to, _) = page(&app, &c, "/desk").await;
    assert!(
        s == StatusCode::SEE_OTHER && to.starts_with("/login?"),
        "{s} {to}"
    );
    // The code just used to confirm opens nothing more; the next one does.
    let used = key.code_at(clock.now());
    let (s, _, html) = form(
        &app,
        &c,
        "/login/second-factor",
        &[("code", &used), ("next", "/desk")],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(html.contains("已经用过"), "{html}");
    clock.advance(step);
    let code = key.code_at(clock.now());
    let (s, to, _) = form(
        &app,
        &c,
        "/login/second-factor",
        &[("code", &code), ("next", "/desk")],
    )
    .await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/desk"));
    assert_eq!(page(&app, &c, "/desk").await.0, StatusCode::OK);

    // A recovery code opens one sign-in, and says how many are left.
    let (c, _) = password_step(&app, "convener-a").await;
    let (s, to, _) = form(
        &app,
        &c,
        "/login/second-factor",
        &[("code", &recovery[0].to_uppercase())],
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/account/second-factor?left=9")
    );
    let (c2, _) = password_step(&app, "convener-a").await;
    let (s, _, html) = form(&app, &c2, "/login/second-factor", &[("code", &recovery[0])]).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(html.contains("恢复码不正确或已经用过"), "{html}");

    // The API takes the code with the password.
    let api = app.client();
    let (s, body) = app
        .post(
            &api,
            "/api/session",
            json!({ "username": "convener-a", "password": WORLD_PASSWORD }),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{body}");
    clock.advance(step);
    let code = key.code_at(clock.now());
    let (s, body) = app
        .post(
            &api,
            "/api/session",
            json!({ "username": "convener-a", "password": WORLD_PASSWORD, "code": code }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");

    // The administrator requires it of subdistrict A's officials: the leader
    // must set one up before anything else, and cannot turn it off.
    let admin = app.login("admin").await;
    let region = app.store.room(app.world.room_a).await.unwrap().region;
    let subdistrict = app.store.region(region).await.unwrap().parent.unwrap();
    let rule = format!("/admin/regions/{}/second-factor", subdistrict.0);
    let (s, _, _) = form(&app, &admin, &rule, &[("second_factor", "maybe")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, _, _) = form(&app, &admin, &rule, &[("second_factor", "on")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (_, _, html) = page(&app, &admin, &format!("/admin/regions/{}", region.0)).await;
    assert!(
        html.contains("上级地区已要求"),
        "the village sees its subdistrict's rule"
    );
    let (leader, to) = password_step(&app, "leader-a").await;
    assert_eq!(to, "/account/second-factor");
    let (s, to, _) = page(&app, &leader, "/desk").await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/account/second-factor")
    );
    let (s, _) = app.get(&leader, "/api/session").await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (leader_key, _) = enrol(&app, &leader).await;
    assert_eq!(page(&app, &leader, "/desk").await.0, StatusCode::OK);
    clock.advance(step);
    let code = leader_key.code_at(clock.now());
    let (s, _, html) = form(
        &app,
        &leader,
        "/account/second-factor/off",
        &[("code", &code)],
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("要求"), "{html}");

    // The administrator's list of people says who uses it.
    let (_, _, people) = page(&app, &admin, "/admin/people").await;
    assert!(people.contains("正常 · 动态验证码"), "{people}");

    // A lost phone: the administrator clears it; the convener is signed out
    // everywhere and, the region requiring it, sets up a new one.
    let convener_id = app.world.user("convener-a").0;
    let (s, _, _) = form(
        &app,
        &admin,
        &format!("/admin/people/{convener_id}/second-factor"),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let (s, to, _) = page(&app, &convener, "/desk").await;
    assert!(
        s == StatusCode::SEE_OTHER && to.starts_with("/login?"),
        "signed out: {s} {to}"
    );
    let (_, to) = password_step(&app, "convener-a").await;
    assert_eq!(to, "/account/second-factor");

    // Every step is in the audit log.
    let (_, _, log) = page(&app, &admin, "/admin/audit").await;
    for action in [
        "开启动态验证码",
        "使用恢复码登录",
        "重置动态验证码",
        "修改设置",
    ] {
        assert!(log.contains(action), "audit shows {action}");
    }
}
both!(officials_sign_in_with_a_second_factor);
