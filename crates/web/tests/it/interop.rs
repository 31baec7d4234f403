//! A Pol.is conversation brought into a topic (openData CSV), its opinion
//! map computed here, the deliberation given back in the same format, and
//! closed by its convener.
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use store::testing::Backend;

use crate::helpers::{Multipart, TestApp};
use store::both_backends as both;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../opinion/tests/data/polis/brexit-consensus"
);

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

/// Data lines of a CSV text (its header left out).
fn rows(csv: &str) -> usize {
    csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count()
}

async fn pol_is_in_and_out(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    let no = app.submit(&phone, "脱欧公投议题导入").await;
    let upload = || {
        Multipart::new()
            .file(
                "comments",
                "comments.csv",
                "text/csv",
                read("comments.csv").as_bytes(),
            )
            .file(
                "votes",
                "votes.csv",
                "text/csv",
                read("votes.csv").as_bytes(),
            )
    };
    let url = app.url(&format!("/t/{no}/deliberation/import"));

    // Only this room's convener may import.
    for login in ["resident", "convener-b"] {
        let c = app.login(login).await;
        let r = upload().send(&c, url.clone()).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{login} imported");
    }
    let convener = app.login("convener-a").await;
    // A votes file naming a statement that is not there changes nothing.
    let broken = Multipart::new()
        .file(
            "comments",
            "comments.csv",
            "text/csv",
            read("comments.csv").as_bytes(),
        )
        .file(
            "votes",
            "votes.csv",
            "text/csv",
            b"timestamp,datetime,comment-id,voter-id,vote\n1,x,999,1,1\n",
        )
        .send(&convener, url.clone())
        .await;
    assert!(broken.status().is_client_error(), "{}", broken.status());
    let topic_id = app.store.topic_by_tracking(&no).await.unwrap().id;
    assert!(
        app.store
            .deliberation_of_topic(topic_id)
            .await
            .unwrap()
            .is_none()
    );

    let r = upload().send(&convener, url.clone()).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(at.ends_with("/results?imported=1"), "{at}");
    let id = domain::DeliberationId(
        at.trim_start_matches("/d/")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap(),
    );
    // A second import into the same topic is refused.
    let again = upload().send(&convener, url).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // The map of 50 statements and ~200 people appears in the background.
    let deadline = Instant::now() + Duration::from_secs(60);
    let html = loop {
        let (s, html) = app.page(&phone, &format!("/d/{id}/results")).await;
        assert_eq!(s, StatusCode::OK);
        if html.contains("<svg") && html.contains("第2组") {
            break html;
        }
        assert!(Instant::now() < deadline, "no map within 60 s: {html}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(html.contains("comments.csv") && !html.contains("结束线上议事"));
    let (_, timeline) = app.page(&phone, &format!("/t/{no}")).await;
    assert!(
        timeline.contains("导入 Pol.is 议题：观点50条"),
        "{timeline}"
    );

    // Out again in the same format: every statement, the latest vote of each pair.
    let get = |file: &str| {
        let (c, url) = (phone.clone(), app.url(&format!("/d/{id}/export/{file}")));
        async move {
            let r = c.get(url).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert!(
                r.headers()["content-type"]
                    .to_str()
                    .unwrap()
                    .starts_with("text/csv")
            );
            r.text().await.unwrap()
        }
    };
    let comments = get("comments.csv").await;
    assert_eq!(rows(&comments), 50);
    let votes = get("votes.csv").await;
    let original = opinion::polis::parse_open_data(&opinion::polis::OpenDataFiles {
        votes: Some(read("votes.csv")),
        ..Default::default()
    })
    .unwrap();
    let pairs: std::collections::BTreeSet<(u64, u64)> =
        original.votes.iter().map(|v| (v.pid, v.tid)).collect();
    assert_eq!(rows(&votes), pairs.len());
    let pv = get("participants-votes.csv").await;
    let back = opinion::polis::parse_open_data(&opinion::polis::OpenDataFiles {
        comments: Some(comments),
        participants_votes: Some(pv),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(back.comments.len(), 50);
    assert!(
        back.groups.values().filter(|g| g.is_some()).count() > 100,
        "participants carry their group"
    );
    let (s, _) = app
        .page(&phone, &format!("/d/{id}/export/secrets.txt"))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The convener closes it: the map stays, votes stop.
    let (_, results) = app.page(&convener, &format!("/d/{id}/results")).await;
    assert!(results.contains("结束线上议事"));
    let outsider = app.login("convener-b").await;
    let r = outsider
        .post(app.url(&format!("/d/{id}/close")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = convener
        .post(app.url(&format!("/d/{id}/close")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let statement = app.store.statements(id).await.unwrap()[0].id;
    let r = phone
        .post(app.url(&format!("/d/{id}/vote")))
        .form(&[
            ("statement", statement.to_string()),
            ("vote", "agree".into()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "a closed deliberation takes no votes"
    );
    let (_, results) = app.page(&phone, &format!("/d/{id}/results")).await;
    assert!(results.contains("线上议事已结束") && results.contains("第1组"));
    let (_, timeline) = app.page(&phone, &format!("/t/{no}")).await;
    assert!(timeline.contains("线上议事结束"));
}
both!(pol_is_in_and_out);
