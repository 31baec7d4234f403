//! Sixteen maximum-size submissions with photos at once: the server holds
//! only as many bodies as its upload memory allows (the rest wait their
//! turn), so its memory stays within that budget however many arrive.
use std::sync::Arc;

use store::testing::{Backend, fresh_database};

use crate::server::{Server, pg_lock};

const LIMIT: usize = 16 << 20;
const BUDGET: usize = 128 << 20;
const PARALLEL: usize = 16;

/// A submission of about `LIMIT` bytes: two "photos" that are not pictures,
/// so each is read in full and then refused.
fn body(boundary: &str, seed: u8) -> Vec<u8> {
    let mut b = Vec::with_capacity(LIMIT);
    let text = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n村口路灯不亮\r\n"
    );
    b.extend_from_slice(text.as_bytes());
    for (i, size) in [(0, (10 << 20) - 4096), (1, LIMIT - (10 << 20) - 8192)] {
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p{i}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
        );
        b.extend_from_slice(head.as_bytes());
        b.extend((0..size).map(|n| (n as u8).wrapping_mul(31).wrapping_add(seed)));
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    assert!(b.len() <= LIMIT);
    b
}

async fn parallel_uploads_stay_within_the_memory_budget(backend: Backend) {
    let _pg = pg_lock(backend).await;
    let url = fresh_database(backend).await;
    let store = store::Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    store::testing::World::build(&store, "unused")
        .await
        .unwrap();
    let (limit, budget) = (LIMIT.to_string(), BUDGET.to_string());
    let server = Server::start_with(
        &url,
        &[
            ("SHANGLIANG_UPLOAD_LIMIT_BYTES", &limit),
            ("SHANGLIANG_UPLOAD_MEMORY_BYTES", &budget),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    client
        .get(format!("{}/r/room-a", server.base))
        .send()
        .await
        .unwrap();
    let boundary = "----shangliang-upload-test";
    // The same path once with tiny bodies, all at once: database connections
    // and allocator arenas reach their working size before the baseline.
    let mut warm = tokio::task::JoinSet::new();
    for i in 0..PARALLEL {
        let (c, url) = (client.clone(), format!("{}/r/room-a/topics", server.base));
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"w{i}.jpg\"\r\n\
             Content-Type: image/jpeg\r\n\r\nnot a picture\r\n--{boundary}--\r\n"
        );
        warm.spawn(async move {
            c.post(url)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(body)
                .send()
                .await
                .map(|r| r.status())
        });
    }
    for status in warm.join_all().await {
        assert!(status.expect("answered").is_client_error());
    }
    let before = server.peak_memory();
    let bodies: Vec<Arc<Vec<u8>>> = (0..PARALLEL)
        .map(|i| Arc::new(body(boundary, i as u8)))
        .collect();
    let mut uploads = tokio::task::JoinSet::new();
    for b in bodies {
        let (c, url) = (client.clone(), format!("{}/r/room-a/topics", server.base));
        uploads.spawn(async move {
            c.post(url)
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(b.to_vec())
                .send()
                .await
                .map(|r| r.status())
        });
    }
    for status in uploads.join_all().await {
        let status = status.expect("every upload is answered");
        assert!(
            status.is_client_error(),
            "not pictures: refused, got {status}"
        );
    }
    let grew = server.peak_memory().saturating_sub(before);
    assert!(
        grew <= BUDGET as u64,
        "{PARALLEL} uploads of {} MB raised the peak by {} MB, budget {} MB",
        LIMIT >> 20,
        grew >> 20,
        BUDGET >> 20
    );
    eprintln!(
        "{PARALLEL} parallel uploads of {} MB: peak memory +{} MB (budget {} MB)",
        LIMIT >> 20,
        grew >> 20,
        BUDGET >> 20
    );
}
store::both_backends!(parallel_uploads_stay_within_the_memory_budget);
