//! Participation the server vouches for: votes, likes, supports and
//! statements count only from a signed-in account or a phone the server
//! issued a device cookie to. A script that sends no cookie, or makes one
//! up, is refused and changes nothing.
use reqwest::{Client, StatusCode};
use serde_json::json;
use store::testing::Backend;

use crate::helpers::{TestApp, from_address, with_cookie};
use store::both_backends as both;

async fn invented_participants_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.phone().await;
    let no = app.submit(&phone, "村口停车难问题").await;
    let convener = app.login("convener-a").await;
    let id = app
        .open_deliberation(
            &convener,
            &no,
            "村口建停车场\n停车场应该收费\n外来车辆停在村外",
        )
        .await;
    let deliberation = domain::DeliberationId(id);
    let statement = app.store.statements(deliberation).await.unwrap()[0]
        .id
        .to_string();

    // 300 participants a script made up: without a cookie, with an invented
    // token, with an invented token and signature (a hundred of each).
    let forged: Vec<Client> = (0..300u32)
        .map(|i| match i % 3 {
            0 => app.client(),
            1 => with_cookie(&format!("sl_device={i:032x}")),
            _ => with_cookie(&format!("sl_device={i:032x}.{:032x}", i * 7)),
        })
        .collect();
    for (i, c) in forged.iter().enumerate() {
        let r = c
            .post(app.url(&format!("/d/{id}/vote")))
            .form(&[("statement", statement.as_str()), ("vote", "agree")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "vote {i}");
        let r = c
            .post(app.url(&format!("/d/{id}/statements")))
            .form(&[("text", "停车场免费开放")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "statement {i}");
        let r = c
            .post(app.url(&format!("/api/topics/{no}/supports")))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "support {i}");
        let v: serde_json::Value = r.json().await.unwrap();
        assert!(v["detail"].as_str().unwrap().contains("刷新页面"), "{v}");
    }
    assert_eq!(
        app.store.count_opinion_votes(deliberation).await.unwrap(),
        0
    );
    assert_eq!(app.store.statements(deliberation).await.unwrap().len(), 3);
    assert!(
        app.store
            .deliberation_result(deliberation)
            .await
            .unwrap()
            .is_none(),
        "no map from invented participants"
    );
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    assert_eq!(app.store.count_supports(topic.id).await.unwrap(), 0);

    // A phone that opened a page takes part; so does a signed-in resident.
    let r = phone
        .post(app.url(&format!("/d/{id}/vote")))
        .form(&[("statement", statement.as_str()), ("vote", "agree")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // (Its submitter does not support its own topic: another phone does.)
    let (s, _) = app
        .post(
            &app.phone().await,
            &format!("/api/topics/{no}/supports"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        app.store.count_opinion_votes(deliberation).await.unwrap(),
        1
    );
}
both!(invented_participants_are_refused);

/// Likes from invented phones are refused too; the rolled-up count stays.
async fn invented_likes_are_refused(backend: Backend) {
    let app = TestApp::start(backend).await;
    let no = app.submit(&app.phone().await, "破损井盖修缮").await;
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    app.resolve_by_referral(&no).await;
    let convener = app.login("convener-a").await;
    // 300 likes from no cookie or an invented one; then thirty scripted
    // likes: ten bare POSTs from a phone the server did issue a device to,
    // five with a token fetched by another phone, five with a made-up token,
    // and the phone that read the page liking three times with its own token.
    let likes = format!("/api/topics/{no}/likes");
    for i in 0..300u32 {
        let c = match i % 2 {
            0 => app.client(),
            _ => with_cookie(&format!("sl_device={i:032x}")),
        };
        let (s, _) = app.post(&c, &likes, json!({ "token": "1.00" })).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "invented like {i}");
    }
    let script = app.phone().await;
    for i in 0..10 {
        let (s, v) = app.post(&script, &likes, json!({})).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "bare like {i}: {v}");
        assert!(v["detail"].as_str().unwrap().contains("议题页面"), "{v}");
    }
    let reader = app.phone().await;
    let (_, page) = app.get(&reader, &format!("/api/topics/{no}")).await;
    let token = page["like_token"].as_str().unwrap().to_owned();
    for _ in 0..5 {
        let (s, _) = app.post(&script, &likes, json!({ "token": token })).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "another phone's token");
    }
    for i in 0..5 {
        let forged = format!("{}.{:032x}", chrono::Utc::now().timestamp() + 60, i);
        let (s, _) = app.post(&script, &likes, json!({ "token": forged })).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "made-up token");
    }
    assert_eq!(app.store.count_likes(topic.id).await.unwrap(), 0);
    for _ in 0..3 {
        let (s, v) = app.post(&reader, &likes, json!({ "token": token })).await;
        assert_eq!((s, v["count"].as_i64()), (StatusCode::OK, Some(1)), "{v}");
    }
    assert_eq!(
        app.store.count_likes(topic.id).await.unwrap(),
        1,
        "at most 3 of the 33"
    );

    // The page's like form sends the token the page handed out beside it,
    // as a cookie for that topic only; the page itself is the same for
    // every phone. A phone that never opened the page is refused.
    let like_form = |c: &reqwest::Client| {
        let url = app.url(&format!("/t/{no}/like"));
        let c = c.clone();
        async move { c.post(url).form(&[("x", "")]).send().await.unwrap() }
    };
    let stranger = app.phone().await;
    assert_eq!(like_form(&stranger).await.status(), StatusCode::FORBIDDEN);
    let like_cookie = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("sl_like="))
            .expect("the page hands out its like token")
            .to_owned()
    };
    let r = stranger
        .get(app.url(&format!("/t/{no}")))
        .send()
        .await
        .unwrap();
    let cookie = like_cookie(&r);
    assert!(cookie.contains(&format!("Path=/t/{no}")), "{cookie}");
    // A number typed with a space around it still gets the token for the
    // topic's own path, where its like form posts.
    let spaced = app.phone().await;
    let r = spaced
        .get(app.url(&format!("/t/%20{no}")))
        .send()
        .await
        .unwrap();
    let spaced_cookie = like_cookie(&r);
    assert!(
        spaced_cookie.contains(&format!("Path=/t/{no};")),
        "{spaced_cookie}"
    );
    let stranger_page = r.text().await.unwrap();
    let (_, script_page) = app.page(&script, &format!("/t/{no}")).await;
    assert_eq!(stranger_page, script_page, "one page for every phone");
    assert!(
        !script_page.contains("name=\"token\""),
        "no token in the page"
    );
    let r = like_form(&stranger).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.count_likes(topic.id).await.unwrap(), 2);
    let (_, html) = app.page(&stranger, &format!("/t/{no}")).await;
    assert!(html.contains("已点赞 · 2"), "the phone sees its like");
    let (_, html) = app.page(&script, &format!("/t/{no}")).await;
    assert!(html.contains(">点赞 · 2"), "another phone may still like");

    // A like from an account is counted apart as phone-verified.
    let (s, v) = app.like(&convener, &no).await;
    assert_eq!((s, v["count"].as_i64()), (StatusCode::OK, Some(3)), "{v}");
    let (_, page) = app.get(&reader, &format!("/api/topics/{no}")).await;
    assert_eq!(page["verified_likes"], 1);
    let (_, html) = app.page(&reader, &format!("/t/{no}")).await;
    assert!(
        html.contains("其中 1 人已验证手机号"),
        "the page says how many are verified"
    );
}
both!(invented_likes_are_refused);

