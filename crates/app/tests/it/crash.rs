//! Crash safety under load: many phones submit topics and like a result while
//! the server is killed with SIGKILL at random moments, twenty times over
//! (and, on PostgreSQL, the database server is restarted once mid-load).
//! Afterwards every acknowledged write is present exactly once, and nothing
//! is half-written.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use domain::{Actor, Note, TopicBody, TopicId, TopicTitle};
use store::testing::{Backend, World, fresh_database, plain_submission};
use store::{NewTopic, Store, TaskAction, TopicAction, Who};
use tokio::sync::Mutex;

use crate::server::{Server, pg_lock};

const CYCLES: usize = 20;
const CLIENTS: usize = 12;

/// A small deterministic generator, so a failing run can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A topic that has been resolved, so it can be liked.
async fn resolved_topic(store: &Store, world: &World) -> String {
    let who = |login: &str| {
        let s = store.clone();
        let id = world.user(login);
        let name = login.to_owned();
        async move {
            Who {
                actor: s.actor(id).await.unwrap(),
                name,
            }
        }
    };
    let phone = Who {
        actor: Actor::anonymous(Some("0".repeat(32))),
        name: "群众".into(),
    };
    let title = TopicTitle::parse("小区路灯修复").unwrap();
    let body = TopicBody::parse("路灯修好了吗").unwrap();
    let t = store
        .submit_topic(
            NewTopic {
                category: "公共设施",
                ..plain_submission(world.room_a, &title, &body)
            },
            &phone,
        )
        .await
        .unwrap();
    let convener = who("convener-a").await;
    let due = chrono::Utc::now().date_naive() + chrono::Duration::days(5);
    store
        .apply_topic(
            t.id,
            &convener,
            TopicAction::Refer {
                department: world.dept_a,
                due,
            },
        )
        .await
        .unwrap();
    let task = store.tasks_of_topic(t.id).await.unwrap()[0].id;
    let staff = who("staff-a").await;
    store
        .apply_task(task, &staff, TaskAction::Sign)
        .await
        .unwrap();
    store
        .apply_task(
            task,
            &staff,
            TaskAction::Complete {
                note: Note::parse("已修复").unwrap(),
                photos: Vec::new(),
            },
        )
        .await
        .unwrap();
    store
        .apply_task(task, &convener, TaskAction::Verify)
        .await
        .unwrap();
    t.tracking_no
}

#[derive(Default)]
struct Acks {
    topics: Vec<(String, String)>,
    likes: Vec<String>,
}

/// One phone: alternately raises a topic and likes the result, until the server dies.
async fn phone(
    base: String,
    liked: String,
    id: String,
    acks: Arc<Mutex<Acks>>,
    key: Arc<web::DeviceKey>,
) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    for i in 0.. {
        if i % 2 == 0 {
            let title = format!("崩溃测试{id}-{i}");
            let r = client
                .post(format!("{base}/api/rooms/room-a/topics"))
                .json(&serde_json::json!({ "title": title, "body": "断电断网也不能丢的议题" }))
                .send()
                .await;
            let Ok(r) = r else { return };
            if r.status() == reqwest::StatusCode::CREATED {
                let Ok(v) = r.json::<serde_json::Value>().await else {
                    return;
                };
                acks.lock().await.topics.push((
                    v["tracking_no"].as_str().unwrap_or_default().to_owned(),
                    title,
                ));
            }
        } else {
            // A new device each time: 32 hex digits.
            let device = format!(
                "{:0>32}",
                format!("{id}{i}")
                    .bytes()
                    .map(|b| format!("{:x}", b % 16))
                    .collect::<String>()
            );
            // A phone the server issued a device to, with the like token the
            // topic's page handed it (both signed as the server signs them).
            let token = key.like_token(&format!("d:{device}"), &liked, chrono::Utc::now());
            let r = client
                .post(format!("{base}/api/topics/{liked}/likes"))
                .header("cookie", format!("sl_device={}", key.sign(&device)))
                .json(&serde_json::json!({ "token": token }))
                .send()
                .await;
            let Ok(r) = r else { return };
            if r.status().is_success() {
                let Ok(v) = r.json::<serde_json::Value>().await else {
                    return;
                };
                if v["new"] == true {
                    acks.lock().await.likes.push(device);
                }
            }
        }
    }
}

