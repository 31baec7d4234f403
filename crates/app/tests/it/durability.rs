//! An acknowledged submission survives the server being killed outright.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;
use store::testing::{Backend, World, fresh_database};

struct Server {
    child: Child,
    base: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[allow(clippy::zombie_processes)] // every caller kills and waits
async fn start(url: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_shangliang"))
        .args([
            "--database-url",
            url,
            "serve",
            "--no-worker",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start shangliang");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Server { child, base };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not become ready");
}

async fn acknowledged_submission_survives_sigkill(backend: Backend) {
    let Some(url) = fresh_database(backend).await else {
        eprintln!(
            "PostgreSQL half skipped: set {} to run it",
            store::testing::POSTGRES_ENV
        );
        return;
    };
    {
        let store = store::Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        World::build(&store, "unused-hash").await.unwrap();
        store.close().await.unwrap();
    }
    let client = reqwest::Client::new();
    let mut acknowledged = Vec::new();
    for cycle in 0..3 {
        let mut server = start(&url).await;
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
        server.child.kill().unwrap(); // SIGKILL: no shutdown, no flush
        server.child.wait().unwrap();
        acknowledged.extend(acks);
    }
    let server = start(&url).await;
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
    let mut server = server;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    acknowledged_submission_survives_sigkill(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    acknowledged_submission_survives_sigkill(Backend::Postgres).await
}
