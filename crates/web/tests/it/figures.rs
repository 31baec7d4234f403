//! 工作指标: each write moves the right figures at once, rankings follow,
//! a figure's link lists what it counts, and the kept counters equal a
//! count from scratch.
use reqwest::StatusCode;
use serde_json::json;
use store::both_backends as both;
use store::testing::Backend;

use crate::helpers::TestApp;

/// The value shown on a figure's tile.
fn kpi(page: &str, label: &str) -> String {
    let tail = format!("</strong><span class=\"kpi-label\">{label}</span>");
    let end = page
        .find(&tail)
        .unwrap_or_else(|| panic!("no figure {label}"));
    let start = page[..end].rfind('>').unwrap() + 1;
    page[start..end].to_owned()
}

async fn writes_move_the_figures_at_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let w = &app.world;
    let (a, b, county) = (w.subdistrict_a.0, w.subdistrict_b.0, w.county.0);
    let public = app.client();
    let figures = |id: i64| {
        let (app, public) = (&app, public.clone());
        async move {
            let (s, page) = app.page(&public, &format!("/figures/{id}")).await;
            assert_eq!(s, StatusCode::OK, "{page}");
            page
        }
    };
    let page = figures(a).await;
    assert_eq!(kpi(&page, "议题总数"), "0");
    assert_eq!(kpi(&page, "群众满意率"), "—");

    let resident = app.phone().await;
    let road = app.submit(&resident, "陈师村三组农路改造").await;
    let parking = app.submit(&resident, "小区停车秩序整治").await;
    let cover = app.submit(&resident, "破损井盖修缮").await;
    let page = figures(a).await;
    assert_eq!(kpi(&page, "议题总数"), "3");
    assert_eq!(kpi(&page, "群众出题"), "3");
    assert_eq!(kpi(&page, "党政点题"), "0");
    assert_eq!(kpi(&figures(b).await, "议题总数"), "0");
    assert_eq!(kpi(&figures(county).await, "议题总数"), "3");

    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{road}/actions/accept"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let reason = json!({ "reason": "属于物业管理范围，已告知业主委员会。" });
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{parking}/actions/reject"),
            reason,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    app.resolve_by_referral(&cover).await;
    let page = figures(a).await;
    assert_eq!(kpi(&page, "受理立项"), "1");
    assert_eq!(kpi(&page, "不予立项"), "1");
    assert_eq!(kpi(&page, "转办"), "1");
    assert_eq!(kpi(&page, "受理用时中位数"), "0 天");
    assert_eq!(kpi(&page, "议题办结"), "1");
    assert_eq!(kpi(&page, "按期办结率"), "100%");

    let (s, v) = app
        .post(
            &resident,
            &format!("/api/topics/{cover}/rating"),
            json!({ "satisfaction": "satisfied", "comment": "修得及时" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let other = app.phone().await;
    assert_eq!(app.like(&other, &cover).await.1["count"], 1);
    let page = figures(a).await;
    assert_eq!(kpi(&page, "群众满意率"), "100%");
    assert_eq!(kpi(&page, "群众点赞"), "1");
    assert!(
        page.contains("共收到议题3个") && page.contains("群众点赞1次"),
        "the summary reads the same figures: {page}"
    );
    // The API gives the same figures, with their 口径.
    let (s, v) = app.get(&public, &format!("/api/regions/{a}/figures")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let figure = |code: &str| {
        v["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(figure("raised")["value"], 3.0);
    assert_eq!(figure("satisfaction")["text"], "100%");
    assert_eq!(figure("satisfaction")["unit"], "percent");
    assert!(
        figure("likes")["how_counted"]
            .as_str()
            .unwrap()
            .contains("点赞")
    );
    // The big screen's data: the chain as a funnel, the year month by
    // month, the categories raised.
    let (s, v) = app.get(&public, &format!("/figures/{a}/screen.json")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (
            v["funnel"][0]["name"].as_str(),
            v["funnel"][0]["value"].as_f64()
        ),
        (Some("提出议题"), Some(3.0))
    );
    assert_eq!(v["months"].as_array().unwrap().len(), 12);
    assert_eq!(
        v["raised"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .sum::<i64>(),
        3
    );
    assert_eq!(
        (
            v["categories"][0]["name"].as_str(),
            v["categories"][0]["value"].as_f64()
        ),
        (Some("交通出行"), Some(3.0))
    );
    assert_eq!(v["satisfaction"], 100.0);
    let (s, screen) = app.page(&public, &format!("/figures/{a}/screen")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        screen.contains(&format!("data-source=\"/figures/{a}/screen.json?period=")),
        "{screen}"
    );
    // The department that did the work heads its ranking.
    let dept = app.store.department(w.dept_a).await.unwrap().name;
    let league = page.split("职能部门排名").nth(1).unwrap();
    assert!(
        league.contains(&format!("<td>1</td><td>{dept}</td><td>100%</td>")),
        "{league}"
    );

    // The county ranks its subdistricts on any figure, with the change.
    let (_, page) = app
        .page(&public, &format!("/figures/{county}?rank=raised"))
        .await;
    let a_name = app.store.region(w.subdistrict_a).await.unwrap().name;
    assert!(
        page.contains(&format!("<td>1</td><td><a href=\"/figures/{a}?period="))
            && page.contains(&format!(
                "\">{a_name}</a></td><td>3</td><td>0</td><td>+3</td>"
            )),
        "{page}"
    );

    // A figure's link lists what it counts.
    let (s, page) = app.page(&public, &format!("/figures/{a}/raised")).await;
    assert_eq!(s, StatusCode::OK);
    for title in ["陈师村三组农路改造", "小区停车秩序整治", "破损井盖修缮"] {
        assert!(page.contains(title), "{title}: {page}");
    }
    let (_, page) = app.page(&public, &format!("/figures/{a}/rejected")).await;
    assert!(
        page.contains("小区停车秩序整治") && !page.contains("破损井盖修缮"),
        "{page}"
    );

    // The kept counters equal a count from scratch.
    let period = domain::Period::this_year(app.store.clock().today());
    let path = app.store.region(w.subdistrict_a).await.unwrap().path;
    let kept = (
        app.store.figures(&path, &period).await.unwrap(),
        app.store.room_figures(&path, &period).await.unwrap(),
        app.store.department_figures(&path, &period).await.unwrap(),
    );
    app.store.rebuild_figures().await.unwrap();
    let counted = (
        app.store.figures(&path, &period).await.unwrap(),
        app.store.room_figures(&path, &period).await.unwrap(),
        app.store.department_figures(&path, &period).await.unwrap(),
    );
    assert_eq!(kept, counted);
}
both!(writes_move_the_figures_at_once);

async fn bad_periods_are_explained(backend: Backend) {
    let app = TestApp::start(backend).await;
    let a = app.world.subdistrict_a.0;
    let c = app.client();
    for q in ["period=明年", "period=2026-13", "period=1999"] {
        let (s, page) = app.page(&c, &format!("/figures/{a}?{q}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert!(page.contains("统计期"), "{q}: {page}");
    }
    let (s, v) = app
        .get(&c, &format!("/api/regions/{a}/figures?period=2026-13"))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["detail"].as_str().unwrap_or_default().contains("统计期"),
        "{v}"
    );
    // The document states what a period may be, as the domain reads it,
    // wherever a period is asked for.
    let (_, doc) = app.get(&c, "/api/openapi.json").await;
    let inner = domain::patterns::PERIOD_PATTERN
        .trim_start_matches('^')
        .trim_end_matches('$');
    for (path, pattern) in [
        (
            "/api/regions/{id}/figures",
            domain::patterns::PERIOD_PATTERN.to_owned(),
        ),
        (
            "/api/regions/{id}/open-data/tasks",
            domain::patterns::PERIOD_PATTERN.to_owned(),
        ),
        ("/api/search", format!("^(?:{inner})?$")),
    ] {
        let params = &doc["paths"][path]["get"]["parameters"];
        let period = params
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "period")
            .unwrap();
        assert_eq!(period["schema"]["pattern"], pattern, "{path}");
    }
    let (s, _) = app.get(&c, "/api/regions/999999/figures").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = app.page(&c, &format!("/figures/{a}?rank=nonsense")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = app.page(&c, &format!("/figures/{a}/nonsense")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, page) = app.page(&c, &format!("/figures/{a}?period=2026-Q4")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("2026年第四季度"), "{page}");
    // /figures opens the top region's page.
    let r = c.get(app.url("/figures")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    let (s, page) = app.page(&c, &to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("工作指标"), "{page}");
}
both!(bad_periods_are_explained);
