//! Photo stores: round trips, durability hygiene, and keys that cannot escape.

use std::io::ErrorKind;
use std::sync::Arc;

use media::{LocalDisk, MemoryStore, PhotoStore};

const BAD_KEYS: &[&str] = &["../x", "/etc/passwd", "a\0b", "a/../../x", "", "A.JPG"];

async fn round_trip(store: &dyn PhotoStore) {
    let key = "photos/ab/abcdef.jpg";
    assert_eq!(store.get(key).await.expect("get"), None);
    store.put(key, b"first".to_vec()).await.expect("put");
    assert_eq!(
        store.get(key).await.expect("get").as_deref(),
        Some(&b"first"[..])
    );
    // A retried or replaced put wins whole.
    store.put(key, b"second".to_vec()).await.expect("put again");
    assert_eq!(
        store.get(key).await.expect("get").as_deref(),
        Some(&b"second"[..])
    );
    store.delete(key).await.expect("delete");
    assert_eq!(store.get(key).await.expect("get"), None);
    // Deleting what is gone is fine: retries are harmless.
    store.delete(key).await.expect("delete again");

    for key in BAD_KEYS {
        let put = store.put(key, b"x".to_vec()).await.expect_err(key);
        assert_eq!(put.kind(), ErrorKind::InvalidInput, "{key:?}");
        assert_eq!(
            store.get(key).await.expect_err(key).kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            store.delete(key).await.expect_err(key).kind(),
            ErrorKind::InvalidInput
        );
    }
}

#[tokio::test]
async fn local_disk_round_trip() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("photos-root");
    let store: Arc<dyn PhotoStore> = Arc::new(LocalDisk::new(&root).expect("store"));
    round_trip(store.as_ref()).await;
}

#[tokio::test]
async fn local_disk_writes_under_its_root_and_leaves_no_temp_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = LocalDisk::new(dir.path().join("root")).expect("store");
    store
        .put("a/b/c.jpg", b"bytes".to_vec())
        .await
        .expect("put");
    let file = dir.path().join("root/a/b/c.jpg");
    assert_eq!(std::fs::read(&file).expect("file on disk"), b"bytes");
    let names: Vec<_> = std::fs::read_dir(dir.path().join("root/a/b"))
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["c.jpg"]);

    // Nothing was written beside the root by the refused keys.
    for key in BAD_KEYS {
        assert!(store.put(key, b"x".to_vec()).await.is_err());
    }
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(beside, ["root"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_puts_of_one_key_all_succeed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(LocalDisk::new(dir.path()).expect("store"));
    let puts = (0..8).map(|_| {
        let store = Arc::clone(&store);
        tokio::spawn(async move { store.put("same/key.jpg", vec![7; 4096]).await })
    });
    for put in puts.collect::<Vec<_>>() {
        put.await.expect("task").expect("put");
    }
    let stored = store
        .get("same/key.jpg")
        .await
        .expect("get")
        .expect("present");
    assert_eq!(stored, vec![7; 4096]);
}

#[tokio::test]
async fn memory_store_round_trip() {
    let store = MemoryStore::new();
    round_trip(&store).await;
    assert!(store.is_empty());
}
