//! A published opinion map is rendered once per map for the phones that
//! only read it, and that kept page still follows what it shows: the next
//! map, and the deliberation closing. A phone that voted finds itself on it.
use reqwest::{Client, StatusCode};
use store::testing::Backend;

use crate::deliberation::{form, map_with, opened_with_four_seeds, statement_ids};
use crate::helpers::TestApp;
use store::both_backends as both;

async fn vote(app: &TestApp, c: &Client, id: domain::DeliberationId, camp_a: bool) {
    for (j, sid) in statement_ids(app, id).await.iter().enumerate() {
        let vote = if (j < 2) == camp_a {
            "agree"
        } else {
            "disagree"
        };
        let url = app.url(&format!("/d/{id}/vote"));
        let r = form(c, url, &[("statement", sid), ("vote", vote)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
}

async fn a_map_page_is_kept_per_map(backend: Backend) {
    let app = TestApp::start(backend).await;
    let id = opened_with_four_seeds(&app, "村口停车难问题").await;
    let mut voters = Vec::new();
    for i in 0..12 {
        let c = app.phone().await;
        vote(&app, &c, id, i % 2 == 0).await;
        voters.push(c);
    }
    map_with(&app, id, 48).await;
    let results = format!("/d/{id}/results");
    let reader = app.phone().await;
    let (s, page) = app.page(&reader, &results).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("48 次表态") && !page.contains(">我</text>"),
        "{page}"
    );
    let (_, again) = app.page(&reader, &results).await;
    assert_eq!(
        again, page,
        "the same page for a reader while the map stands"
    );
    let (_, own) = app.page(&voters[0], &results).await;
    assert!(own.contains(">我</text>"), "a voter is marked on the map");

    // The next map replaces the kept page.
    let late = app.phone().await;
    vote(&app, &late, id, true).await;
    map_with(&app, id, 52).await;
    let (_, page) = app.page(&reader, &results).await;
    assert!(page.contains("52 次表态"), "{page}");

    // Closing changes no map, but the page says so at once.
    let convener = app.login("convener-a").await;
    let r = form(&convener, app.url(&format!("/d/{id}/close")), &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&reader, &results).await;
    assert!(page.contains("线上议事已结束"), "{page}");
}
both!(a_map_page_is_kept_per_map);
