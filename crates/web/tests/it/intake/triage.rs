//! Channels, the triage desk, and similar topics while typing.
use super::*;

// ---------------------------------------------------------------- 8. channels

async fn channels_are_listed_apart(backend: Backend) {
    let app = TestApp::start(backend).await;
    let member = app.login("member").await;
    let r = member
        .post(app.url("/desk/propose"))
        .form(&[
            ("room", "room-a"),
            ("channel", "committee"),
            ("reason", "近三个月群众反映十余次，调研发现涉及两百多户。"),
            ("title", "建议在陈师村建设老年助餐点"),
            (
                "body",
                "村里独居老人多，吃饭不方便，建议利用闲置村部建设助餐点。",
            ),
            ("category", "民生服务"),
            ("place", "陈师村村部"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let committee = tracking_no(&location(&r));
    assert_eq!(committee.len(), 10);
    let resident = app.submit(&app.client(), "陈师村三组农路改造").await;

    // A resident cannot raise a committee topic.
    let (s, v) = app
        .post(
            &app.client(),
            "/api/rooms/room-a/topics",
            json!({ "title": "冒充委员荐题", "body": BODY, "channel": "committee", "reason": "理由充分" }),
        )
        .await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED,
        "{s} {v}"
    );

    let visitor = app.client();
    let (_, page) = app.page(&visitor, "/r/room-a?channel=committee").await;
    assert!(page.contains("建议在陈师村建设老年助餐点"));
    assert!(page.contains(&format!("/t/{committee}")));
    assert!(!page.contains("陈师村三组农路改造") && !page.contains(&resident));
    assert!(
        page.contains("委员荐题 1") && page.contains("群众出题 1"),
        "{page}"
    );
    assert!(page.contains("全部 2"), "{page}");
    let (_, page) = app.page(&visitor, "/r/room-a?channel=resident").await;
    assert!(page.contains("陈师村三组农路改造"));
    assert!(!page.contains("建议在陈师村建设老年助餐点"));
    let (_, page) = app.page(&visitor, "/r/room-a").await;
    assert!(page.contains("陈师村三组农路改造") && page.contains("建议在陈师村建设老年助餐点"));
    let (_, page) = app.page(&visitor, &format!("/t/{committee}")).await;
    assert!(
        page.contains("推荐理由：近三个月群众反映十余次"),
        "the reason is public"
    );
    assert!(page.contains("委员荐题"));
}
both!(channels_are_listed_apart);

// ---------------------------------------------------------------- 9. triage

async fn triage_desk(backend: Backend) {
    let app = TestApp::start(backend).await;
    let convener = app.login("convener-a").await;
    let original = submit_to(
        &app,
        &app.client(),
        "room-a",
        "府前路井盖破损需要修缮",
        "府前路农商行门口的井盖裂成两半，晚上走路很容易踩空。",
    )
    .await;
    let (s, page) = app.page(&convener, "/desk/triage").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("府前路井盖破损需要修缮"));
    assert!(kpi_triaged(&page).starts_with("0 件"), "{page}");

    accept(&app, &convener, &original).await;
    let repeat = submit_to(
        &app,
        &app.client(),
        "room-a",
        "府前路井盖破了 请尽快修",
        "农商行那边的井盖碎了，有老人差点崴脚，请尽快换新的。",
    )
    .await;
    let unrelated_title = "陈师村三组路灯不亮";
    submit_to(
        &app,
        &app.client(),
        "room-a",
        unrelated_title,
        "三组村道上的路灯坏了半个月，晚上一片漆黑。",
    )
    .await;
    submit_to(
        &app,
        &app.client(),
        "room-b",
        "城北社区垃圾清运不及时",
        "小区垃圾桶满了两天没人清运，气味很大。",
    )
    .await;
    let member = app.login("member").await;
    let (s, v) = app
        .post(
            &member,
            "/api/rooms/room-a/topics",
            json!({ "title": "建议在陈师村建设老年助餐点", "body": "村里独居老人多，吃饭不方便。", "channel": "committee", "reason": "走访中多位老人提出" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let (s, page) = app.page(&convener, "/desk/triage").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !page.contains("城北社区垃圾清运不及时"),
        "room B's topic in room A's triage"
    );
    assert!(
        !page.contains("<span class=\"title\">府前路井盖破损需要修缮"),
        "an accepted topic still waits"
    );
    assert!(
        page.contains("群众出题 2") && page.contains("委员荐题 1"),
        "{page}"
    );
    assert!(page.contains("全部 3"), "{page}");
    assert!(kpi_triaged(&page).starts_with("1 件"), "{page}");
    let row = |title: &str| {
        page.split("<li>")
            .find(|li| li.contains(title))
            .unwrap_or_else(|| panic!("no row for {title}: {page}"))
            .to_owned()
    };
    let repeat_row = row("府前路井盖破了 请尽快修");
    assert!(
        repeat_row.contains("可能重复") && repeat_row.contains(&format!("/t/{original}")),
        "{repeat_row}"
    );
    assert!(!row(unrelated_title).contains("可能重复"), "{page}");
    let (_, page) = app.page(&convener, "/desk/triage?channel=committee").await;
    assert!(page.contains("建议在陈师村建设老年助餐点") && !page.contains(unrelated_title));

    // The new submission's page offers the merge to its convener, and only to them.
    let (_, page) = app.page(&convener, &format!("/t/{repeat}")).await;
    assert!(
        page.contains("可能重复的议题") && page.contains("合并到此议题"),
        "{page}"
    );
    assert!(page.contains(&format!("value=\"{original}\"")), "{page}");
    let (_, page) = app.page(&app.client(), &format!("/t/{repeat}")).await;
    assert!(!page.contains("合并到此议题"));
    let convener_b = app.login("convener-b").await;
    let (_, page) = app.page(&convener_b, "/desk/triage").await;
    assert!(page.contains("城北社区垃圾清运不及时") && !page.contains(unrelated_title));

    let r = app
        .login("resident")
        .await
        .get(app.url("/desk/triage"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
both!(triage_desk);

/// The text after "近30天受理" on the triage page.
fn kpi_triaged(page: &str) -> String {
    let at = page.find("近30天受理").expect("no KPI on the page");
    let rest = &page[at..];
    let dd = rest.find("<dd>").unwrap() + 4;
    rest[dd..].chars().take(20).collect()
}

// ---------------------------------------------------------------- 10. similar while typing

async fn similar_while_typing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let original = submit_to(
        &app,
        &c,
        "room-a",
        "府前路井盖破损需要修缮",
        "府前路农商行门口的井盖裂了，晚上走路容易踩空。",
    )
    .await;
    // The same problem in another room is that room's business.
    let elsewhere = submit_to(
        &app,
        &c,
        "room-b",
        "府前路井盖破损需要修缮",
        "府前路农商行门口的井盖裂了，晚上走路容易踩空。",
    )
    .await;
    let similar = |title: &str| {
        let c = c.clone();
        let url = app.url("/api/rooms/room-a/similar");
        let title = title.to_owned();
        async move {
            let r = c.get(url).query(&[("title", title)]).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    let numbers = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["tracking_no"].as_str().unwrap().to_owned())
            .collect()
    };
    for title in ["府前路井盖破了", "府前路井蓋破損"] {
        let v = similar(title).await;
        let found = numbers(&v);
        assert!(found.contains(&original), "{title}: {v}");
        assert!(!found.contains(&elsewhere), "{title}: {v}");
        assert_eq!(v[0]["title"], "府前路井盖破损需要修缮");
    }
    assert_eq!(similar("村口健身器材损坏").await, json!([]));
    assert_eq!(similar("").await, json!([]));

    let r = c
        .get(app.url("/r/room-a/similar"))
        .query(&[("title", "府前路井蓋破損")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("text/html"));
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.contains("府前路井盖破损需要修缮") && fragment.contains(&format!("/t/{original}")),
        "{fragment}"
    );
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    let r = c
        .get(app.url("/r/room-a/similar"))
        .query(&[("title", "村口健身器材损坏")])
        .send()
        .await
        .unwrap();
    assert!(!r.text().await.unwrap().contains("/t/"));
}
both!(similar_while_typing);
