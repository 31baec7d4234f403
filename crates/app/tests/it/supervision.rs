//! Supervision under crashes: worker processes killed mid-round (SIGKILL)
//! again and again, and on PostgreSQL two running at once, still send every
//! 催办 and card, and escalate every unanswered 督办单, exactly once — each
//! with its timeline entry and inbox lines.
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use domain::{Actor, TopicBody, TopicTitle};
use store::testing::{Backend, World, fresh_database, plain_submission};
use store::{NewTopic, Store, TopicAction, Who};

use crate::server::pg_lock;

const TASKS: usize = 24;
/// Each task is both late to be signed and overdue: 黄牌 and 红牌 of each.
const NOTICES_PER_TASK: usize = 4;
/// The moment the workers run at: weeks after the tasks were due.
const AT: &str = "2026-10-30T10:00:00+08:00";

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn worker(url: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_shangliang"))
        .args(["--database-url", url, "worker", "--at", AT])
        .env("RUST_LOG", "error")
        .env("SHANGLIANG_WORKER_INTERVAL_SECS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the worker")
}

/// Tasks given on 1 September, due on the 3rd, never signed, each with a
/// 督办单 to answer by the 4th that nobody answers.
async fn late_tasks(store: &Store, world: &World) -> Vec<domain::TopicId> {
    let convener = Who {
        actor: store.actor(world.user("convener-a")).await.unwrap(),
        name: "召集人".into(),
    };
    let leader = Who {
        actor: store.actor(world.user("leader-a")).await.unwrap(),
        name: "领导".into(),
    };
    let mut topics = Vec::new();
    for i in 0..TASKS {
        let phone = Who {
            actor: Actor::anonymous(Some(format!("{i:032x}"))),
            name: "群众".into(),
        };
        let title = TopicTitle::parse(&format!("村组道路破损第{i}处")).unwrap();
        let body = TopicBody::parse("路面坑洼，雨天积水").unwrap();
        let new = NewTopic {
            category: "交通出行",
            ..plain_submission(world.room_a, &title, &body)
        };
        let t = store.submit_topic(new, &phone).await.unwrap();
        let refer = TopicAction::Refer {
            department: world.dept_a,
            due: at("2026-09-03T10:00:00+08:00").date_naive(),
        };
        store.apply_topic(t.id, &convener, refer).await.unwrap();
        let task = store.tasks_of_topic(t.id).await.unwrap()[0].id;
        let text = domain::Note::parse("请说明未签收原因并立即签收").unwrap();
        let by = at("2026-09-04T10:00:00+08:00").date_naive();
        store.issue_order(task, &leader, &text, by).await.unwrap();
        topics.push(t.id);
    }
    topics
}

/// Supervision entries on the timelines of these topics: notices, and
/// escalated 督办单 counted as a hundred each.
async fn sent(store: &Store, topics: &[domain::TopicId]) -> Vec<usize> {
    let mut counts = Vec::new();
    for t in topics {
        let timeline = store.timeline(*t).await.unwrap();
        counts.push(
            timeline
                .iter()
                .map(|e| match e.kind {
                    domain::EventKind::Reminded | domain::EventKind::Carded => 1,
                    domain::EventKind::OrderEscalated => 100,
                    _ => 0,
                })
                .sum(),
        );
    }
    counts
}

async fn supervision_survives_kills(backend: Backend) {
    let _pg = pg_lock(backend).await;
    let url = fresh_database(backend).await;
    let clock = store::Clock::at(at("2026-09-01T10:00:00+08:00"));
    let store = Store::connect(&url).await.unwrap().with_clock(clock);
    store.migrate().await.unwrap();
    let world = World::build(&store, "unused").await.unwrap();
    let topics = late_tasks(&store, &world).await;

    // Killed mid-round, again and again.
    for round in 0..6u64 {
        let mut w = worker(&url);
        tokio::time::sleep(Duration::from_millis(150 + round * 97 % 400)).await;
        let _ = w.kill();
        let _ = w.wait();
    }
    // Then to the end; on PostgreSQL two workers at once.
    let mut workers = vec![worker(&url)];
    if backend == Backend::Postgres {
        workers.push(worker(&url));
    }
    let want = vec![NOTICES_PER_TASK + 100; TASKS];
    for _ in 0..300 {
        if sent(&store, &topics).await == want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A round more, to see nothing is sent twice.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for mut w in workers {
        let _ = w.kill();
        let _ = w.wait();
    }
    assert_eq!(
        sent(&store, &topics).await,
        want,
        "each notice on each timeline once"
    );
    let inbox = |login: &str| {
        let (store, key) = (store.clone(), store::user_key(world.user(login)));
        async move { store.notifications(&[key], 10_000).await.unwrap().len() }
    };
    // The department's clerk and head hear every card, the order and its
    // escalation; the leaders of the subdistrict the department serves the
    // red cards (two per task) and the escalations, the county above and
    // another subdistrict none.
    for clerk in ["staff-a", "head-a"] {
        assert_eq!(
            inbox(clerk).await,
            TASKS * NOTICES_PER_TASK + 3 * TASKS,
            "{clerk}: and the new tasks, the orders and their escalations"
        );
    }
    assert_eq!(inbox("leader-a").await, TASKS * 3);
    assert_eq!(inbox("leader-county").await, 0);
    assert_eq!(inbox("leader-b").await, 0);
}
store::both_backends!(supervision_survives_kills);
