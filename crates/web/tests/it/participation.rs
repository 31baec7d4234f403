//! Who may take part in an online deliberation: a convener can let only
//! phone-verified residents vote and propose when a deliberation is being
//! stuffed, and open it to every phone again.
use reqwest::{Client, StatusCode};
use store::testing::Backend;

use crate::helpers::{TestApp, from_address};
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

/// A page form refused to a visitor without the role: off to sign in.
fn sent_to_sign_in(r: &reqwest::Response) -> bool {
    r.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .is_some_and(|l| l.starts_with("/login"))
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
    assert!(sent_to_sign_in(&r), "sent to sign in");
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

/// Twenty-two new phones from one address vote within a minute: the
/// convener is shown the burst (nobody else is), leaves it out, and the map
/// and its public figures count only the other phones.
async fn bursts_are_flagged_and_can_be_left_out(backend: Backend) {
    let app = TestApp::init(backend)
        .with_config(|c| c.trust_forwarded_for = true)
        .with_user(domain::Role::Convener)
        .start()
        .await;
    let convener = app.user(domain::Role::Convener);
    let (id, statement) = open_deliberation(&app, convener).await;
    let deliberation = domain::DeliberationId(id);
    let mut phones = Vec::new();
    for i in 0..25 {
        // 22 from one carrier address, three from their own.
        let address = if i < 22 {
            "10.9.9.9".to_owned()
        } else {
            format!("10.0.{i}.1")
        };
        let phone = from_address(&address);
        phone.get(app.url("/")).send().await.unwrap();
        let (s, _) = vote(&app, &phone, id, &statement).await;
        assert_eq!(s, StatusCode::SEE_OTHER, "phone {i}");
        phones.push(phone);
    }
    let (_, public) = app.page(&phones[0], &format!("/d/{id}/results")).await;
    assert!(
        !public.contains("可疑集中参与"),
        "only the convener is shown bursts"
    );
    let (_, page) = app.page(convener, &format!("/d/{id}/results")).await;
    assert!(
        page.contains("同一网络地址有 22 部新手机开始表态"),
        "the burst is flagged"
    );

    let bursts = domain::find_bursts(&app.store.arrivals(deliberation).await.unwrap());
    assert_eq!(bursts.len(), 1);
    let b = &bursts[0];
    let form = [
        ("origin", b.origin.clone()),
        ("from", b.from.to_rfc3339()),
        ("to", b.to.to_rfc3339()),
    ];
    let discount = |c: &Client| {
        c.post(app.url(&format!("/d/{id}/discount")))
            .form(&form)
            .send()
    };
    let r = discount(&phones[0]).await.unwrap();
    assert!(sent_to_sign_in(&r), "a phone cannot leave others out");
    assert_eq!(
        discount(convener).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        discount(convener).await.unwrap().status(),
        StatusCode::CONFLICT,
        "once"
    );

    assert_eq!(app.store.discounted_count(deliberation).await.unwrap(), 22);
    let input = app.store.analysis_input(deliberation).await.unwrap();
    let voters: std::collections::BTreeSet<u64> = input.votes.iter().map(|v| v.pid).collect();
    assert_eq!(voters.len(), 3, "only the other phones are mapped");
    let (_, page) = app.page(&phones[24], &format!("/d/{id}/results")).await;
    assert!(
        page.contains("有 22 部手机短时间内从同一网络地址集中参与"),
        "the public figure"
    );
    let (_, page) = app.page(convener, &format!("/d/{id}/results")).await;
    assert!(!page.contains("可疑集中参与"), "the burst is dealt with");
    let (_, csv) = app
        .page(&phones[24], &format!("/d/{id}/export/votes.csv"))
        .await;
    assert_eq!(
        csv.lines().count(),
        1 + 3,
        "the export leaves them out too: {csv}"
    );
}
both!(bursts_are_flagged_and_can_be_left_out);
