//! Messages out, through the pages: webhooks in the administrator's
//! console (registered with the key shown once, deliveries listed, paused
//! after failing and the administrator told, resumed, removed, another
//! region's out of reach), and an official choosing e-mail for notices.
use std::sync::Arc;

use reqwest::StatusCode;
use store::testing::Backend;

use crate::admin::form;
use crate::helpers::{SmsOutbox, TestApp, beijing};
use store::both_backends as both;

/// The text of `<code class="code" id="webhook-secret">…</code>`.
fn secret_on(page: &str) -> Option<String> {
    let at = page.find("id=\"webhook-secret\">")? + "id=\"webhook-secret\">".len();
    Some(page[at..].split('<').next()?.to_owned())
}

async fn a_webhook_is_kept_from_the_console(backend: Backend) {
    let clock = store::Clock::at(beijing("2026-12-01T09:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .start()
        .await;
    let admin = app.login("admin").await;
    let region = app.world.subdistrict_a.0.to_string();

    let (s, page) = app.page(&admin, "/admin/webhooks").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("尚未登记推送地址"), "{page}");

    // Bad input is explained and writes nothing.
    for (fields, message) in [
        (
            vec![
                ("region", region.as_str()),
                ("url", "ftp://x"),
                ("events", "submitted"),
            ],
            "http://",
        ),
        (
            vec![
                ("region", region.as_str()),
                ("url", "http://127.0.0.1:1/hook"),
            ],
            "请至少选择一种事件",
        ),
        (
            vec![
                ("region", region.as_str()),
                ("url", "http://127.0.0.1:1/hook"),
                ("events", "nonsense"),
            ],
            "事件类型不正确",
        ),
    ] {
        let (s, _, page) = form(&app, &admin, "/admin/webhooks", &fields).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains(message), "{message}: {page}");
    }
    // Subdistrict B is not this administrator's.
    let other = app.world.subdistrict_b.0.to_string();
    let (s, _, _) = form(
        &app,
        &admin,
        "/admin/webhooks",
        &[
            ("region", &other),
            ("url", "http://127.0.0.1:1/b"),
            ("events", "submitted"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        app.store
            .admin_webhooks(store::Authority::CommandLine)
            .await
            .unwrap()
            .is_empty()
    );

    // Registered: the key is shown once, and not on any later page.
    let (s, _, page) = form(
        &app,
        &admin,
        "/admin/webhooks",
        &[
            ("region", &region),
            ("url", "http://127.0.0.1:1/hook"),
            ("events", "submitted"),
            ("events", "accepted"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let secret = secret_on(&page).expect("the key is shown");
    assert_eq!(secret.len(), 64);
    let hooks = app
        .store
        .admin_webhooks(store::Authority::CommandLine)
        .await
        .unwrap();
    assert_eq!(hooks.len(), 1);
    let id = hooks[0].id;
    let (_, list) = app.page(&admin, "/admin/webhooks").await;
    assert!(list.contains("http://127.0.0.1:1/hook") && list.contains("提交议题、受理立项"));
    assert!(!list.contains(&secret), "the key is shown only once");
    let path = format!("/admin/webhooks/{}", id.0);
    let (_, page) = app.page(&admin, &path).await;
    assert!(page.contains("还没有推送") && !page.contains(&secret));

    // A topic submitted in room A is queued for it.
    let no = app.submit(&app.client(), "陈师社区破损井盖修缮").await;
    let (_, page) = app.page(&admin, &path).await;
    assert!(
        page.contains(&format!("提交议题 · {no}")) && page.contains("待发送"),
        "{page}"
    );

    let second = app.submit(&app.client(), "府前路停车秩序整治").await;

    // Nobody listens at that address: after ten failed tries in a row (five
    // rounds of two deliveries) it is paused and the administrator is told.
    let texts = Arc::new(SmsOutbox::default());
    let courier = courier::Courier::new(app.store.clone(), texts.clone(), 10);
    for _ in 0..domain::WEBHOOK_PAUSE_AFTER / 2 {
        // (The officials' texts about the new topics go out in the first.)
        let round = courier.send_due().await.unwrap();
        assert_eq!(round.retrying, 2, "{round:?}");
        clock.advance(chrono::TimeDelta::hours(2));
    }
    let (_, page) = app.page(&admin, &path).await;
    assert!(
        page.contains("已暂停（连续10次失败）") && page.contains("恢复推送"),
        "{page}"
    );
    assert!(
        page.contains(&format!("提交议题 · {second}")) && page.matches("待发送").count() == 2,
        "a paused webhook's deliveries wait: {page}"
    );
    assert!(
        app.inbox("admin")
            .await
            .iter()
            .any(|t| t.contains("已暂停")),
        "the administrator is told"
    );
    // While paused nothing is tried; the administrator's text goes out.
    let round = courier.send_due().await.unwrap();
    assert_eq!((round.retrying, round.failed), (0, 0), "{round:?}");
    let told = texts.0.lock().unwrap().clone();
    assert!(
        told.iter()
            .any(|(_, t)| t.contains("对接推送连续10次失败，已暂停")),
        "{told:?}"
    );

    let (s, to, _) = form(&app, &admin, &format!("{path}/resume"), &[]).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, path.as_str()));
    let (_, page) = app.page(&admin, &path).await;
    assert!(page.contains("id=\"webhook-state\">正常<"), "{page}");

    // Another region's webhook is out of this administrator's reach.
    let county = store::Authority::CommandLine;
    let (theirs, _) = app
        .store
        .admin_add_webhook(
            county,
            app.world.subdistrict_b,
            "https://b.example/hook",
            &[domain::EventKind::Submitted],
        )
        .await
        .unwrap();
    let (s, _) = app
        .page(&admin, &format!("/admin/webhooks/{}", theirs.0))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = form(
        &app,
        &admin,
        &format!("/admin/webhooks/{}/retire", theirs.0),
        &[],
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, list) = app.page(&admin, "/admin/webhooks").await;
    assert!(!list.contains("b.example"));

    // Removed: gone from the list, its waiting delivery dropped, audited.
    let (s, to, _) = form(&app, &admin, &format!("{path}/retire"), &[]).await;
    assert_eq!((s, to.as_str()), (StatusCode::SEE_OTHER, "/admin/webhooks"));
    let (_, list) = app.page(&admin, "/admin/webhooks").await;
    assert!(!list.contains("127.0.0.1:1/hook"));
    let (s, _) = app.page(&admin, &path).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, audit) = app.page(&admin, "/admin/audit").await;
    for what in ["新增Webhook", "暂停Webhook", "恢复Webhook", "删除Webhook"] {
        assert!(audit.contains(what), "{what} is in the audit log");
    }
}
both!(a_webhook_is_kept_from_the_console);

async fn an_official_chooses_email_for_notices(backend: Backend) {
    let app = TestApp::start(backend).await;
    let convener = app.login("convener-a").await;
    let (s, page) = app.page(&convener, "/account/notices").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("13900000") && page.contains("value=\"sms\" checked"),
        "{page}"
    );

    for (fields, message) in [
        (vec![("by", "email"), ("email", "")], "请先填写电子邮箱"),
        (
            vec![("by", "email"), ("email", "张三@")],
            "电子邮箱格式不正确",
        ),
        (vec![("by", "fax"), ("email", "")], "请选择提醒方式"),
    ] {
        let (s, _, page) = form(&app, &convener, "/account/notices", &fields).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
        assert!(page.contains(message), "{message}: {page}");
    }
    let me = app.store.user(app.world.user("convener-a")).await.unwrap();
    assert_eq!((me.email, me.notice_by), (None, domain::NoticeBy::Sms));

    let (s, to, _) = form(
        &app,
        &convener,
        "/account/notices",
        &[("by", "email"), ("email", "chen.yumei@lianshui.gov.cn")],
    )
    .await;
    assert_eq!(
        (s, to.as_str()),
        (StatusCode::SEE_OTHER, "/account/notices")
    );
    let (_, page) = app.page(&convener, "/account/notices").await;
    assert!(
        page.contains("value=\"email\" checked") && page.contains("chen.yumei@lianshui.gov.cn")
    );

    // The next new topic reaches the convener by letter, not by text; the
    // inbox line is there as always.
    let phone = app
        .store
        .user(app.world.user("convener-a"))
        .await
        .unwrap()
        .phone
        .unwrap();
    let texts_before = app.texts(Some(phone.as_str())).await.len();
    app.submit(&app.client(), "三里组农路改造").await;
    let letters = app
        .store
        .outbox_to(
            domain::OutChannel::Email,
            Some("chen.yumei@lianshui.gov.cn"),
            10,
        )
        .await
        .unwrap();
    assert_eq!(letters.len(), 1);
    assert!(letters[0].letter().unwrap().body.contains("三里组农路改造"));
    assert_eq!(app.texts(Some(phone.as_str())).await.len(), texts_before);
    assert!(
        app.inbox("convener-a")
            .await
            .iter()
            .any(|t| t.contains("三里组农路改造"))
    );
}
both!(an_official_chooses_email_for_notices);
