//! The inbox, texts, and rate limits.
use super::*;

// ---------------------------------------------------------------- 6. notifications

async fn inbox_and_sms(backend: Backend) {
    let app = TestApp::start(backend).await;
    let submitter = app.client();
    let phone_no = "13800138000";
    let (s, v) = app
        .post(
            &submitter,
            "/api/rooms/room-a/topics",
            json!({ "title": "府前路破损井盖修缮", "body": BODY, "phone": phone_no }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let no = v["tracking_no"].as_str().unwrap().to_owned();

    let supporter = app.phone().await;
    assert_eq!(support(&app, &supporter, &no).await.0, StatusCode::OK);
    let unrelated = app.client();
    assert_eq!(app.page(&unrelated, "/").await.0, StatusCode::OK);

    // A resident signed in by phone follows the topic.
    let follower_phone = "13700137000";
    let follower = phone_login(&app, follower_phone).await;
    let (_, page) = app.page(&follower, &format!("/t/{no}")).await;
    assert!(page.contains("关注办理进度"), "{page}");
    let r = follower
        .post(app.url(&format!("/t/{no}/follow")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&format!("/t/{no}")));
    let (_, page) = app.page(&follower, &format!("/t/{no}")).await;
    assert!(page.contains("您已关注本议题"), "{page}");
    // An anonymous phone is sent to sign in first.
    let r = app
        .client()
        .post(app.url(&format!("/t/{no}/follow")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));

    // Nothing to tell yet.
    let (_, inbox) = app.page(&submitter, "/inbox").await;
    assert!(!inbox.contains("受理立项"), "{inbox}");

    let convener = app.login("convener-a").await;
    accept(&app, &convener, &no).await;

    for (who, c) in [
        ("submitter", &submitter),
        ("supporter", &supporter),
        ("follower", &follower),
    ] {
        let (s, inbox) = app.page(c, "/inbox").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            inbox.contains("府前路破损井盖修缮") && inbox.contains("受理立项"),
            "{who}: {inbox}"
        );
        assert!(
            inbox.contains(&format!("/t/{no}")),
            "{who}: links the topic"
        );
        assert!(inbox.contains(">新<"), "{who}: marked unread: {inbox}");
        // Read once, no longer new.
        let (_, again) = app.page(c, "/inbox").await;
        assert!(
            again.contains("受理立项") && !again.contains(">新<"),
            "{who}: {again}"
        );
    }
    let (_, inbox) = app.page(&unrelated, "/inbox").await;
    assert!(
        !inbox.contains("受理立项") && inbox.contains("还没有消息"),
        "{inbox}"
    );
    let (_, inbox) = app.page(&convener, "/inbox").await;
    assert!(
        !inbox.contains("受理立项"),
        "the one who acted is not told: {inbox}"
    );

    // Texts wait in the outbox: one to the phone left with the topic, one to the follower.
    // Sign-in codes went out too; the texts about the topic are the rest.
    let outbox: Vec<_> = app
        .texts(None)
        .await
        .into_iter()
        .filter(|(_, text, _)| !text.contains("验证码"))
        .collect();
    let to = |p: &str| {
        outbox
            .iter()
            .filter(|(phone, ..)| phone == p)
            .map(|(_, text, link)| (text.clone(), link.clone()))
            .collect::<Vec<_>>()
    };
    let texts = to(phone_no);
    assert_eq!(texts.len(), 1, "{outbox:?}");
    assert!(texts[0].0.contains("受理立项"), "{:?}", texts[0]);
    assert_eq!(texts[0].1.as_deref(), Some(format!("/t/{no}").as_str()));
    assert_eq!(to(follower_phone).len(), 1, "{outbox:?}");
    // The room's convener heard of the submission when it came in.
    let convener_phone = app
        .store
        .user(app.world.user("convener-a"))
        .await
        .unwrap()
        .phone
        .unwrap();
    let texts = to(convener_phone.as_str());
    assert_eq!(texts.len(), 1, "{outbox:?}");
    assert!(texts[0].0.contains("新议题待受理"), "{:?}", texts[0]);
    assert_eq!(
        outbox.len(),
        3,
        "no text to phones that left no number: {outbox:?}"
    );
}
both!(inbox_and_sms);

// ---------------------------------------------------------------- 7. rate limits

async fn submissions_are_rate_limited(backend: Backend) {
    let app = TestApp::start_limited(backend).await;
    let phone = app.client();
    for i in 0..10 {
        let (s, v) = app
            .post(
                &phone,
                "/api/rooms/room-a/topics",
                json!({ "title": format!("陈师村第{i}组路灯维修"), "body": BODY }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "submission {}: {v}", i + 1);
    }
    let r = phone
        .post(app.url("/api/rooms/room-a/topics"))
        .json(&json!({ "title": "陈师村第十一组路灯维修", "body": BODY }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(content_type(&r).starts_with("application/problem+json"));
    let v: Value = r.json().await.unwrap();
    assert!(v["detail"].as_str().unwrap().contains("太频繁"), "{v}");
    assert_eq!(v["status"], 429);

    let r = phone
        .post(app.url("/r/room-a/topics"))
        .form(&[("title", "陈师村第十二组路灯维修"), ("body", BODY)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(content_type(&r).starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(page.contains("<html") && page.contains("太频繁"), "{page}");
    assert_eq!(count_topics(&app).await, 10);

    // Another phone is not held back by this one.
    app.submit(&app.client(), "城北路口红绿灯时间太短").await;
    assert_eq!(count_topics(&app).await, 11);
}
both!(submissions_are_rate_limited);
