//! Who may take part in an online deliberation: a convener can let only
//! phone-verified residents vote and propose when a deliberation is being
//! stuffed, and open it to every phone again.
use reqwest::{Client, StatusCode};
use store::testing::Backend;

use crate::helpers::TestApp;
use store::both_backends as both;

/// Opens a deliberation on a new topic of room A; returns its id and a statement id.
async fn open_deliberation(app: &TestApp, convener: &Client) -> (i64, String) {
    let no = app.submit(&app.phone().await, "村口停车难问题").await;
    let id = app
        .open_deliberation(convener, &no, "村口建停车场\n停车场应该收费")
        .await;
    let statements = app
        .store
        .statements(domain::DeliberationId(id))
        .await
        .unwrap();
    (id, statements[0].id.to_string())
}

async fn vote(app: &TestApp, c: &Client, id: i64, statement: &str) -> (StatusCode, String) {
    let r = c
        .post(app.url(&format!("/d/{id}/vote")))
        .form(&[("statement", statement), ("vote", "agree")])
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn verified_only_deliberation(backend: Backend) {
    let app = TestApp::init(backend)
        .with_user(domain::Role::Convener)
        .with_user(domain::Role::Resident)
        .start()
        .await;
    let convener = app.user(domain::Role::Convener);
    let (id, statement) = open_deliberation(&app, convener).await;
    let deliberation = domain::DeliberationId(id);
    let restrict = |scope: &'static str| {
        let (c, url) = (convener.clone(), app.url(&format!("/d/{id}/participation")));
        async move {
            c.post(url)
                .form(&[("scope", scope)])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Only the room's convener may restrict it.
    let phone = app.phone().await;
    let r = phone
        .post(app.url(&format!("/d/{id}/participation")))
        .form(&[("scope", "verified_only")])
        .send()
        .await
        .unwrap();
    let to = r
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned());
    assert!(
        to.is_some_and(|l| l.starts_with("/login")),
        "sent to sign in"
    );
    assert!(
        !app.store
            .deliberation(deliberation)
            .await
            .unwrap()
            .verified_only
    );

    assert_eq!(restrict("verified_only").await, StatusCode::SEE_OTHER);
    assert_eq!(
        restrict("verified_only").await,
        StatusCode::CONFLICT,
        "already restricted"
    );
    assert_eq!(restrict("nonsense").await, StatusCode::UNPROCESSABLE_ENTITY);

    // A phone without an account is told to sign in; its vote is refused.
    let (_, page) = app.page(&phone, &format!("/d/{id}")).await;
    assert!(
        page.contains("用手机号登录后参与"),
        "the phone is asked to sign in"
    );
    let (s, body) = vote(&app, &phone, id, &statement).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert!(body.contains("仅限已验证手机号"), "{body}");
    let (s, _) = vote(&app, app.user(domain::Role::Resident), id, &statement).await;
    assert_eq!(s, StatusCode::SEE_OTHER, "a signed-in resident votes");
    assert_eq!(
        app.store.count_opinion_votes(deliberation).await.unwrap(),
        1
    );
    let (_, results) = app.page(&phone, &format!("/d/{id}/results")).await;
    assert!(results.contains("本次线上议事仅限已验证手机号的居民参与"));

    // Opened to every phone again, the phone votes.
    assert_eq!(restrict("all_phones").await, StatusCode::SEE_OTHER);
    let (s, _) = vote(&app, &phone, id, &statement).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(
        app.store.count_opinion_votes(deliberation).await.unwrap(),
        2
    );
}
both!(verified_only_deliberation);