/// Pages made for a signed-in person are never kept by a browser or a
/// proxy; behind HTTPS, browsers are told to stay on it.
async fn personal_pages_are_not_kept(backend: Backend) {
    let app = TestApp::init(backend)
        .with_config(|c| c.secure_cookies = true)
        .start()
        .await;
    let r = app.client().get(app.url("/healthz")).send().await.unwrap();
    let hsts = r.headers()["strict-transport-security"].to_str().unwrap();
    assert!(hsts.starts_with("max-age="), "{hsts}");
    let plain = TestApp::start(backend).await;
    let r = plain
        .client()
        .get(plain.url("/healthz"))
        .send()
        .await
        .unwrap();
    assert!(!r.headers().contains_key("strict-transport-security"));

    let convener = plain.login("convener-a").await;
    for path in ["/desk", "/api/desk", "/api/session", "/"] {
        let r = convener.get(plain.url(path)).send().await.unwrap();
        assert_eq!(
            r.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{path}"
        );
    }
    let phone = plain.phone().await;
    let r = phone.get(plain.url("/")).send().await.unwrap();
    assert!(!r.headers().contains_key("cache-control"), "a public page");
}
both!(personal_pages_are_not_kept);

/// Work goes only to departments serving the topic's place: a convener of
/// subdistrict A cannot refer a topic to subdistrict B's department.
async fn departments_outside_the_region_are_refused(backend: Backend) {
    let app = TestApp::init(backend)
        .with_user(domain::Role::Convener)
        .start()
        .await;
    let no = app.submit(&app.phone().await, "路灯不亮问题").await;
    let convener = app.user(domain::Role::Convener);
    let refer = |dept: domain::DepartmentId| json!({ "department": dept.0.to_string(), "due": "2030-01-01" });
    let path = format!("/api/topics/{no}/actions/refer");
    let (s, v) = app
        .post(convener, &path, refer(app.world.dept_elsewhere))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("本辖区"), "{v}");
    let topic = app.store.topic_by_tracking(&no).await.unwrap();
    assert!(app.store.tasks_of_topic(topic.id).await.unwrap().is_empty());
    let (_, page) = app.page(convener, &format!("/t/{no}")).await;
    assert!(
        page.contains("交通运输局"),
        "the topic's own department is offered"
    );
    assert!(
        !page.contains("涟城街道城管办"),
        "another subdistrict's is not"
    );
    let (s, v) = app.post(convener, &path, refer(app.world.dept_a)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
both!(departments_outside_the_region_are_refused);

/// Forty parallel guesses from one address, the right password among them,
/// do not sign in, and a name that does not exist is answered the same; the
/// owner, from their own address, still signs in.
async fn password_guessing_is_throttled_per_address(backend: Backend) {
    let app = TestApp::init(backend)
        .with_config(|c| {
            c.rate_limits = true;
            c.trust_forwarded_for = true;
        })
        .start()
        .await;
    let attacker = from_address("10.0.0.1");
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..40 {
        let (c, url) = (attacker.clone(), app.url("/api/session"));
        let password = if i == 39 {
            store::testing::WORLD_PASSWORD.to_owned()
        } else {
            format!("guess-{i:02}")
        };
        guesses.spawn(async move {
            let body = json!({ "username": "convener-a", "password": password });
            c.post(url).json(&body).send().await.unwrap().status()
        });
    }
    let mut answers = Vec::new();
    while let Some(s) = guesses.join_next().await {
        answers.push(s.unwrap());
    }
    let checked = answers
        .iter()
        .filter(|s| **s != StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 10, "{checked} guesses were checked: {answers:?}");
    // Whatever got through, the right password sent now from this address is refused.
    let (s, right) = app
        .post(
            &attacker,
            "/api/session",
            json!({ "username": "convener-a", "password": store::testing::WORLD_PASSWORD }),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{right}");
    // An unknown name, tried as often, gets the same answer.
    let mut unknown = json!(null);
    for _ in 0..11 {
        unknown = app
            .post(
                &attacker,
                "/api/session",
                json!({ "username": "no-such-person", "password": "x" }),
            )
            .await
            .1;
    }
    assert_eq!(unknown["detail"], right["detail"]);
    assert_eq!(unknown["status"], 429);
    // The owner, from home, signs in.
    let owner = from_address("10.0.0.2");
    let (s, v) = app
        .post(
            &owner,
            "/api/session",
            json!({ "username": "convener-a", "password": store::testing::WORLD_PASSWORD }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
both!(password_guessing_is_throttled_per_address);

/// Texting strangers' numbers at our expense is capped per day: fifty codes
/// to one number prefix, however many addresses and phones ask.
async fn sign_in_codes_are_capped_per_number_prefix(backend: Backend) {
    let app = TestApp::init(backend)
        .with_config(|c| {
            c.rate_limits = true;
            c.trust_forwarded_for = true;
        })
        .start()
        .await;
    for i in 0..50 {
        let c = from_address(&format!("10.1.{}.{}", i / 200, i % 200 + 1));
        let phone = format!("1390000{i:04}");
        let (s, v) = app.post(&c, "/api/otp", json!({ "phone": phone })).await;
        assert_eq!(s, StatusCode::OK, "code {i}: {v}");
    }
    let c = from_address("10.2.0.1");
    let (s, v) = app
        .post(&c, "/api/otp", json!({ "phone": "13900009999" }))
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("明天"), "{v}");
    assert_eq!(app.sms.0.lock().unwrap().len(), 50, "no fifty-first text");
    // Another prefix is not held up.
    let (s, v) = app
        .post(&c, "/api/otp", json!({ "phone": "13800138000" }))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
both!(sign_in_codes_are_capped_per_number_prefix);

/// Uploads are checked as they arrive: a body that declares more than the
/// limit is refused before it is read, and a photo over 10 MB is refused
/// as soon as it passes the mark; nothing is stored either way.
async fn uploads_are_checked_as_they_stream(backend: Backend) {
    let app = TestApp::init(backend)
        .with_config(|c| c.upload_limit = 12 << 20)
        .start()
        .await;
    let phone = app.phone().await;
    // Only the headers of a 13 MB body: the answer comes without the body.
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /r/room-a/topics HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\n\r\n",
        13 << 20
    );
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), socket.read(&mut answer))
        .await
        .expect("answered without the body")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let big = vec![0xAB_u8; 11 << 20];
    let r = crate::helpers::Multipart::new()
        .text("title", "村口路灯不亮问题")
        .text("body", "晚上村口路灯不亮，老人孩子出行不便。")
        .file("photos", "big.jpg", "image/jpeg", &big)
        .send(&phone, app.url("/r/room-a/topics"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("照片太大了"));
    let count = app
        .store
        .count_topics(&store::TopicFilter::default())
        .await
        .unwrap();
    assert_eq!(count, 0);
}
both!(uploads_are_checked_as_they_stream);

/// Thirty parallel guesses at a sign-in code: no more than the five
/// attempts a code allows are checked (the rest are told it is used up),
/// and the right code, sent once, signs in at most once.
async fn code_guessing_is_counted_atomically(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = "13800138001";
    let (s, v) = app
        .post(&app.client(), "/api/otp", json!({ "phone": phone }))
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let code = app.sms.last_code(phone);
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..30 {
        let guess = if i == 29 {
            code.clone()
        } else {
            format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000)
        };
        let (c, url) = (app.client(), app.url("/api/otp/verify"));
        guesses.spawn(async move {
            let r = c
                .post(url)
                .json(&json!({ "phone": phone, "code": guess }))
                .send()
                .await
                .unwrap();
            let status = r.status();
            let v: serde_json::Value = r.json().await.unwrap_or_default();
            (status, v["detail"].as_str().unwrap_or_default().to_owned())
        });
    }
    let answers = guesses.join_all().await;
    let checked = answers
        .iter()
        .filter(|(s, d)| *s == StatusCode::OK || d.contains("不正确"))
        .count();
    let signed_in = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert!(
        checked <= store::MAX_OTP_ATTEMPTS as usize,
        "{checked} checked: {answers:?}"
    );
    assert!(signed_in <= 1, "{answers:?}");
    assert!(
        answers
            .iter()
            .all(|(s, d)| *s == StatusCode::OK || d.contains("不正确") || d.contains("已失效")),
        "{answers:?}"
    );
}
both!(code_guessing_is_counted_atomically);
