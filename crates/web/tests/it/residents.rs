//! Residents are recognised by their phone number, as tried in WeChat: a
//! topic raised on one phone without signing in, with a number, belongs to
//! that number once it signs in with a code on another phone — 我的议题,
//! the messages and the rating follow. The convener may look up the full
//! number to call back, and each look is recorded.
use reqwest::{Client, StatusCode};
use serde_json::json;
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

const NUMBER: &str = "13912345678";

/// A phone (browser) signed in with a code sent to `number`.
async fn signed_in_with_code(app: &TestApp, number: &str) -> Client {
    let c = app.phone().await;
    let (s, v) = app.post(&c, "/api/otp", json!({ "phone": number })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let code = app.sms.last_code(number);
    let (s, v) = app
        .post(
            &c,
            "/api/otp/verify",
            json!({ "phone": number, "code": code }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    c
}

async fn a_number_verified_later_finds_its_topics(backend: Backend) {
    let app = TestApp::start(backend).await;
    // Raised on the first phone, without signing in, leaving the number.
    let first = app.phone().await;
    let submit = |title: &str| {
        json!({ "title": title, "body": "井盖破损，夜里看不清，已有人绊倒。", "category": "公共设施",
                "place": "陈师村二组", "phone": NUMBER })
    };
    let (s, v) = app
        .post(
            &first,
            "/api/rooms/room-a/topics",
            submit("陈师村二组破损井盖修缮"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let no = v["tracking_no"].as_str().unwrap().to_owned();
    let (_, v) = app
        .post(
            &first,
            "/api/rooms/room-a/topics",
            submit("陈师村二组路灯不亮"),
        )
        .await;
    let waiting = v["tracking_no"].as_str().unwrap().to_owned();
    app.resolve_by_referral(&no).await;

    // Another phone (WeChat lost the cookies) signs in with the number.
    let second = signed_in_with_code(&app, NUMBER).await;
    let (s, mine) = app.get(&second, "/api/session/topics").await;
    assert_eq!(s, StatusCode::OK);
    let submitted: Vec<&str> = mine["submitted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tracking_no"].as_str().unwrap())
        .collect();
    assert!(
        submitted.contains(&no.as_str()) && submitted.contains(&waiting.as_str()),
        "{mine}"
    );
    let (_, page) = app.page(&second, "/mine").await;
    assert!(page.contains("陈师村二组破损井盖修缮") && page.contains("我提交的（2）"));
    // The messages came along: the 办结 text with its 查询码.
    let (_, inbox) = app.page(&second, "/inbox").await;
    assert!(
        inbox.contains("陈师村二组破损井盖修缮"),
        "messages follow the number"
    );
    // Not a supporter of its own topic, from either phone.
    for c in [&first, &second] {
        let (s, _) = app
            .post(c, &format!("/api/topics/{waiting}/supports"), json!({}))
            .await;
        assert!(s.is_client_error(), "{s}");
    }
    // And rates from the second phone.
    let (s, v) = app
        .post(
            &second,
            &format!("/api/topics/{no}/rating"),
            json!({ "satisfaction": "satisfied", "comment": "修得很快" }),
        )
        .await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("evaluated")),
        "{v}"
    );

    // Someone else's number claims nothing.
    let other = signed_in_with_code(&app, "13800138000").await;
    let (_, theirs) = app.get(&other, "/api/session/topics").await;
    assert_eq!(theirs["submitted"].as_array().unwrap().len(), 0, "{theirs}");
}
both!(a_number_verified_later_finds_its_topics);

async fn the_convener_looks_up_the_number_on_record(backend: Backend) {
    let app = TestApp::start(backend).await;
    let (s, v) = app
        .post(
            &app.phone().await,
            "/api/rooms/room-a/topics",
            json!({ "title": "村口垃圾清运不及时", "body": "垃圾桶满了三天没人收。", "category": "市容环境",
                    "place": "陈师村村口", "phone": NUMBER }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let no = v["tracking_no"].as_str().unwrap().to_owned();
    let path = format!("/api/topics/{no}/phone");
    for login in ["convener-b", "leader-a", "staff-a"] {
        let (s, _) = app.post(&app.login(login).await, &path, json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{login}");
    }
    let topic = app.store.topic_by_tracking(&no).await.unwrap().id;
    assert_eq!(app.store.phone_reveals(topic).await.unwrap(), 0);
    let convener = app.login("convener-a").await;
    let (_, page) = app.page(&convener, &format!("/t/{no}")).await;
    assert!(page.contains("查看联系电话"), "offered to the convener");
    assert!(!page.contains(NUMBER), "but not shown until asked");
    let (s, v) = app.post(&convener, &path, json!({})).await;
    assert_eq!((s, v["phone"].as_str()), (StatusCode::OK, Some(NUMBER)));
    let r = convener
        .post(app.url(&format!("/t/{no}/phone")))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains(&format!("tel:{NUMBER}")));
    assert_eq!(
        app.store.phone_reveals(topic).await.unwrap(),
        2,
        "each look recorded"
    );
}
both!(the_convener_looks_up_the_number_on_record);

/// Residents who supported (附议) a topic rate its result too, once each;
/// only the submitter's 不满意 reopens it.
async fn supporters_rate_once_and_reopen_nothing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let submitter = app.phone().await;
    let no = app.submit(&submitter, "陈师村三组路灯不亮").await;
    let neighbour = app.phone().await;
    let (s, v) = app
        .post(&neighbour, &format!("/api/topics/{no}/supports"), json!({}))
        .await;
    assert!(s.is_success(), "{v}");
    // Not before the work is done.
    let rating = |how: &str| json!({ "satisfaction": how, "comment": "晚上还是有一段不亮" });
    let path = format!("/api/topics/{no}/rating");
    let (s, _) = app.post(&neighbour, &path, rating("basic")).await;
    assert_eq!(s, StatusCode::CONFLICT);
    app.resolve_by_referral(&no).await;
    let (_, page) = app.page(&neighbour, &format!("/t/{no}")).await;
    assert!(page.contains("您附议过这个议题"), "the supporter is asked");
    let (s, v) = app.post(&neighbour, &path, rating("unsatisfied")).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("completed")),
        "{v}"
    );
    let (s, _) = app.post(&neighbour, &path, rating("satisfied")).await;
    assert_eq!(s, StatusCode::CONFLICT, "once");
    let (_, page) = app.page(&neighbour, &format!("/t/{no}")).await;
    assert!(!page.contains("请评价办理结果"), "not asked again");
    let (s, _) = app
        .post(&app.phone().await, &path, rating("satisfied"))
        .await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "only supporters and the submitter"
    );
    let (s, v) = app.post(&submitter, &path, rating("satisfied")).await;
    assert_eq!(
        (s, v["state"].as_str()),
        (StatusCode::OK, Some("evaluated")),
        "{v}"
    );
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    assert_eq!(app.store.ratings(topic.id).await.unwrap().len(), 2);
}
both!(supporters_rate_once_and_reopen_nothing);
