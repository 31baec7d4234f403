//! What one store hears of the commits another makes to the same database
//! (another node on PostgreSQL, another process on a SQLite file): the
//! count the page caches compare moves, and a visitor's own marks (read in
//! place on a SQLite file) are the other's writes as committed.
use std::time::{Duration, Instant};

use domain::{Actor, TopicBody, TopicTitle};
use store::both_backends as both;
use store::testing::{Backend, World, fresh_database, plain_submission};
use store::{Store, Who};

async fn another_writers_commit_is_heard(backend: Backend) {
    let url = fresh_database(backend).await;
    let here = Store::connect(&url).await.unwrap();
    here.migrate().await.unwrap();
    let world = World::build(&here, "hash").await.unwrap();
    assert!(!here.hears_every_write(), "nothing listens yet");
    let follower = {
        let here = here.clone();
        tokio::spawn(async move { here.follow_other_writers().await })
    };
    let started = Instant::now();
    while !here.hears_every_write() {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "never started hearing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Another store (a second node, a second process) takes a topic in,
    // then a phone's 附议 (which follows it too).
    let there = Store::connect(&url).await.unwrap();
    let heard = |before: u64| {
        let here = here.clone();
        async move {
            let started = Instant::now();
            while here.changes() == before {
                assert!(
                    started.elapsed() < Duration::from_secs(3),
                    "the other store's commit was not heard"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    };
    let before = here.changes();
    let who = Who {
        actor: Actor::anonymous(Some("aaaa".into())),
        name: "匿名群众".into(),
    };
    let title = TopicTitle::parse("破损井盖修缮").unwrap();
    let body = TopicBody::parse("具体情况说明").unwrap();
    let topic = there
        .submit_topic(plain_submission(world.room_a, &title, &body), &who)
        .await
        .unwrap();
    heard(before).await;
    // A phone's marks, as its topic page reads them (its own key its inbox).
    let marks_of = |key: &str| {
        let (here, key) = (here.clone(), key.to_owned());
        async move {
            let inbox = std::slice::from_ref(&key);
            here.visitor_marks(topic.id, &key, inbox).await.unwrap()
        }
    };
    let phone = store::device_key("0123456789abcdef0123456789abcdef");
    let marks = marks_of(&phone).await;
    assert!(!marks.supported && !marks.following);

    let before = here.changes();
    there.support(topic.id, &phone, None).await.unwrap();
    heard(before).await;
    assert!(here.hears_every_write());
    // Read here as the other store committed it.
    let marks = marks_of(&phone).await;
    assert!(marks.supported && marks.following && !marks.liked);
    // Another phone's marks are its own.
    let other = store::device_key("fedcba9876543210fedcba9876543210");
    let marks = marks_of(&other).await;
    assert!(!marks.supported && !marks.following);

    // Once it stops listening, it says so: caches fall back to their time bound.
    follower.abort();
    let _ = follower.await;
    assert!(!here.hears_every_write());
}
both!(another_writers_commit_is_heard);
