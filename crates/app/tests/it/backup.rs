//! `shangliang backup` while the server runs and `shangliang restore` into an
//! empty database: every table's content equal by hash, the photos back,
//! the audit chain verified — on each database, and from SQLite into
//! PostgreSQL, the way a county that outgrows one machine moves.
use std::process::Output;

use store::both_backends as both;
use store::testing::{Backend, fresh_database};

use crate::server::{Server, cli, ok, pg_lock};

fn run(url: &str, photos: &std::path::Path, args: &[&str]) -> Output {
    cli(url, args, &[("SHANGLIANG_PHOTO_DIR", photos.as_os_str())])
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "shangliang-backup-{name}-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos()
        .into()
}

/// SHA-256 of nothing: an empty table's hash.
const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A demo database on `backend`, backed up while its server answers.
async fn demo_backup(backend: Backend, name: &str) -> (String, std::path::PathBuf) {
    let url = fresh_database(backend).await;
    let dir = temp_dir(name);
    let photos = dir.join("photos");
    ok(&run(&url, &photos, &["demo"]));
    // A photo in the store, as a resident's submission leaves one.
    std::fs::create_dir_all(photos.join("ab")).unwrap();
    std::fs::write(photos.join("ab").join("abcdef.jpg"), b"\xff\xd8\xff photo").unwrap();
    let server = Server::start(&url).await;
    // The server saves the demo's opinion maps as it starts; the backup is
    // compared with the database after it, so it waits for them.
    let store = store::Store::connect(&url).await.unwrap();
    let mut last = store.table_hashes().await.unwrap();
    for _ in 0..60 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let now = store.table_hashes().await.unwrap();
        let settled = now == last && now["deliberation_results"] != EMPTY;
        last = now;
        if settled {
            break;
        }
    }
    let file = dir.join("backup.zip");
    let said = ok(&run(&url, &photos, &["backup", file.to_str().unwrap()]));
    assert!(
        said.contains("已备份") && said.contains("1 张照片"),
        "{said}"
    );
    drop(server);
    (url, file)
}

async fn restore_into(target: Backend, source_url: &str, file: &std::path::Path) {
    let url = fresh_database(target).await;
    let photos = temp_dir("restored").join("photos");
    let said = ok(&run(&url, &photos, &["restore", file.to_str().unwrap()]));
    assert!(said.contains("各表内容与备份一致"), "{said}");
    assert_eq!(
        std::fs::read(photos.join("ab").join("abcdef.jpg")).unwrap(),
        b"\xff\xd8\xff photo"
    );
    let source = store::Store::connect(source_url).await.unwrap();
    let restored = store::Store::connect(&url).await.unwrap();
    assert_eq!(
        source.table_hashes().await.unwrap(),
        restored.table_hashes().await.unwrap(),
        "every table holds the same"
    );
    let topics = restored
        .topics(&store::TopicFilter {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(topics.len(), 200);
    // The restored database takes new rows (ids move on past the old ones).
    restored
        .create_region(store::NewRegion {
            parent: None,
            name: "新省",
            level: domain::RegionLevel::Province,
        })
        .await
        .unwrap();
    // A second restore into it is refused: it is no longer empty.
    let again = run(&url, &photos, &["restore", file.to_str().unwrap()]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("空数据库"));
}

async fn backups_restore_equal(backend: Backend) {
    let _one_at_a_time = pg_lock(backend).await;
    let (url, file) = demo_backup(backend, "same").await;
    restore_into(backend, &url, &file).await;
    if backend == Backend::Postgres {
        // From SQLite into PostgreSQL.
        let (url, file) = demo_backup(Backend::Sqlite, "move").await;
        restore_into(Backend::Postgres, &url, &file).await;
    }
}
both!(backups_restore_equal);

/// A county moving to several nodes: the backup of a photo folder restores
/// into a bucket, and the bucket backs up again with the photo in it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs SHANGLIANG_TEST_S3_URL"]
async fn a_folder_backup_restores_into_a_bucket() {
    let endpoint = std::env::var("SHANGLIANG_TEST_S3_URL").expect("SHANGLIANG_TEST_S3_URL");
    let (_, file) = demo_backup(Backend::Sqlite, "bucket").await;
    let url = fresh_database(Backend::Sqlite).await;
    let prefix = format!("restored-{}-{}", std::process::id(), rand_suffix());
    let unused = temp_dir("unused").join("photos");
    let in_bucket = |args: &[&str]| {
        cli(
            &url,
            args,
            &[
                ("SHANGLIANG_PHOTO_DIR", unused.as_os_str()),
                ("SHANGLIANG_PHOTO_S3_BUCKET", "shangliang-test".as_ref()),
                ("SHANGLIANG_PHOTO_S3_ENDPOINT", endpoint.as_ref()),
                ("SHANGLIANG_PHOTO_S3_REGION", "us-east-1".as_ref()),
                ("SHANGLIANG_PHOTO_S3_ACCESS_KEY", "test".as_ref()),
                ("SHANGLIANG_PHOTO_S3_SECRET_KEY", "test".as_ref()),
                ("SHANGLIANG_PHOTO_S3_PREFIX", prefix.as_ref()),
            ],
        )
    };
    let said = ok(&in_bucket(&["restore", file.to_str().unwrap()]));
    assert!(said.contains("1 张照片"), "{said}");
    assert!(!unused.exists(), "nothing went to the folder");
    let again = temp_dir("bucket-again").join("backup.zip");
    let said = ok(&in_bucket(&["backup", again.to_str().unwrap()]));
    assert!(said.contains("1 张照片"), "{said}");
    let bucket = media::Bucket::new(&media::BucketConfig {
        bucket: "shangliang-test".into(),
        endpoint: Some(endpoint.clone()),
        region: Some("us-east-1".into()),
        access_key: Some("test".into()),
        secret_key: Some("test".into()),
        prefix,
    })
    .unwrap();
    use media::PhotoStore as _;
    assert_eq!(
        bucket.get("ab/abcdef.jpg").await.unwrap().unwrap(),
        b"\xff\xd8\xff photo"
    );
}
