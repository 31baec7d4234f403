//! A region's own topic categories: set by its administrator, offered by
//! its rooms' forms and the API, used to file new topics (anything else is
//! 其他), while rooms elsewhere keep theirs; going back takes the list from
//! above. The API's list of topics filters by category and by day.
use reqwest::StatusCode;
use serde_json::{Value, json};
use store::testing::Backend;

use crate::admin::form;
use crate::helpers::TestApp;
use store::both_backends as both;

async fn categories(app: &TestApp, room: &str) -> Vec<String> {
    let (s, v) = app.get(&app.client(), &format!("/api/rooms/{room}")).await;
    assert_eq!(s, StatusCode::OK);
    serde_json::from_value(v["categories"].clone()).unwrap()
}

async fn filed_under(app: &TestApp, category: &str) -> Value {
    let (s, v) = app
        .post(
            &app.phone().await,
            "/api/rooms/room-a/topics",
            json!({ "title": "三组道路破损", "body": "路面坑洼积水，出行不便。", "category": category }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["category"].clone()
}

async fn a_region_files_topics_under_its_own_categories(backend: Backend) {
    let app = TestApp::start(backend).await;
    let admin = app.login("admin").await;
    let village = app.store.room(app.world.room_a).await.unwrap().region;
    let path = format!("/admin/regions/{}/categories", village.0);

    let (s, _, page) = form(&app, &admin, &path, &[("categories", "农路改造\n路")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("应为2至10个字"), "{page}");
    assert!(
        categories(&app, "room-a")
            .await
            .contains(&"交通出行".to_owned()),
        "nothing changed"
    );

    let typed = "农路改造\n停车秩序整治\n其他\n破损井盖修缮";
    let (s, _, _) = form(&app, &admin, &path, &[("categories", typed)]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        categories(&app, "room-a").await,
        ["农路改造", "停车秩序整治", "破损井盖修缮", "其他"]
    );
    assert!(
        categories(&app, "room-b")
            .await
            .contains(&"交通出行".to_owned()),
        "elsewhere unchanged"
    );
    let (_, room) = app.page(&app.client(), "/r/room-a").await;
    assert!(room.contains(">停车秩序整治</option>") && !room.contains(">交通出行</option>"));
    assert_eq!(filed_under(&app, "停车秩序整治").await, "停车秩序整治");
    assert_eq!(filed_under(&app, "交通出行").await, "其他");
    // The list of topics filters by category and by the day they came in.
    let anon = app.client();
    let listed = |q: String| {
        let (app, anon) = (&app, &anon);
        async move {
            let (s, v) = app.get(anon, &format!("/api/topics?{q}")).await;
            assert_eq!(s, StatusCode::OK, "{q}: {v}");
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["category"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let today = app.today();
    assert_eq!(
        listed(format!("category=停车秩序整治&from={today}&to={today}")).await,
        ["停车秩序整治"]
    );
    let tomorrow = app.store.clock().today() + chrono::Days::new(1);
    assert!(
        listed(format!("category=停车秩序整治&from={tomorrow}"))
            .await
            .is_empty()
    );
    for bad in ["from=2026-13-01", "to="] {
        let (s, _) = app.get(&anon, &format!("/api/topics?{bad}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let (_, triage) = app
        .page(&app.login("convener-a").await, "/desk/triage")
        .await;
    assert!(
        triage.contains(">农路改造</option>"),
        "the convener filters by them"
    );
    let (_, region) = app
        .page(&admin, &format!("/admin/regions/{}", village.0))
        .await;
    assert!(region.contains("本地区自定的类别"));

    let (s, _, _) = form(&app, &admin, &path, &[("inherit", "on")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert!(
        categories(&app, "room-a")
            .await
            .contains(&"交通出行".to_owned())
    );
    let (_, log) = app.page(&admin, "/admin/audit?what=setting_changed").await;
    assert!(log.contains("停车秩序整治"), "the change is audited");
}
both!(a_region_files_topics_under_its_own_categories);
