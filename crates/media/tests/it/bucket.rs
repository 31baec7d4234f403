//! The S3 photo store against a real S3-compatible server (`moto_server` in
//! CI; `scripts/test` starts it and makes the bucket `shangliang-test`).

use media::{Bucket, BucketConfig, LocalDisk, PhotoStore};

fn bucket(prefix: &str) -> Option<Bucket> {
    let endpoint = std::env::var("SHANGLIANG_TEST_S3_URL").ok()?;
    let config = BucketConfig {
        bucket: "shangliang-test".into(),
        endpoint: Some(endpoint),
        region: Some("us-east-1".into()),
        access_key: Some("test".into()),
        secret_key: Some("test".into()),
        prefix: prefix.into(),
    };
    Some(Bucket::new(&config).expect("bucket settings"))
}

/// A prefix of its own per run, so runs against one server do not meet.
fn fresh_prefix(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{name}-{nanos}")
}

#[tokio::test]
#[ignore = "needs SHANGLIANG_TEST_S3_URL"]
async fn photos_round_trip_through_the_bucket() {
    let prefix = fresh_prefix("round-trip");
    let store = bucket(&prefix).expect("SHANGLIANG_TEST_S3_URL");
    assert_eq!(store.get("ab/ab12.jpg").await.unwrap(), None);
    store.put("ab/ab12.jpg", b"full".to_vec()).await.unwrap();
    store.put("ab/ab12.t.jpg", b"thumb".to_vec()).await.unwrap();
    // A retried upload writes the same bytes again, harmlessly.
    store.put("ab/ab12.jpg", b"full".to_vec()).await.unwrap();
    assert_eq!(store.get("ab/ab12.jpg").await.unwrap().unwrap(), b"full");
    assert_eq!(
        store.keys().await.unwrap(),
        ["ab/ab12.jpg", "ab/ab12.t.jpg"]
    );

    // Another node with the same settings reads what this one stored.
    let other = bucket(&prefix).unwrap();
    assert_eq!(other.get("ab/ab12.t.jpg").await.unwrap().unwrap(), b"thumb");

    store.delete("ab/ab12.jpg").await.unwrap();
    store.delete("ab/ab12.jpg").await.unwrap();
    assert_eq!(other.get("ab/ab12.jpg").await.unwrap(), None);
    assert_eq!(other.keys().await.unwrap(), ["ab/ab12.t.jpg"]);
    // A key that could leave the prefix is refused before any request.
    assert!(store.put("../x", b"x".to_vec()).await.is_err());
}

#[tokio::test]
#[ignore = "needs SHANGLIANG_TEST_S3_URL"]
async fn an_unreachable_bucket_is_an_error_not_a_missing_photo() {
    let store = Bucket::new(&BucketConfig {
        bucket: "nowhere".into(),
        endpoint: Some("http://127.0.0.1:9".into()),
        access_key: Some("x".into()),
        secret_key: Some("x".into()),
        ..BucketConfig::default()
    })
    .unwrap();
    assert!(store.get("ab/ab12.jpg").await.is_err());
}

#[tokio::test]
async fn local_disk_lists_its_keys_without_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = LocalDisk::new(dir.path()).unwrap();
    store.put("cd/cd34.jpg", b"a".to_vec()).await.unwrap();
    store.put("ab/ab12.jpg", b"b".to_vec()).await.unwrap();
    std::fs::write(dir.path().join("ab/.ab12.jpg.1.0.tmp"), b"half").unwrap();
    assert_eq!(store.keys().await.unwrap(), ["ab/ab12.jpg", "cd/cd34.jpg"]);
}