async fn crash_cycles(backend: Backend) {
    let _pg = pg_lock(backend).await;
    let url = fresh_database(backend).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let world = World::build(&store, "unused").await.unwrap();
    let liked = resolved_topic(&store, &world).await;
    let restart_pg = backend == Backend::Postgres
        && std::env::var("SHANGLIANG_TEST_PG_RESTART").is_ok_and(|v| v == "1");
    let acks = Arc::new(Mutex::new(Acks::default()));
    let key = Arc::new(web::DeviceKey::new(
        &store.secret(web::device::SECRET_NAME).await.unwrap(),
    ));
    let mut rng = Rng(0x5eed_cafe);
    for cycle in 0..CYCLES {
        let mut server = Server::start(&url).await;
        let mut phones = tokio::task::JoinSet::new();
        for c in 0..CLIENTS {
            phones.spawn(phone(
                server.base.clone(),
                liked.clone(),
                format!("{cycle}x{c}"),
                acks.clone(),
                key.clone(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(150 + rng.next() % 600)).await;
        if restart_pg && cycle == CYCLES / 2 {
            let version = std::fs::read_dir("/etc/postgresql")
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .file_name();
            let ok = std::process::Command::new("pg_ctlcluster")
                .args([
                    "--skip-systemctl-redirect",
                    &version.to_string_lossy(),
                    "main",
                    "restart",
                ])
                .status()
                .unwrap();
            assert!(ok.success(), "PostgreSQL restart failed");
            // The same server process must serve again once the database is back.
            let client = reqwest::Client::new();
            let mut recovered = false;
            for _ in 0..100 {
                let r = client
                    .post(format!("{}/api/rooms/room-a/topics", server.base))
                    .json(&serde_json::json!({ "title": format!("数据库重启后{cycle}"), "body": "恢复了吗" }))
                    .send()
                    .await;
                if let Ok(r) = r
                    && r.status() == reqwest::StatusCode::CREATED
                {
                    let v: serde_json::Value = r.json().await.unwrap();
                    acks.lock().await.topics.push((
                        v["tracking_no"].as_str().unwrap().to_owned(),
                        format!("数据库重启后{cycle}"),
                    ));
                    recovered = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            assert!(
                recovered,
                "the app did not recover after PostgreSQL restarted"
            );
        }
        server.kill();
        phones.abort_all();
        while phones.join_next().await.is_some() {}
    }

    // Check with the store directly, after a last clean start.
    let acks = acks.lock().await;
    assert!(
        acks.topics.len() > CYCLES && acks.likes.len() > CYCLES,
        "load too light: {} topics, {} likes",
        acks.topics.len(),
        acks.likes.len()
    );
    // A commit sent just before a kill can still land afterwards, so read the
    // topics twice and count each id once.
    let mut seen: HashMap<TopicId, String> = HashMap::new();
    for _ in 0..2 {
        let mut offset = 0;
        loop {
            let page = store
                .topics(&store::TopicFilter {
                    limit: 500,
                    offset,
                    ..Default::default()
                })
                .await
                .unwrap();
            for t in &page {
                if seen.insert(t.id, t.title.clone()).is_none() {
                    let tl = store.timeline(t.id).await.unwrap();
                    assert!(
                        tl.first()
                            .is_some_and(|e| e.kind == domain::EventKind::Submitted),
                        "topic {} lacks its first event: half-written",
                        t.tracking_no
                    );
                }
            }
            if page.len() < 500 {
                break;
            }
            offset += 500;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut by_title: HashMap<String, u32> = HashMap::new();
    for title in seen.values() {
        *by_title.entry(title.clone()).or_default() += 1;
    }
    for (no, title) in &acks.topics {
        let t = store
            .topic_by_tracking(no)
            .await
            .unwrap_or_else(|_| panic!("acknowledged topic {no} lost"));
        assert_eq!(&t.title, title);
        assert_eq!(
            by_title.get(title),
            Some(&1),
            "{title} stored {:?} times",
            by_title.get(title)
        );
    }
    let liked_topic = store.topic_by_tracking(&liked).await.unwrap();
    for device in &acks.likes {
        assert!(
            store
                .has_liked(liked_topic.id, &format!("d:{device}"))
                .await
                .unwrap(),
            "acknowledged like {device} lost"
        );
    }
    let rows = store.count_likes(liked_topic.id).await.unwrap();
    assert_eq!(
        liked_topic.like_count, rows as i64,
        "the rolled-up count disagrees with the likes themselves"
    );
    assert!(rows >= acks.likes.len() as u64);
    eprintln!(
        "{backend:?}: {CYCLES} kills, {} acknowledged topics and {} acknowledged likes all present",
        acks.topics.len(),
        acks.likes.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    crash_cycles(Backend::Sqlite).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs SHANGLIANG_TEST_POSTGRES_URL"]
async fn postgres() {
    crash_cycles(Backend::Postgres).await
}
