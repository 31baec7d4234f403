//! Supports (附议) and merges.
use super::*;

// ---------------------------------------------------------------- 4. supports

async fn supports_count_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let submitter = app.phone().await;
    let no = app.submit(&submitter, "府前路破损井盖修缮").await;
    // Whoever raised it is not offered 附议 and cannot add one.
    let (_, page) = app.page(&submitter, &format!("/t/{no}")).await;
    assert!(
        !page.contains("我也遇到了（附议）"),
        "no 附议 on one's own topic"
    );
    let (s, v) = support(&app, &submitter, &no).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("自己提出"), "{v}");
    let c1 = app.phone().await;
    let (s, v) = support(&app, &c1, &no).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(true), Some(1))
    );
    let (_, v) = support(&app, &c1, &no).await;
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(false), Some(1))
    );
    let c2 = app.phone().await;
    let (_, v) = support(&app, &c2, &no).await;
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(true), Some(2))
    );

    // The button on the page, as htmx swaps it.
    let c3 = app.phone().await;
    let r = c3
        .post(app.url(&format!("/t/{no}/support")))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let fragment = r.text().await.unwrap();
    assert!(fragment.contains("已附议"), "{fragment}");
    assert!(fragment.contains("3人"), "{fragment}");
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    // Without htmx the form goes back to the page.
    let r = app
        .phone()
        .await
        .post(app.url(&format!("/t/{no}/support")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&format!("/t/{no}")));

    let (_, page) = app.page(&c1, &format!("/t/{no}")).await;
    assert!(page.contains("已附议 · 4人"), "{page}");
    let (_, page) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(page.contains("我也遇到了（附议）· 4人"), "{page}");
    assert_eq!(
        app.store
            .count_supports(app.store.topic_by_tracking(&no).await.unwrap().id)
            .await
            .unwrap(),
        4
    );

    // A topic turned down takes no more supports.
    let rejected = app.submit(&app.client(), "村口停车难问题").await;
    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{rejected}/actions/reject"),
            json!({ "reason": "不属于本议事室协商范围" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = support(&app, &c1, &rejected).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (_, page) = app.page(&c1, &format!("/t/{rejected}")).await;
    assert!(
        !page.contains("我也遇到了"),
        "a rejected topic offers no 附议 button"
    );
    let (s, _) = support(&app, &c1, "1234567890").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both!(supports_count_once);

// ---------------------------------------------------------------- 5. merge

async fn merge_carries_supports(backend: Backend) {
    let app = TestApp::start(backend).await;
    let a = app.submit(&app.client(), "府前路井盖破损需要修缮").await;
    let b = app.submit(&app.client(), "府前路上窨井盖坏了").await;
    let convener = app.login("convener-a").await;
    accept(&app, &convener, &a).await;

    let both_sides = app.phone().await;
    let only_b = app.phone().await;
    assert_eq!(support(&app, &both_sides, &a).await.1["count"], 1);
    assert_eq!(support(&app, &both_sides, &b).await.1["count"], 1);
    assert_eq!(support(&app, &only_b, &b).await.1["count"], 2);

    let r = convener
        .post(app.url(&format!("/t/{b}/act/merge")))
        .form(&[("into", a.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(app.topic_state(&b).await, "merged");
    let merged = app.store.topic_by_tracking(&a).await.unwrap();
    assert_eq!(
        merged.support_count, 2,
        "A counts B's supporters, and whoever supported both once"
    );
    // Supporting again is no new support; a new phone is.
    let (_, v) = support(&app, &only_b, &a).await;
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(false), Some(2))
    );
    let (_, v) = support(&app, &app.phone().await, &a).await;
    assert_eq!(v["count"], 3);
    let (s, _) = support(&app, &app.phone().await, &b).await;
    assert_eq!(s, StatusCode::CONFLICT, "a merged topic takes no supports");

    // B's old link (its QR code, its SMS) leads to A.
    let reader = app.client();
    let r = reader
        .get(app.url(&format!("/t/{b}")))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(
            r.status(),
            StatusCode::SEE_OTHER | StatusCode::FOUND | StatusCode::TEMPORARY_REDIRECT
        ),
        "{}",
        r.status()
    );
    let to = location(&r);
    assert_eq!(to, format!("/t/{a}?merged={b}"));
    let (s, html) = app.page(&reader, &to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("府前路井盖破损需要修缮"));
    assert!(
        html.contains("已合并到本议题") && html.contains(&format!("/t/{b}?stay=1")),
        "{html}"
    );
    assert!(html.contains("我也遇到了（附议）· 3人"), "{html}");
    let (s, html) = app.page(&reader, &format!("/t/{b}?stay=1")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("府前路上窨井盖坏了"));
    assert!(html.contains(&format!("合并后的议题（{a}）")), "{html}");

    let (_, detail) = app.get(&reader, &format!("/api/topics/{a}")).await;
    let merged_event = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "merged_into")
        .unwrap_or_else(|| panic!("no merged_into event: {detail}"));
    assert!(
        merged_event["detail"].as_str().unwrap().contains(&b),
        "{merged_event}"
    );
    let (_, detail) = app.get(&reader, &format!("/api/topics/{b}")).await;
    assert_eq!(detail["merged_into"], a.as_str());
    assert_eq!(detail["state"], "merged");
}
both!(merge_carries_supports);
