//! 议事公开 through the real server: a region's topics and only its own,
//! each filter, paging, the plane with the rooms and the places residents
//! marked, the headline figures, a write shown at once, nothing personal,
//! and bad filters answered with a message.
use domain::{Actor, TopicBody, TopicTitle};
use reqwest::StatusCode;
use serde_json::json;
use store::testing::{Backend, plain_submission};
use store::{NewTopic, Who};

use crate::helpers::TestApp;
use store::both_backends as both;

/// Raises a topic in `room` with a phone, a category and maybe a marked place.
async fn raise(
    app: &TestApp,
    room: &str,
    title: &str,
    category: &str,
    point: Option<(f64, f64)>,
) -> String {
    let mut body = json!({
        "title": title,
        "body": "情况属实，群众反映强烈，希望尽快协调解决。",
        "category": category,
        "place": "陈师村三组",
        "phone": "13900000099",
    });
    if let Some((lat, lng)) = point {
        body["lat"] = json!(lat);
        body["lng"] = json!(lng);
    }
    let (s, v) = app
        .post(&app.client(), &format!("/api/rooms/{room}/topics"), body)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["tracking_no"].as_str().unwrap().to_owned()
}

async fn portal(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = &app.world;
    let (a, county) = (w.subdistrict_a.0, w.county.0);
    app.store
        .set_room_point(w.room_a, Some((33_746_500, 119_261_800)))
        .await
        .unwrap();
    let road = raise(
        &app,
        "room-a",
        "村组道路坑洼积水",
        "交通出行",
        Some((33.7482, 119.2650)),
    )
    .await;
    let lamp = raise(&app, "room-a", "文化广场路灯不亮", "公共设施", None).await;
    let ditch = raise(
        &app,
        "room-a",
        "河塘垃圾堆积",
        "市容环境",
        Some((33.7441, 119.2590)),
    )
    .await;
    let elsewhere = raise(
        &app,
        "room-b",
        "小区停车秩序混乱",
        "交通出行",
        Some((33.80, 119.30)),
    )
    .await;
    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{ditch}/actions/reject"),
            json!({ "reason": "属于个人纠纷，建议通过人民调解解决" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");

    let c = app.client();
    let (s, page) = app.page(&c, &format!("/open/{a}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("议事公开") && page.contains("共 3 个"),
        "{page}"
    );
    for no in [&road, &lamp, &ditch] {
        assert!(page.contains(&format!("/t/{no}")), "lists {no}");
    }
    assert!(!page.contains(&elsewhere), "another subdistrict's topic");
    // Nothing about a person: not the submitter's phone, not even masked.
    assert!(!page.contains("13900000099") && !page.contains("139****0099"));
    // The plane: the room as a square with its name, the marked topics as
    // points coloured by phase, each a link; the unmarked one is not drawn.
    assert!(page.contains("<svg viewBox=\"0 0 640"), "{page}");
    assert!(page.contains("aria-label=\"村组道路坑洼积水（待受理）\""));
    assert!(page.contains("class=\"spot waiting\"") && page.contains("class=\"spot not-taken\""));
    assert!(page.contains("class=\"spot room\""));
    assert!(!page.contains("aria-label=\"文化广场路灯不亮"));
    assert!(
        page.contains("待受理 1") && page.contains("未立项 1"),
        "the legend counts"
    );
    // The headline figures, with their 口径 and what they count.
    assert!(page.contains(&format!("/figures/{a}/raised?period=")));
    assert!(
        page.contains("<strong class=\"kpi-value\">3</strong><span class=\"kpi-label\">议题总数")
    );

    // Each filter.
    let listed = |page: &str| {
        [&road, &lamp, &ditch]
            .into_iter()
            .filter(|no| page.contains(&format!("/t/{no}")))
            .cloned()
            .collect::<Vec<String>>()
    };
    for (query, expected) in [
        ("state=rejected", vec![ditch.clone()]),
        (
            "category=%E4%BA%A4%E9%80%9A%E5%87%BA%E8%A1%8C",
            vec![road.clone()],
        ),
        (
            "room=room-a&channel=resident",
            vec![road.clone(), lamp.clone(), ditch.clone()],
        ),
        ("channel=leadership", vec![]),
        ("period=2020", vec![]),
        (
            "state=&category=&period=",
            vec![road.clone(), lamp.clone(), ditch.clone()],
        ),
    ] {
        let (s, page) = app.page(&c, &format!("/open/{a}?{query}")).await;
        assert_eq!(s, StatusCode::OK, "{query}");
        let mut expected = expected;
        expected.sort();
        let mut got = listed(&page);
        got.sort();
        assert_eq!(got, expected, "{query}");
    }
    let (_, page) = app.page(&c, &format!("/open/{a}?state=rejected")).await;
    assert!(
        page.contains("<option value=\"rejected\" selected>"),
        "keeps the filter"
    );
    assert!(page.contains("清除筛选"));
    // A room's square leads to its own topics.
    assert!(page.contains(&format!("/open/{a}?room=room-a#map")));

    // The county holds both subdistricts' topics and leads down to them.
    let (_, page) = app.page(&c, &format!("/open/{county}")).await;
    assert!(page.contains(&elsewhere) && page.contains(&road));
    assert!(
        page.contains(&format!("/open/{a}\"")),
        "links to the subdistrict"
    );
    // /open opens the top region's portal.
    let r = c.get(app.url("/open")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let (s, page) = app.page(&c, &to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains(&elsewhere) && page.contains(&road), "{to}");

    // A write shows at once.
    let new = raise(&app, "room-a", "农贸市场周边占道经营", "市容环境", None).await;
    let (_, page) = app.page(&c, &format!("/open/{a}")).await;
    assert!(page.contains(&new) && page.contains("共 4 个"));
    // The topic page leads to the map where it was marked.
    let (_, page) = app.page(&c, &format!("/t/{road}")).await;
    assert!(page.contains("?room=room-a#map\">在地图上看"), "{page}");

    // Bad filters are answered, in Chinese.
    for (query, status, says) in [
        ("room=room-b", StatusCode::BAD_REQUEST, "不在"),
        ("room=nowhere", StatusCode::NOT_FOUND, "议事室"),
        ("room=%3Cscript%3E", StatusCode::BAD_REQUEST, "议事室不正确"),
        ("state=nonsense", StatusCode::BAD_REQUEST, "状态不正确"),
        ("channel=fax", StatusCode::BAD_REQUEST, "来源不正确"),
        ("period=2026-13", StatusCode::UNPROCESSABLE_ENTITY, "统计期"),
        ("page=0", StatusCode::BAD_REQUEST, "页码不正确"),
        ("page=abc", StatusCode::BAD_REQUEST, "页码不正确"),
    ] {
        let (s, page) = app.page(&c, &format!("/open/{a}?{query}")).await;
        assert_eq!(s, status, "{query}");
        assert!(page.contains(says), "{query}: {page}");
    }
    let long = "长".repeat(41);
    let (s, _) = app.page(&c, &format!("/open/{a}?category={long}")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // Unknown regions are answered each time, never kept as a page.
    for _ in 0..2 {
        let (s, _) = app.page(&c, "/open/999999").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
    }
}
both!(portal);

/// Twenty topics a page, and the next page holds the rest.
async fn portal_pages(backend: Backend) {
    let app = TestApp::start(backend).await;
    let body = TopicBody::parse("路面坑洼，雨天积水").unwrap();
    for i in 0..23 {
        let who = Who {
            actor: Actor::anonymous(Some(format!("{i:032x}"))),
            name: "群众".into(),
        };
        let title = TopicTitle::parse(&format!("村组道路破损第{i}处")).unwrap();
        let new = NewTopic {
            category: "交通出行",
            ..plain_submission(app.world.room_a, &title, &body)
        };
        app.store.submit_topic(new, &who).await.unwrap();
    }
    let a = app.world.subdistrict_a.0;
    let c = app.client();
    let (_, first) = app.page(&c, &format!("/open/{a}?category=交通出行")).await;
    assert!(
        first.contains("共 23 个") && first.contains("第 1 / 2 页"),
        "{first}"
    );
    assert_eq!(first.matches("村组道路破损第").count(), 20);
    assert!(first.contains("rel=\"next\""));
    let next = format!("/open/{a}?category=%E4%BA%A4%E9%80%9A%E5%87%BA%E8%A1%8C&amp;page=2");
    assert!(first.contains(&next), "the next page keeps the filter");
    let (_, second) = app
        .page(&c, &format!("/open/{a}?category=交通出行&page=2"))
        .await;
    assert_eq!(second.matches("村组道路破损第").count(), 3);
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
    // The oldest three are on the second page.
    for i in 0..3 {
        assert!(second.contains(&format!("村组道路破损第{i}处")), "{i}");
    }
    let (s, _) = app.page(&c, &format!("/open/{a}?page=501")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}
both!(portal_pages);
