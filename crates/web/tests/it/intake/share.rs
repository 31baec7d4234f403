//! Posters and QR codes.
use super::*;

// ---------------------------------------------------------------- 1. posters and QR codes

async fn posters_and_qr_codes(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let get = |path: String| {
        let c = c.clone();
        let url = app.url(&path);
        async move { c.get(url).send().await.unwrap() }
    };

    let r = get("/r/room-a/poster.svg".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("image/svg+xml"), "{r:?}");
    let svg = r.text().await.unwrap();
    assert!(svg.contains("<svg") && svg.contains(ROOM_NAME), "{svg}");
    assert!(
        svg.contains(&format!("{}/r/room-a", app.base)) && svg.contains("convener-a"),
        "the poster names the room's address and its convener"
    );

    let started = Instant::now();
    let r = get("/r/room-a/poster.png".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("image/png"));
    let png = r.bytes().await.unwrap();
    let a4 = png_size(&png);
    assert!(near(a4, (2480, 3508)), "A4 at 300 dpi, got {a4:?}");
    eprintln!("A4 PNG poster drawn in {:?}", started.elapsed());
    let again = get("/r/room-a/poster.png".into()).await;
    assert_eq!(again.bytes().await.unwrap(), png, "the same poster again");

    // A3, the largest thing drawn here.
    let started = Instant::now();
    let r = get("/r/room-a/poster.png?size=a3".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let a3 = png_size(&r.bytes().await.unwrap());
    assert!(near(a3, (3508, 4961)), "A3 at 300 dpi, got {a3:?}");
    eprintln!("A3 PNG poster drawn in {:?}", started.elapsed());

    let r = get("/r/room-a/poster.pdf".into()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("application/pdf"));
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));

    for path in [
        "/r/room-a/poster.svg?size=b5",
        "/r/room-a/poster.png?size=b5",
        "/r/room-a/poster.pdf?size=b5",
    ] {
        let r = get(path.into()).await;
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
    }
    assert_eq!(
        get("/r/no-such-room/poster.svg".into()).await.status(),
        StatusCode::NOT_FOUND
    );

    // Plain QR codes of a room, a topic and a meeting.
    let no = app.submit(&c, "府前路破损井盖修缮").await;
    let convener = app.login("convener-a").await;
    let (s, m) = app
        .post(
            &convener,
            "/api/rooms/room-a/meetings",
            json!({ "title": "陈师村冬季协商议事会", "starts_at": "2030-12-01T09:30" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{m}");
    let meeting = m["id"].as_i64().unwrap();
    for path in [
        "/r/room-a/qr.svg".to_owned(),
        format!("/t/{no}/qr.svg"),
        format!("/m/{meeting}/qr.svg"),
    ] {
        let r = get(path.clone()).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(content_type(&r).starts_with("image/svg+xml"), "{path}");
        assert!(r.text().await.unwrap().contains("<svg"), "{path}");
    }
    let unknown = if no == "1234567890" {
        "1234567891"
    } else {
        "1234567890"
    };
    for path in [
        format!("/t/{unknown}/qr.svg"),
        "/t/not-a-number/qr.svg".to_owned(),
        format!("/m/{}/qr.svg", meeting + 1000),
        "/r/no-such-room/qr.svg".to_owned(),
    ] {
        assert_eq!(
            get(path.clone()).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
both!(posters_and_qr_codes);
