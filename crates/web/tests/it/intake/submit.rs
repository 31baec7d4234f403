//! Submissions with photos, and drafts that land once.
use super::*;

// ---------------------------------------------------------------- 2. submission with photos

async fn submission_with_photos(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    assert_eq!(app.page(&phone, "/r/room-a").await.0, StatusCode::OK);
    let r = Multipart::new()
        .topic("府前路井盖破损需要修缮")
        .text("client_key", "draft-photos-0001")
        .text("anonymous", "on")
        .text("lat", "33.781234")
        .text("lng", "119.260987")
        .text("phone", "13800138000")
        .file("photos", "IMG_0001.jpg", "image/jpeg", &camera_jpeg())
        .file(
            "photos",
            "screenshot.png",
            "image/png",
            &picture(image::ImageFormat::Png, 30),
        )
        .send(&phone, app.url("/r/room-a/topics"))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let at = location(&r);
    assert!(
        at.starts_with("/t/") && at.ends_with("?submitted=1"),
        "{at}"
    );
    let no = tracking_no(&at);
    assert_eq!(no.len(), 10, "{at}");

    let (s, html) = app.page(&phone, &at).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("提交成功") && html.contains(&no));
    let thumbs = media_links(&html, "<img src=\"");
    assert_eq!(thumbs.len(), 2, "two thumbnails: {thumbs:?}");
    let full = media_links(&html, "<a href=\"");
    assert_eq!(full.len(), 2, "two full-size photos: {full:?}");
    assert!(
        html.contains("匿名群众"),
        "anonymous submitter shown as 匿名群众"
    );
    for hidden in ["13800138000", "8000）", "138****"] {
        assert!(
            !html.contains(hidden),
            "the page shows the phone ({hidden})"
        );
    }
    let t = app.store.topic_by_tracking(&no).await.unwrap();
    assert_eq!(t.point, Some((33_781_234, 119_260_987)));
    assert!(t.anonymous);

    // What is stored is a clean JPEG, whatever came in.
    for link in full.iter().chain(&thumbs) {
        let r = phone.get(app.url(link)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{link}");
        assert!(content_type(&r).starts_with("image/jpeg"));
        let bytes = r.bytes().await.unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "{link} is not a JPEG");
        assert!(!contains(&bytes, b"Exif"), "{link} kept its EXIF");
        assert!(!contains(&bytes, b"Cam\0"), "{link} kept the camera's make");
    }

    // While the topic waits for triage only its submitter (and officials) see the photos.
    let stranger = app.client();
    for link in full.iter().chain(&thumbs) {
        let r = stranger.get(app.url(link)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{link} leaked");
    }
    let (_, html) = app.page(&stranger, &format!("/t/{no}")).await;
    assert!(media_links(&html, "<img src=\"").is_empty());
    // …nor officials of another room or another subdistrict, nor a department.
    for login in ["convener-b", "leader-b", "staff-a"] {
        let c = app.login(login).await;
        let r = c.get(app.url(&full[0])).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{login} saw the photo");
    }
    for login in ["leader-a", "leader-county"] {
        let c = app.login(login).await;
        let r = c.get(app.url(&full[0])).send().await.unwrap();
        assert_eq!(
            r.status(),
            StatusCode::OK,
            "{login}, above the room, sees it"
        );
    }
    let convener = app.login("convener-a").await;
    let r = convener.get(app.url(&full[0])).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the convener sees the photo");
    accept(&app, &convener, &no).await;
    for link in full.iter().chain(&thumbs) {
        let r = stranger.get(app.url(link)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{link} after acceptance");
    }
    let (_, html) = app.page(&stranger, &format!("/t/{no}")).await;
    assert_eq!(media_links(&html, "<img src=\"").len(), 2);
    assert!(html.contains("匿名群众") && !html.contains("13800138000"));

    // A submission merged straight from triage keeps its photos private.
    let other = app.phone().await;
    let r = Multipart::new()
        .topic("府前路井盖又坏了")
        // Other bytes than the first topic's photos (photos are stored by content).
        .file(
            "photos",
            "IMG_0002.png",
            "image/png",
            &picture(image::ImageFormat::Png, 99),
        )
        .send(&other, app.url("/r/room-a/topics"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let merged = tracking_no(&location(&r));
    let (_, html) = app.page(&other, &format!("/t/{merged}")).await;
    let merged_photo = media_links(&html, "<a href=\"")[0].clone();
    let r = convener
        .post(app.url(&format!("/t/{merged}/act/merge")))
        .form(&[("into", no.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = stranger.get(app.url(&merged_photo)).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::NOT_FOUND,
        "a merged topic's photo leaked"
    );
    let r = convener.get(app.url(&merged_photo)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // Until the convener, having looked at them, publishes them (once).
    let (_, page) = app.page(&convener, &format!("/t/{merged}?stay=1")).await;
    assert!(
        page.contains("公开现场照片"),
        "the convener is offered to publish"
    );
    let (_, page) = app.page(&other, &format!("/t/{merged}?stay=1")).await;
    assert!(!page.contains("公开现场照片"), "the submitter is not");
    let publish = |c: &reqwest::Client| {
        c.post(app.url(&format!("/t/{merged}/photos/publish")))
            .send()
    };
    assert_eq!(
        publish(&convener).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let r = stranger.get(app.url(&merged_photo)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "published");
    assert_eq!(
        publish(&convener).await.unwrap().status(),
        StatusCode::CONFLICT,
        "once"
    );

    // A "photo" that is a web page or a script-carrying SVG is refused, and nothing is stored.
    let before = count_topics(&app).await;
    let html_doc = b"<!doctype html><html><body><script>alert(1)</script></body></html>".as_slice();
    let svg_doc = br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9" height="9"/></svg>"#.as_slice();
    for (what, bytes, first_ok) in [
        ("html", html_doc, false),
        ("svg", svg_doc, false),
        ("html after a good photo", html_doc, true),
    ] {
        let mut form = Multipart::new().topic("府前路路灯不亮需要维修");
        if first_ok {
            form = form.file(
                "photos",
                "ok.jpg",
                "image/jpeg",
                &picture(image::ImageFormat::Jpeg, 90),
            );
        }
        let r = form
            .file("photos", "photo.jpg", "image/jpeg", bytes)
            .send(&app.client(), app.url("/r/room-a/topics"))
            .await;
        assert!(r.status().is_client_error(), "{what}: {}", r.status());
        assert!(content_type(&r).starts_with("text/html"), "{what}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("<html") && page.contains("操作没有成功") && page.contains("照片"),
            "{what}: {page}"
        );
        let nth = if first_ok {
            "第2张照片"
        } else {
            "第1张照片"
        };
        assert!(
            page.contains(nth),
            "{what}: says which photo ({nth}): {page}"
        );
        assert!(!page.contains("<script>alert"), "{what}");
    }
    assert_eq!(
        count_topics(&app).await,
        before,
        "a refused photo stored a topic"
    );

    // Ten photos are one too many.
    let mut form = Multipart::new().topic("府前路路灯不亮需要维修");
    let small = picture(image::ImageFormat::Jpeg, 10);
    for i in 0..10 {
        form = form.file("photos", &format!("p{i}.jpg"), "image/jpeg", &small);
    }
    let r = form.send(&app.client(), app.url("/r/room-a/topics")).await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let page = r.text().await.unwrap();
    assert!(page.contains("最多上传9张照片"), "{page}");
    assert_eq!(count_topics(&app).await, before);

    // Nine are fine, and a photo as a phone takes it may be larger than any form.
    let big = noisy_jpeg(1200, 900);
    assert!(big.len() > 1 << 20, "{} bytes", big.len());
    let mut form = Multipart::new().topic("府前路路灯不亮需要维修").file(
        "photos",
        "IMG_1200.jpg",
        "image/jpeg",
        &big,
    );
    for i in 1..9 {
        form = form.file("photos", &format!("p{i}.jpg"), "image/jpeg", &small);
    }
    let r = form.send(&app.client(), app.url("/r/room-a/topics")).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(count_topics(&app).await, before + 1);
}
both!(submission_with_photos);

// ---------------------------------------------------------------- 3. drafts land once

async fn drafts_land_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    let form = [
        ("title", "陈师村三组农路改造"),
        ("body", BODY),
        ("category", "交通出行"),
        ("place", "陈师村三组"),
        ("client_key", "draft-form-2f9c1a7e"),
    ];
    let mut seen = Vec::new();
    for _ in 0..2 {
        let r = phone
            .post(app.url("/r/room-a/topics"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        seen.push(location(&r));
    }
    // The page resent from another network as multipart, after a flaky upload.
    let r = Multipart::new()
        .topic("陈师村三组农路改造")
        .text("client_key", "draft-form-2f9c1a7e")
        .send(&phone, app.url("/r/room-a/topics"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    seen.push(location(&r));
    assert!(seen[0].ends_with("?submitted=1"), "{seen:?}");
    assert!(seen.iter().all(|l| *l == seen[0]), "{seen:?}");
    assert_eq!(count_topics(&app).await, 1);

    let body = json!({
        "title": "村口停车难问题", "body": BODY, "category": "交通出行",
        "place": "村口", "client_key": "draft_api_7b3e99d0"
    });
    let (s1, v1) = app
        .post(&phone, "/api/rooms/room-a/topics", body.clone())
        .await;
    let (s2, v2) = app.post(&phone, "/api/rooms/room-a/topics", body).await;
    assert!(s1.is_success() && s2.is_success(), "{s1} {v1} / {s2} {v2}");
    assert_eq!(v1["tracking_no"], v2["tracking_no"]);
    assert_ne!(
        v1["tracking_no"].as_str().unwrap(),
        tracking_no(&seen[0]),
        "another key is another topic"
    );
    assert_eq!(count_topics(&app).await, 2);

    // A key that is not one is refused, not silently ignored.
    let (s, v) = app
        .post(
            &phone,
            "/api/rooms/room-a/topics",
            json!({ "title": "村口停车难问题", "body": BODY, "client_key": "bad key!" }),
        )
        .await;
    assert!(s.is_client_error(), "{s} {v}");
    assert_eq!(count_topics(&app).await, 2);
}
both!(drafts_land_once);

/// A phone on a flaky network sends its draft again while the first copy is
/// still being stored (the page's own retry, or a double tap): every copy
/// answers with the one topic, none with an error. A race, so tried a few
/// times over with eight copies at once.
async fn draft_resent_while_storing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let phone = app.client();
    for round in 0..5 {
        let key = format!("draft-race-{round}-5d1c2b9a");
        let sends: Vec<_> = (0..8)
            .map(|i| {
                let c = phone.clone();
                let api = app.url("/api/rooms/room-a/topics");
                let page = app.url("/r/room-a/topics");
                let key = key.clone();
                tokio::spawn(async move {
                    if i % 4 == 3 {
                        let form = [
                            ("title", "村口停车难问题"),
                            ("body", BODY),
                            ("client_key", &key),
                        ];
                        let r = c.post(page).form(&form).send().await.unwrap();
                        let s = r.status();
                        let no = Some(tracking_no(&location(&r))).filter(|n| !n.is_empty());
                        (s, no, r.text().await.unwrap())
                    } else {
                        let body =
                            json!({ "title": "村口停车难问题", "body": BODY, "client_key": key });
                        let r = c.post(api).json(&body).send().await.unwrap();
                        let s = r.status();
                        let v: Value = r.json().await.unwrap();
                        (
                            s,
                            v["tracking_no"].as_str().map(str::to_owned),
                            v.to_string(),
                        )
                    }
                })
            })
            .collect();
        let mut answers = Vec::new();
        for h in sends {
            answers.push(h.await.unwrap());
        }
        assert_eq!(
            count_topics(&app).await,
            round + 1,
            "the draft landed twice"
        );
        let no = app
            .store
            .topic_by_client_key(&key)
            .await
            .unwrap()
            .unwrap()
            .tracking_no;
        for (s, got, body) in &answers {
            assert!(
                s.is_success() || s.is_redirection(),
                "a resent draft was refused with {s}: {body}"
            );
            assert_eq!(got.as_deref(), Some(no.as_str()), "{body}");
        }
    }
}
both!(draft_resent_while_storing);

// ---------------------------------------------------------------- photos in a shared bucket

/// The settings of a bucket on the test's S3-compatible server, under a
/// folder of this run's own.
fn test_bucket() -> media::BucketConfig {
    let endpoint = std::env::var("SHANGLIANG_TEST_S3_URL").expect("SHANGLIANG_TEST_S3_URL");
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    media::BucketConfig {
        bucket: "shangliang-test".into(),
        endpoint: Some(endpoint),
        region: Some("us-east-1".into()),
        access_key: Some("test".into()),
        secret_key: Some("test".into()),
        prefix: format!("photos-{run}"),
    }
}

/// Two nodes behind a load balancer: a photo sent to one is shown by the
/// other, because both keep photos in the same bucket, not on their disks.
async fn photos_in_a_bucket_are_shown_by_every_node(backend: Backend) {
    let bucket = test_bucket();
    let node1 = TestApp::init(backend)
        .with_config(|c| c.photo_bucket = Some(bucket.clone()))
        .start()
        .await;
    let node2 = node1
        .second_node_with(|c| c.photo_bucket = Some(bucket.clone()))
        .await;
    let on_its_disk = node1.second_node().await;
    let phone = node1.client();
    assert_eq!(node1.page(&phone, "/r/room-a").await.0, StatusCode::OK);
    let r = Multipart::new()
        .topic("府前路井盖破损需要修缮")
        .text("anonymous", "on")
        .file("photos", "IMG_0001.jpg", "image/jpeg", &camera_jpeg())
        .send(&phone, node1.url("/r/room-a/topics"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = location(&r);
    let (_, html) = node1.page(&phone, &at).await;
    let full = media_links(&html, "<a href=\"");
    assert_eq!(full.len(), 1, "{full:?}");

    // The submitter sees the photo through the other node too.
    let from1 = phone.get(node1.url(&full[0])).send().await.unwrap();
    assert_eq!(from1.status(), StatusCode::OK);
    let bytes = from1.bytes().await.unwrap();
    let from2 = phone.get(node2.url(&full[0])).send().await.unwrap();
    assert_eq!(from2.status(), StatusCode::OK);
    assert_eq!(from2.bytes().await.unwrap(), bytes);
    // A node keeping photos on its own disk does not have it: the bucket,
    // not a shared folder, carried it.
    let local = phone.get(on_its_disk.url(&full[0])).send().await.unwrap();
    assert_eq!(local.status(), StatusCode::NOT_FOUND);
    let stored = media::Bucket::new(&bucket).unwrap();
    use media::PhotoStore as _;
    assert_eq!(stored.keys().await.unwrap().len(), 2, "photo and thumbnail");
}

mod photos_in_a_bucket_are_shown_by_every_node {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs SHANGLIANG_TEST_S3_URL"]
    async fn sqlite() {
        super::photos_in_a_bucket_are_shown_by_every_node(super::Backend::Sqlite).await
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs SHANGLIANG_TEST_POSTGRES_URL and SHANGLIANG_TEST_S3_URL"]
    async fn postgres() {
        super::photos_in_a_bucket_are_shown_by_every_node(super::Backend::Postgres).await
    }
}
