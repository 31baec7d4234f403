//! A large region's 工作台账 is made in the background: the asker watches
//! the count of topics written on a page any node serves, then downloads
//! the file; asking again shortly after gets the same export, and one whose
//! maker stopped is reported so and made afresh when asked again.
use std::time::Duration;

use reqwest::StatusCode;
use store::both_backends as both;
use store::testing::Backend;

use crate::helpers::{TestApp, beijing};
use crate::reports::python;

/// Where a request for the 台账 was sent: the export page's path.
async fn asked(app: &TestApp, c: &reqwest::Client, path: &str) -> String {
    let r = c.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path}");
    let to = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/exports/"), "{to}");
    to
}

/// The export's page once it says the file is made.
async fn when_made(app: &TestApp, c: &reqwest::Client, page: &str) -> String {
    for _ in 0..200 {
        let (s, html) = app.page(c, page).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        if html.contains("台账已生成") {
            return html;
        }
        assert!(html.contains("正在生成"), "{html}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the export at {page} was not made in ten seconds");
}

async fn large_ledgers_are_made_in_the_background(backend: Backend) {
    let clock = store::Clock::at(beijing("2026-11-20T10:00:00+08:00"));
    let app = TestApp::init(backend)
        .with_clock(clock.clone())
        .with_config(|c| c.ledger_at_once = 2)
        .start()
        .await;
    let w = &app.world;
    let a = w.subdistrict_a.0;
    let resident = app.phone().await;
    for title in ["陈师村三组农路改造", "小区停车秩序整治", "破损井盖修缮"] {
        app.submit(&resident, title).await;
    }
    let convener = app.login("convener-a").await;
    let room = app.store.room_by_code("room-a").await.unwrap().name;

    // Three topics are more than the two sent at once: the asker is sent
    // to the export's page, which counts until the file is made.
    let ledger = format!("/figures/{a}/ledger.xlsx?period=2026");
    let page = asked(&app, &convener, &ledger).await;
    let html = when_made(&app, &convener, &page).await;
    assert!(
        html.contains("陈师街道") && html.contains("2026年"),
        "{html}"
    );
    assert!(html.contains(&format!("{page}/ledger.xlsx")), "{html}");

    // Another node shows the same and sends the same file.
    let other = app.second_node().await;
    let convener_b = other.login("convener-a").await;
    let (_, html) = other.page(&convener_b, &page).await;
    assert!(html.contains("台账已生成"), "{html}");
    let r = convener_b
        .get(other.url(&format!("{page}/ledger.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("ledger-{a}-2026.xlsx")),
        "{:?}",
        r.headers()
    );
    let book = r.bytes().await.unwrap();
    let sheets = python(
        "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\n\
         print(wb.sheetnames)\n\
         for row in wb.worksheets[0].iter_rows(values_only=True): print('|'.join(str(c) for c in row))\n\
         print(wb.worksheets[1].max_row)",
        &book,
        "xlsx",
    );
    assert!(
        sheets.starts_with(&format!("['汇总', '{room}']")),
        "{sheets}"
    );
    assert!(sheets.contains(&format!("{room}|3|")), "{sheets}");
    assert!(
        sheets.trim_end().ends_with('4'),
        "a header and three topics: {sheets}"
    );

    // Asking again soon after is answered by the same export; eleven
    // minutes later by a new one, which counts what is there by then.
    assert_eq!(asked(&app, &convener, &ledger).await, page);
    clock.advance(chrono::TimeDelta::minutes(11));
    let again = asked(&app, &convener, &ledger).await;
    assert_ne!(again, page);
    when_made(&app, &convener, &again).await;

    // An export whose maker stopped (its node killed, say) shows as
    // stopped once its count has not moved for two minutes; asking again
    // starts a new one, which is made.
    let november = domain::Period::parse("2026-11").unwrap();
    let by = w.users.iter().find(|(n, _)| *n == "convener-a").unwrap().1;
    let (stuck, new) = app
        .store
        .ledger_export(w.subdistrict_a, &november, by, 3)
        .await
        .unwrap();
    assert!(new);
    let stuck = format!("/exports/{}", stuck.id.0);
    let (_, html) = app.page(&convener, &stuck).await;
    assert!(html.contains("已写入 0 / 3 个议题"), "{html}");
    assert!(html.contains("hx-trigger=\"every 2s\""), "{html}");
    let r = convener
        .get(app.url(&format!("{stuck}/ledger.xlsx")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "not made yet");
    clock.advance(chrono::TimeDelta::minutes(3));
    let (_, html) = app.page(&convener, &stuck).await;
    assert!(
        html.contains("生成中断") && html.contains("重新生成"),
        "{html}"
    );
    assert!(
        !html.contains("hx-trigger"),
        "a stopped export is not polled"
    );
    let fresh = asked(
        &app,
        &convener,
        &format!("/figures/{a}/ledger.xlsx?period=2026-11"),
    )
    .await;
    assert_ne!(fresh, stuck);
    when_made(&app, &convener, &fresh).await;

    // A small region's is sent at once.
    let b = w.subdistrict_b.0;
    let r = convener
        .get(app.url(&format!("/figures/{b}/ledger.xlsx?period=2026")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // Exports are for staff; an unknown one is not found.
    for c in [app.client(), resident] {
        let (s, _) = app.page(&c, &page).await;
        assert!(
            s.is_redirection() || s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN,
            "{s}"
        );
        let (s, _) = app.page(&c, &format!("{page}/ledger.xlsx")).await;
        assert!(
            s.is_redirection() || s == StatusCode::UNAUTHORIZED || s == StatusCode::FORBIDDEN,
            "{s}"
        );
    }
    let (s, html) = app.page(&convener, "/exports/999999").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{html}");
    let (s, _) = app.page(&convener, "/exports/abc").await;
    assert!(s.is_client_error(), "{s}");
}
both!(large_ledgers_are_made_in_the_background);
