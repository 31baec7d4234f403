//! 搜索 through the real server: words found by jieba's segmentation,
//! simplified and traditional finding each other, pinyin initials finding
//! places, filters, research findings, marked snippets, and hostile
//! queries answered without error.
use reqwest::{Client, StatusCode};
use serde_json::json;
use store::both_backends as both;
use store::testing::Backend;

use crate::helpers::TestApp;

async fn raise(app: &TestApp, c: &Client, title: &str, place: &str, body: &str) -> String {
    let (s, v) = app
        .post(
            c,
            "/api/rooms/room-a/topics",
            json!({ "title": title, "body": body, "category": "公共设施", "place": place }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["tracking_no"].as_str().unwrap().to_owned()
}

/// The topics' tracking numbers a search finds, in order.
async fn found(app: &TestApp, c: &Client, query: &str) -> Vec<String> {
    let (s, v) = app.get(c, &format!("/api/search?{query}")).await;
    assert_eq!(s, StatusCode::OK, "{query}: {v}");
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["link"]
                .as_str()
                .unwrap()
                .trim_start_matches("/t/")
                .to_owned()
        })
        .collect()
}

fn q(text: &str) -> String {
    format!("q={}", urlencode(text))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn search_finds_what_people_type(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = &app.world;
    let c = app.client();
    let resident = app.phone().await;
    let lamp = raise(
        &app,
        &resident,
        "府前路路灯维修",
        "府前路",
        "府前路路灯晚上不亮，行人看不清路。",
    )
    .await;
    let parking = raise(
        &app,
        &resident,
        "小區停車秩序整治",
        "陈师社区",
        "小區裡面停車很亂，消防通道被堵。",
    )
    .await;
    let cover = raise(
        &app,
        &resident,
        "破损井盖修缮",
        "陈师村三组",
        "三组路口井盖破损，存在安全隐患。",
    )
    .await;

    // Words, and words inside longer words (jieba's search mode).
    assert_eq!(found(&app, &c, &q("路灯")).await, vec![lamp.clone()]);
    assert_eq!(found(&app, &c, &q("井盖破损")).await, vec![cover.clone()]);
    // Simplified finds traditional, and traditional finds simplified.
    assert_eq!(found(&app, &c, &q("停车")).await, vec![parking.clone()]);
    assert_eq!(found(&app, &c, &q("停車")).await, vec![parking.clone()]);
    assert_eq!(found(&app, &c, &q("井蓋")).await, vec![cover.clone()]);
    // Pinyin initials find the place.
    assert_eq!(found(&app, &c, &q("fql")).await, vec![lamp.clone()]);
    assert_eq!(found(&app, &c, &q("FQL")).await, vec![lamp.clone()]);
    // Every word must match.
    assert!(found(&app, &c, &q("路灯 井盖")).await.is_empty());

    // The snippet marks the words found.
    let (_, v) = app.get(&c, &format!("/api/search?{}", q("路灯"))).await;
    let item = &v["items"][0];
    assert_eq!(
        (item["kind"].as_str(), item["title"].as_str()),
        (Some("topic"), Some("府前路路灯维修"))
    );
    let marked: Vec<&str> = item["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["matched"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(marked, vec!["路灯"], "{item}");

    // Filters: region, room, state, channel, kind, period.
    let (a, b) = (w.subdistrict_a.0, w.subdistrict_b.0);
    let cover_q = q("井盖");
    assert_eq!(
        found(&app, &c, &format!("{cover_q}&region={a}")).await,
        vec![cover.clone()]
    );
    assert!(
        found(&app, &c, &format!("{cover_q}&region={b}"))
            .await
            .is_empty()
    );
    assert_eq!(
        found(
            &app,
            &c,
            &format!("{cover_q}&room=room-a&channel=resident&period=2026")
        )
        .await
        .len(),
        1
    );
    assert!(
        found(&app, &c, &format!("{cover_q}&channel=leadership"))
            .await
            .is_empty()
    );
    let convener = app.login("convener-a").await;
    let reason = json!({ "reason": "已列入市政年度维修计划，由城管部门直接处理。" });
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{cover}/actions/reject"),
            reason,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        found(&app, &c, &format!("{cover_q}&state=rejected")).await,
        vec![cover.clone()]
    );
    assert!(
        found(&app, &c, &format!("{cover_q}&state=accepted"))
            .await
            .is_empty()
    );

    // A research visit's findings are found, and lead to their topic.
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{lamp}/actions/accept"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    app.research(&convener, &lamp).await;
    let (_, v) = app
        .get(&c, &format!("/api/search?{}&kind=research", q("踏勘")))
        .await;
    assert_eq!(v["items"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["items"][0]["link"], format!("/t/{lamp}"));
    assert_eq!(v["items"][0]["kind_label"], "调研记录");

    // The page: a search box on the home page and the desk, hits with marks.
    let (_, home) = app.page(&c, "/").await;
    assert!(home.contains("action=\"/search\""), "{home}");
    let (_, desk) = app.page(&convener, "/desk").await;
    assert!(desk.contains("action=\"/search\""), "{desk}");
    let (s, page) = app.page(&c, &format!("/search?{}", q("停車"))).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("找到 1 条") && page.contains("<mark>停車</mark>"),
        "{page}"
    );

    // Hostile queries: search syntax, quotes, SQL, very long input.
    let long = "农路改造".repeat(500);
    for hostile in [
        "\"",
        "*",
        "NEAR(路灯 井盖)",
        "路灯 OR 井盖",
        "' OR 1=1 --",
        "%_%",
        "路灯\" OR \"1",
        "-路灯",
        "^路灯",
        "路灯:*",
        "!!&&||",
        long.as_str(),
    ] {
        let (s, v) = app.get(&c, &format!("/api/search?{}", q(hostile))).await;
        assert_eq!(s, StatusCode::OK, "{hostile}: {v}");
        let (s, _) = app.page(&c, &format!("/search?{}", q(hostile))).await;
        assert_eq!(s, StatusCode::OK, "{hostile}");
    }
    assert_eq!(
        found(&app, &c, &q("\"路灯\"*")).await,
        vec![lamp.clone()],
        "quotes and stars are not syntax"
    );

    // Bad filters are explained.
    for (bad, status) in [
        ("state=nonsense", StatusCode::BAD_REQUEST),
        ("region=abc", StatusCode::BAD_REQUEST),
        ("kind=photo", StatusCode::BAD_REQUEST),
        ("limit=0", StatusCode::BAD_REQUEST),
        ("period=2026-13", StatusCode::UNPROCESSABLE_ENTITY),
        ("region=999999", StatusCode::NOT_FOUND),
    ] {
        let (s, v) = app.get(&c, &format!("/api/search?q=a&{bad}")).await;
        assert_eq!(s, status, "{bad}: {v}");
        assert!(v["detail"].is_string(), "{bad}: {v}");
    }

    // The kept index equals one built from scratch.
    let terms = ["路灯", "停车", "井盖", "fql", "踏勘"];
    let mut kept = Vec::new();
    for t in terms {
        kept.push(found(&app, &c, &q(t)).await);
    }
    app.store.rebuild_search().await.unwrap();
    for (t, before) in terms.iter().zip(kept) {
        assert_eq!(found(&app, &c, &q(t)).await, before, "{t}");
    }

    // An answer is kept for the many asking the same, and the next
    // search after a write finds what it wrote.
    let (_, first) = app.get(&c, &format!("/api/search?{}", q("路灯"))).await;
    let (_, again) = app
        .get(&app.phone().await, &format!("/api/search?{}", q("路灯")))
        .await;
    assert_eq!(first, again, "the same answer for everyone");
    let (_, before) = app.page(&c, &format!("/search?{}", q("路灯"))).await;
    let square = raise(
        &app,
        &resident,
        "文化广场路灯不亮",
        "文化广场",
        "广场路灯坏了。",
    )
    .await;
    assert_eq!(
        found(&app, &c, &q("路灯")).await,
        vec![square, lamp.clone()]
    );
    let (_, after) = app.page(&c, &format!("/search?{}", q("路灯"))).await;
    assert!(!before.contains("文化广场"), "{before}");
    assert!(after.contains("文化广场"), "{after}");
}
both!(search_finds_what_people_type);

/// A thing is found by any of its names: 水渠 finds a topic about a 排水沟,
/// with the text's own name marked, and a word the topic lacks still rules
/// it out.
async fn search_finds_a_thing_by_its_other_names(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let resident = app.phone().await;
    let ditch = raise(
        &app,
        &resident,
        "杨口村南边排水沟淤积",
        "杨口村",
        "排水沟被淤泥堵死了，一下雨庄稼地就泡在水里。",
    )
    .await;
    assert_eq!(found(&app, &c, &q("水渠淤积")).await, vec![ditch.clone()]);
    assert_eq!(found(&app, &c, &q("沟渠")).await, vec![ditch]);
    assert!(found(&app, &c, &q("水渠漏水")).await.is_empty());
    let (_, v) = app.get(&c, &format!("/api/search?{}", q("水渠淤积"))).await;
    let marked: Vec<&str> = v["items"][0]["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["matched"] == true)
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    // The body's own name of the thing is marked (淤积 is in the title).
    assert_eq!(marked, ["排水沟"], "{v}");
}
both!(search_finds_a_thing_by_its_other_names);
