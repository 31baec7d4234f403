//! Signing in under attack: attempts counted before they are checked.
use store::both_backends as both;
use store::testing::Backend;

use crate::conformance::setup;

/// Password attempts are counted before they are checked, one statement
/// each: of sixty parallel attempts, the allowed number and one more are
/// checked, then a pause holds the rest; it grows with each check and ends
/// within a minute, so the owner is never locked out for long.
async fn login_attempts_are_counted_atomically(backend: Backend) {
    let (store, world) = setup(backend).await;
    let clock = store::Clock::at(chrono::Utc::now());
    let store = store.with_clock(clock.clone());
    let uid = world.user("convener-a");
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..60 {
        let store = store.clone();
        attempts.spawn(async move { store.count_login_attempt(uid).await.unwrap() });
    }
    let mut checked = 0;
    while let Some(may) = attempts.join_next().await {
        checked += i32::from(may.unwrap());
    }
    assert_eq!(checked, store::MAX_FAILED_LOGINS + 1);
    assert!(!store.count_login_attempt(uid).await.unwrap(), "paused");
    // A minute later the next attempt is checked (and starts the longest pause).
    clock.set(clock.now() + chrono::Duration::seconds(store::MAX_PAUSE_SECONDS + 1));
    assert!(
        store.count_login_attempt(uid).await.unwrap(),
        "the pause ended"
    );
    assert!(
        !store.count_login_attempt(uid).await.unwrap(),
        "a new pause"
    );
    // A right password clears the count and the pause.
    store.record_login_success(uid).await.unwrap();
    assert!(store.count_login_attempt(uid).await.unwrap());
}
both!(login_attempts_are_counted_atomically);
