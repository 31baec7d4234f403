//! An acknowledged submission survives the server being killed outright.
use serde_json::json;
use store::testing::{Backend, World, fresh_database};

use crate::server::{Server, pg_lock};

async fn acknowledged_submission_survives_sigkill(backend: Backend) {
    let _pg = pg_lock(backend).await;
    let url = fresh_database(backend).await;
    {
        let store = store::Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        World::build(&store, "unused-hash").await.unwrap();
        store.close().await.unwrap();
    }
    let client = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for cycle in 0..3 {
        let mut server = Server::start(&url).await;
        // Several phones submit at once; the server dies the moment the last answer arrives.
        let mut sends = tokio::task::JoinSet::new();
        for i in 0..8 {
            let c = client.clone();
            let base = server.base.clone();
            sends.spawn(async move {
                let title = format!("第{cycle}轮第{i}个路灯维修议题");
                let r = c
                    .post(format!("{base}/api/rooms/room-a/topics"))
                    .json(&json!({ "title": title, "body": "路灯不亮已经一周，晚上出行不安全。" }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::CREATED);
                let v: serde_json::Value = r.json().await.unwrap();
                (v["tracking_no"].as_str().unwrap().to_owned(), title)
            });
        }
        let acks = sends.join_all().await;
        server.kill();
        acknowledged.extend(acks);
    }
    let server = Server::start(&url).await;
    for (no, title) in &acknowledged {
        let r = client
            .get(format!("{}/api/topics/{no}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            reqwest::StatusCode::OK,
            "acknowledged topic {no} lost"
        );
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["title"], title.as_str());
        assert_eq!(
            v["timeline"].as_array().unwrap().len(),
            1,
            "topic and its first event are written together"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    acknowledged_submission_survives_sigkill(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs SHANGLIANG_TEST_POSTGRES_URL"]
async fn postgres() {
    acknowledged_submission_survives_sigkill(Backend::Postgres).await
}
