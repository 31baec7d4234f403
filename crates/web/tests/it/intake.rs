//! 码上议 intake end to end: printable posters and QR codes, submissions
//! from a phone with photos, drafts that land once, 附议, merging, the
//! inbox and its SMS outbox, rate limits, channels, triage with likely
//! duplicates, suggestions while typing, 适老化 mode and static assets.
use std::time::Instant;

use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use store::testing::Backend;

use crate::helpers::{Multipart, TestApp};
use store::both_backends as both;

const ROOM_NAME: &str = "陈师村议事室";
const BODY: &str = "路面坑洼积水，老人孩子出行不便，希望尽快修缮。";

// ---------------------------------------------------------------- helpers

fn location(r: &Response) -> String {
    r.headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn content_type(r: &Response) -> String {
    r.headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The tracking number in a `/t/{no}…` address.
fn tracking_no(path: &str) -> String {
    path.trim_start_matches("/t/")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// The room form's usual fields.
trait TopicFields {
    fn topic(self, title: &str) -> Multipart;
}

impl TopicFields for Multipart {
    /// The usual fields of a submission with this title.
    fn topic(self, title: &str) -> Multipart {
        self.text("title", title)
            .text("body", BODY)
            .text("category", "公共设施")
            .text("place", "府前路东侧")
    }
}

/// A small colourful picture encoded as `format`.
fn picture(format: image::ImageFormat, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(96, 64, |x, y| {
        image::Rgb([
            u8::try_from(x * 2).unwrap(),
            u8::try_from(y * 3).unwrap(),
            shade,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A JPEG of noise (which compresses badly), as big as a phone's photo.
fn noisy_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut seed: u32 = 0x5eed;
    let img = image::RgbImage::from_fn(width, height, |_, _| {
        seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let b = seed.to_be_bytes();
        image::Rgb([b[0], b[1], b[2]])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// A JPEG as a camera writes it: an APP1 "Exif" segment (orientation and
/// the camera's make) right after SOI.
fn camera_jpeg() -> Vec<u8> {
    let jpeg = picture(image::ImageFormat::Jpeg, 200);
    // Big-endian TIFF: header, IFD0 with Orientation = 1 and Make = "Cam", no next IFD.
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0]);
    tiff.extend_from_slice(&[0x01, 0x0f, 0, 2, 0, 0, 0, 4, b'C', b'a', b'm', 0]);
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let len = u16::try_from(payload.len() + 2).unwrap();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    assert!(contains(&out, b"Exif"));
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every `/media/…` address after `prefix` in a page (`<img src="` or `<a href="`).
fn media_links(html: &str, prefix: &str) -> Vec<String> {
    let marker = format!("{prefix}/media/");
    html.match_indices(&marker)
        .map(|(i, _)| {
            let rest = &html[i + prefix.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

async fn count_topics(app: &TestApp) -> u64 {
    app.store.count_topics(&Default::default()).await.unwrap()
}

async fn accept(app: &TestApp, convener: &Client, no: &str) {
    let (s, v) = app
        .post(
            convener,
            &format!("/api/topics/{no}/actions/accept"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "accept {no}: {v}");
}

/// Submits a topic to `room` over the API with its own body.
async fn submit_to(app: &TestApp, c: &Client, room: &str, title: &str, body: &str) -> String {
    let (s, v) = app
        .post(
            c,
            &format!("/api/rooms/{room}/topics"),
            json!({ "title": title, "body": body, "category": "公共设施", "place": "" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    v["tracking_no"].as_str().unwrap().to_owned()
}

async fn support(app: &TestApp, c: &Client, no: &str) -> (StatusCode, Value) {
    app.post(c, &format!("/api/topics/{no}/supports"), json!({}))
        .await
}

/// A resident signed in with a code texted to `phone`.
async fn phone_login(app: &TestApp, phone: &str) -> Client {
    let c = app.client();
    let (s, v) = app.post(&c, "/api/otp", json!({ "phone": phone })).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let code = app.sms.last_code(phone);
    let (s, v) = app
        .post(
            &c,
            "/api/otp/verify",
            json!({ "phone": phone, "code": code }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    c
}

/// Width and height from a PNG's IHDR.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
        "not a PNG"
    );
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn near(got: (u32, u32), want: (u32, u32)) -> bool {
    got.0.abs_diff(want.0) <= 2 && got.1.abs_diff(want.1) <= 2
}

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

// ---------------------------------------------------------------- 4. supports

async fn supports_count_once(backend: Backend) {
    let app = TestApp::start(backend).await;
    let no = app.submit(&app.client(), "府前路破损井盖修缮").await;
    let c1 = app.client();
    let (s, v) = support(&app, &c1, &no).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(true), Some(1))
    );
    let (_, v) = support(&app, &c1, &no).await;
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(false), Some(1))
    );
    let c2 = app.client();
    let (_, v) = support(&app, &c2, &no).await;
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(true), Some(2))
    );

    // The button on the page, as htmx swaps it.
    let c3 = app.client();
    let r = c3
        .post(app.url(&format!("/t/{no}/support")))
        .header("HX-Request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let fragment = r.text().await.unwrap();
    assert!(fragment.contains("已附议"), "{fragment}");
    assert!(fragment.contains("3人"), "{fragment}");
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    // Without htmx the form goes back to the page.
    let r = app
        .client()
        .post(app.url(&format!("/t/{no}/support")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&format!("/t/{no}")));

    let (_, page) = app.page(&c1, &format!("/t/{no}")).await;
    assert!(page.contains("已附议 · 4人"), "{page}");
    let (_, page) = app.page(&app.client(), &format!("/t/{no}")).await;
    assert!(page.contains("我也遇到了（附议）· 4人"), "{page}");
    assert_eq!(
        app.store
            .count_supports(app.store.topic_by_tracking(&no).await.unwrap().id)
            .await
            .unwrap(),
        4
    );

    // A topic turned down takes no more supports.
    let rejected = app.submit(&app.client(), "村口停车难问题").await;
    let convener = app.login("convener-a").await;
    let (s, v) = app
        .post(
            &convener,
            &format!("/api/topics/{rejected}/actions/reject"),
            json!({ "reason": "不属于本议事室协商范围" }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = support(&app, &c1, &rejected).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    let (_, page) = app.page(&c1, &format!("/t/{rejected}")).await;
    assert!(
        !page.contains("我也遇到了"),
        "a rejected topic offers no 附议 button"
    );
    let (s, _) = support(&app, &c1, "1234567890").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
both!(supports_count_once);

// ---------------------------------------------------------------- 5. merge

async fn merge_carries_supports(backend: Backend) {
    let app = TestApp::start(backend).await;
    let a = app.submit(&app.client(), "府前路井盖破损需要修缮").await;
    let b = app.submit(&app.client(), "府前路上窨井盖坏了").await;
    let convener = app.login("convener-a").await;
    accept(&app, &convener, &a).await;

    let both_sides = app.client();
    let only_b = app.client();
    assert_eq!(support(&app, &both_sides, &a).await.1["count"], 1);
    assert_eq!(support(&app, &both_sides, &b).await.1["count"], 1);
    assert_eq!(support(&app, &only_b, &b).await.1["count"], 2);

    let r = convener
        .post(app.url(&format!("/t/{b}/act/merge")))
        .form(&[("into", a.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(app.topic_state(&b).await, "merged");
    let merged = app.store.topic_by_tracking(&a).await.unwrap();
    assert_eq!(
        merged.support_count, 2,
        "A counts B's supporters, and whoever supported both once"
    );
    // Supporting again is no new support; a new phone is.
    let (_, v) = support(&app, &only_b, &a).await;
    assert_eq!(
        (v["new"].as_bool(), v["count"].as_i64()),
        (Some(false), Some(2))
    );
    let (_, v) = support(&app, &app.client(), &a).await;
    assert_eq!(v["count"], 3);
    let (s, _) = support(&app, &app.client(), &b).await;
    assert_eq!(s, StatusCode::CONFLICT, "a merged topic takes no supports");

    // B's old link (its QR code, its SMS) leads to A.
    let reader = app.client();
    let r = reader
        .get(app.url(&format!("/t/{b}")))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(
            r.status(),
            StatusCode::SEE_OTHER | StatusCode::FOUND | StatusCode::TEMPORARY_REDIRECT
        ),
        "{}",
        r.status()
    );
    let to = location(&r);
    assert_eq!(to, format!("/t/{a}?merged={b}"));
    let (s, html) = app.page(&reader, &to).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("府前路井盖破损需要修缮"));
    assert!(
        html.contains("已合并到本议题") && html.contains(&format!("/t/{b}?stay=1")),
        "{html}"
    );
    assert!(html.contains("我也遇到了（附议）· 3人"), "{html}");
    let (s, html) = app.page(&reader, &format!("/t/{b}?stay=1")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(html.contains("府前路上窨井盖坏了"));
    assert!(html.contains(&format!("合并后的议题（{a}）")), "{html}");

    let (_, detail) = app.get(&reader, &format!("/api/topics/{a}")).await;
    let merged_event = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "merged_into")
        .unwrap_or_else(|| panic!("no merged_into event: {detail}"));
    assert!(
        merged_event["detail"].as_str().unwrap().contains(&b),
        "{merged_event}"
    );
    let (_, detail) = app.get(&reader, &format!("/api/topics/{b}")).await;
    assert_eq!(detail["merged_into"], a.as_str());
    assert_eq!(detail["state"], "merged");
}
both!(merge_carries_supports);

// ---------------------------------------------------------------- 6. notifications

async fn inbox_and_sms(backend: Backend) {
    let app = TestApp::start(backend).await;
    let submitter = app.client();
    let phone_no = "13800138000";
    let (s, v) = app
        .post(
            &submitter,
            "/api/rooms/room-a/topics",
            json!({ "title": "府前路破损井盖修缮", "body": BODY, "phone": phone_no }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let no = v["tracking_no"].as_str().unwrap().to_owned();
    let topic_id = app.store.topic_by_tracking(&no).await.unwrap().id;

    let supporter = app.client();
    assert_eq!(support(&app, &supporter, &no).await.0, StatusCode::OK);
    let unrelated = app.client();
    assert_eq!(app.page(&unrelated, "/").await.0, StatusCode::OK);

    // A resident signed in by phone follows the topic.
    let follower_phone = "13700137000";
    let follower = phone_login(&app, follower_phone).await;
    let (_, page) = app.page(&follower, &format!("/t/{no}")).await;
    assert!(page.contains("关注办理进度"), "{page}");
    let r = follower
        .post(app.url(&format!("/t/{no}/follow")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&format!("/t/{no}")));
    let (_, page) = app.page(&follower, &format!("/t/{no}")).await;
    assert!(page.contains("您已关注本议题"), "{page}");
    // An anonymous phone is sent to sign in first.
    let r = app
        .client()
        .post(app.url(&format!("/t/{no}/follow")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login"), "{}", location(&r));

    // Nothing to tell yet.
    let (_, inbox) = app.page(&submitter, "/inbox").await;
    assert!(!inbox.contains("受理立项"), "{inbox}");

    let convener = app.login("convener-a").await;
    accept(&app, &convener, &no).await;

    for (who, c) in [
        ("submitter", &submitter),
        ("supporter", &supporter),
        ("follower", &follower),
    ] {
        let (s, inbox) = app.page(c, "/inbox").await;
        assert_eq!(s, StatusCode::OK);
        assert!(
            inbox.contains("府前路破损井盖修缮") && inbox.contains("受理立项"),
            "{who}: {inbox}"
        );
        assert!(
            inbox.contains(&format!("/t/{no}")),
            "{who}: links the topic"
        );
        assert!(inbox.contains(">新<"), "{who}: marked unread: {inbox}");
        // Read once, no longer new.
        let (_, again) = app.page(c, "/inbox").await;
        assert!(
            again.contains("受理立项") && !again.contains(">新<"),
            "{who}: {again}"
        );
    }
    let (_, inbox) = app.page(&unrelated, "/inbox").await;
    assert!(
        !inbox.contains("受理立项") && inbox.contains("还没有消息"),
        "{inbox}"
    );
    let (_, inbox) = app.page(&convener, "/inbox").await;
    assert!(
        !inbox.contains("受理立项"),
        "the one who acted is not told: {inbox}"
    );

    // Texts wait in the outbox: one to the phone left with the topic, one to the follower.
    let outbox = app.store.pending_sms(100).await.unwrap();
    let to = |p: &str| {
        outbox
            .iter()
            .filter(|n| n.sms_to.as_deref() == Some(p))
            .collect::<Vec<_>>()
    };
    let texts = to(phone_no);
    assert_eq!(texts.len(), 1, "{outbox:?}");
    assert_eq!(texts[0].topic_id, topic_id.0);
    assert!(texts[0].text.contains("受理立项"), "{:?}", texts[0]);
    assert_eq!(to(follower_phone).len(), 1, "{outbox:?}");
    assert_eq!(
        outbox.len(),
        2,
        "no text to phones that left no number: {outbox:?}"
    );
}
both!(inbox_and_sms);

// ---------------------------------------------------------------- 7. rate limits

async fn submissions_are_rate_limited(backend: Backend) {
    let app = TestApp::start_limited(backend).await;
    let phone = app.client();
    for i in 0..10 {
        let (s, v) = app
            .post(
                &phone,
                "/api/rooms/room-a/topics",
                json!({ "title": format!("陈师村第{i}组路灯维修"), "body": BODY }),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "submission {}: {v}", i + 1);
    }
    let r = phone
        .post(app.url("/api/rooms/room-a/topics"))
        .json(&json!({ "title": "陈师村第十一组路灯维修", "body": BODY }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(content_type(&r).starts_with("application/problem+json"));
    let v: Value = r.json().await.unwrap();
    assert!(v["detail"].as_str().unwrap().contains("太频繁"), "{v}");
    assert_eq!(v["status"], 429);

    let r = phone
        .post(app.url("/r/room-a/topics"))
        .form(&[("title", "陈师村第十二组路灯维修"), ("body", BODY)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(content_type(&r).starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(page.contains("<html") && page.contains("太频繁"), "{page}");
    assert_eq!(count_topics(&app).await, 10);

    // Another phone is not held back by this one.
    app.submit(&app.client(), "城北路口红绿灯时间太短").await;
    assert_eq!(count_topics(&app).await, 11);
}
both!(submissions_are_rate_limited);

// ---------------------------------------------------------------- 8. channels

async fn channels_are_listed_apart(backend: Backend) {
    let app = TestApp::start(backend).await;
    let member = app.login("member").await;
    let r = member
        .post(app.url("/desk/propose"))
        .form(&[
            ("room", "room-a"),
            ("channel", "committee"),
            ("reason", "近三个月群众反映十余次，调研发现涉及两百多户。"),
            ("title", "建议在陈师村建设老年助餐点"),
            (
                "body",
                "村里独居老人多，吃饭不方便，建议利用闲置村部建设助餐点。",
            ),
            ("category", "民生服务"),
            ("place", "陈师村村部"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
    let committee = tracking_no(&location(&r));
    assert_eq!(committee.len(), 10);
    let resident = app.submit(&app.client(), "陈师村三组农路改造").await;

    // A resident cannot raise a committee topic.
    let (s, v) = app
        .post(
            &app.client(),
            "/api/rooms/room-a/topics",
            json!({ "title": "冒充委员荐题", "body": BODY, "channel": "committee", "reason": "理由充分" }),
        )
        .await;
    assert!(
        s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED,
        "{s} {v}"
    );

    let visitor = app.client();
    let (_, page) = app.page(&visitor, "/r/room-a?channel=committee").await;
    assert!(page.contains("建议在陈师村建设老年助餐点"));
    assert!(page.contains(&format!("/t/{committee}")));
    assert!(!page.contains("陈师村三组农路改造") && !page.contains(&resident));
    assert!(
        page.contains("委员荐题 1") && page.contains("群众出题 1"),
        "{page}"
    );
    assert!(page.contains("全部 2"), "{page}");
    let (_, page) = app.page(&visitor, "/r/room-a?channel=resident").await;
    assert!(page.contains("陈师村三组农路改造"));
    assert!(!page.contains("建议在陈师村建设老年助餐点"));
    let (_, page) = app.page(&visitor, "/r/room-a").await;
    assert!(page.contains("陈师村三组农路改造") && page.contains("建议在陈师村建设老年助餐点"));
    let (_, page) = app.page(&visitor, &format!("/t/{committee}")).await;
    assert!(
        page.contains("推荐理由：近三个月群众反映十余次"),
        "the reason is public"
    );
    assert!(page.contains("委员荐题"));
}
both!(channels_are_listed_apart);

// ---------------------------------------------------------------- 9. triage

async fn triage_desk(backend: Backend) {
    let app = TestApp::start(backend).await;
    let convener = app.login("convener-a").await;
    let original = submit_to(
        &app,
        &app.client(),
        "room-a",
        "府前路井盖破损需要修缮",
        "府前路农商行门口的井盖裂成两半，晚上走路很容易踩空。",
    )
    .await;
    let (s, page) = app.page(&convener, "/desk/triage").await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("府前路井盖破损需要修缮"));
    assert!(kpi_triaged(&page).starts_with("0 件"), "{page}");

    accept(&app, &convener, &original).await;
    let repeat = submit_to(
        &app,
        &app.client(),
        "room-a",
        "府前路井盖破了 请尽快修",
        "农商行那边的井盖碎了，有老人差点崴脚，请尽快换新的。",
    )
    .await;
    let unrelated_title = "陈师村三组路灯不亮";
    submit_to(
        &app,
        &app.client(),
        "room-a",
        unrelated_title,
        "三组村道上的路灯坏了半个月，晚上一片漆黑。",
    )
    .await;
    submit_to(
        &app,
        &app.client(),
        "room-b",
        "城北社区垃圾清运不及时",
        "小区垃圾桶满了两天没人清运，气味很大。",
    )
    .await;
    let member = app.login("member").await;
    let (s, v) = app
        .post(
            &member,
            "/api/rooms/room-a/topics",
            json!({ "title": "建议在陈师村建设老年助餐点", "body": "村里独居老人多，吃饭不方便。", "channel": "committee", "reason": "走访中多位老人提出" }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    let (s, page) = app.page(&convener, "/desk/triage").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        !page.contains("城北社区垃圾清运不及时"),
        "room B's topic in room A's triage"
    );
    assert!(
        !page.contains("<span class=\"title\">府前路井盖破损需要修缮"),
        "an accepted topic still waits"
    );
    assert!(
        page.contains("群众出题 2") && page.contains("委员荐题 1"),
        "{page}"
    );
    assert!(page.contains("全部 3"), "{page}");
    assert!(kpi_triaged(&page).starts_with("1 件"), "{page}");
    let row = |title: &str| {
        page.split("<li>")
            .find(|li| li.contains(title))
            .unwrap_or_else(|| panic!("no row for {title}: {page}"))
            .to_owned()
    };
    let repeat_row = row("府前路井盖破了 请尽快修");
    assert!(
        repeat_row.contains("可能重复") && repeat_row.contains(&format!("/t/{original}")),
        "{repeat_row}"
    );
    assert!(!row(unrelated_title).contains("可能重复"), "{page}");
    let (_, page) = app.page(&convener, "/desk/triage?channel=committee").await;
    assert!(page.contains("建议在陈师村建设老年助餐点") && !page.contains(unrelated_title));

    // The new submission's page offers the merge to its convener, and only to them.
    let (_, page) = app.page(&convener, &format!("/t/{repeat}")).await;
    assert!(
        page.contains("可能重复的议题") && page.contains("合并到此议题"),
        "{page}"
    );
    assert!(page.contains(&format!("value=\"{original}\"")), "{page}");
    let (_, page) = app.page(&app.client(), &format!("/t/{repeat}")).await;
    assert!(!page.contains("合并到此议题"));
    let convener_b = app.login("convener-b").await;
    let (_, page) = app.page(&convener_b, "/desk/triage").await;
    assert!(page.contains("城北社区垃圾清运不及时") && !page.contains(unrelated_title));

    let r = app
        .login("resident")
        .await
        .get(app.url("/desk/triage"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}
both!(triage_desk);

/// The text after "近30天受理" on the triage page.
fn kpi_triaged(page: &str) -> String {
    let at = page.find("近30天受理").expect("no KPI on the page");
    let rest = &page[at..];
    let dd = rest.find("<dd>").unwrap() + 4;
    rest[dd..].chars().take(20).collect()
}

// ---------------------------------------------------------------- 10. similar while typing

async fn similar_while_typing(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let original = submit_to(
        &app,
        &c,
        "room-a",
        "府前路井盖破损需要修缮",
        "府前路农商行门口的井盖裂了，晚上走路容易踩空。",
    )
    .await;
    // The same problem in another room is that room's business.
    let elsewhere = submit_to(
        &app,
        &c,
        "room-b",
        "府前路井盖破损需要修缮",
        "府前路农商行门口的井盖裂了，晚上走路容易踩空。",
    )
    .await;
    let similar = |title: &str| {
        let c = c.clone();
        let url = app.url("/api/rooms/room-a/similar");
        let title = title.to_owned();
        async move {
            let r = c.get(url).query(&[("title", title)]).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.unwrap()
        }
    };
    let numbers = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["tracking_no"].as_str().unwrap().to_owned())
            .collect()
    };
    for title in ["府前路井盖破了", "府前路井蓋破損"] {
        let v = similar(title).await;
        let found = numbers(&v);
        assert!(found.contains(&original), "{title}: {v}");
        assert!(!found.contains(&elsewhere), "{title}: {v}");
        assert_eq!(v[0]["title"], "府前路井盖破损需要修缮");
    }
    assert_eq!(similar("村口健身器材损坏").await, json!([]));
    assert_eq!(similar("").await, json!([]));

    let r = c
        .get(app.url("/r/room-a/similar"))
        .query(&[("title", "府前路井蓋破損")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("text/html"));
    let fragment = r.text().await.unwrap();
    assert!(
        fragment.contains("府前路井盖破损需要修缮") && fragment.contains(&format!("/t/{original}")),
        "{fragment}"
    );
    assert!(!fragment.contains("<html"), "a fragment, not a page");
    let r = c
        .get(app.url("/r/room-a/similar"))
        .query(&[("title", "村口健身器材损坏")])
        .send()
        .await
        .unwrap();
    assert!(!r.text().await.unwrap().contains("/t/"));
}
both!(similar_while_typing);

// ---------------------------------------------------------------- 11. elderly mode

async fn care_mode(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let (_, page) = app.page(&c, "/r/room-a").await;
    assert!(!page.contains("data-weui-mode=\"care\"") && page.contains("大字模式"));

    let r = c
        .post(app.url("/care"))
        .header("Referer", app.url("/r/room-a"))
        .form(&[("care", "on")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(
        location(&r),
        "/r/room-a",
        "back to the page it was switched on"
    );
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        cookies.iter().any(|v| v.starts_with("sl_care=1")),
        "{cookies:?}"
    );
    let (_, page) = app.page(&c, "/r/room-a").await;
    assert!(page.contains("data-weui-mode=\"care\"") && page.contains("标准字体"));
    let (_, page) = app.page(&c, "/inbox").await;
    assert!(page.contains("data-weui-mode=\"care\""), "every page");
    let (_, page) = app.page(&app.client(), "/r/room-a").await;
    assert!(
        !page.contains("data-weui-mode=\"care\""),
        "only on that phone"
    );

    let r = c
        .post(app.url("/care"))
        .form(&[("care", "off")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    assert_eq!(location(&r), "/");
    let (_, page) = app.page(&c, "/r/room-a").await;
    assert!(!page.contains("data-weui-mode=\"care\"") && page.contains("大字模式"));

    // A referer from another site does not become the way back.
    let r = c
        .post(app.url("/care"))
        .header("Referer", "https://evil.example/phish")
        .form(&[("care", "on")])
        .send()
        .await
        .unwrap();
    let back = location(&r);
    assert!(
        back.starts_with('/') && !back.starts_with("//") && !back.contains("evil"),
        "{back}"
    );
}
both!(care_mode);

// ---------------------------------------------------------------- 12. static assets

async fn static_assets_are_versioned(backend: Backend) {
    let app = TestApp::start(backend).await;
    let c = app.client();
    let (_, home) = app.page(&c, "/").await;
    let href = home
        .match_indices("href=\"")
        .map(|(i, _)| {
            let rest = &home[i + 6..];
            &rest[..rest.find('"').unwrap()]
        })
        .find(|h| h.contains("app.css"))
        .unwrap_or_else(|| panic!("no stylesheet link: {home}"))
        .to_owned();
    assert!(href.starts_with("/static/app.css?v="), "{href}");
    assert!(href.len() > "/static/app.css?v=".len(), "{href}");
    let r = c.get(app.url(&href)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(content_type(&r).starts_with("text/css"));
    let cache = r.headers()[CACHE_CONTROL].to_str().unwrap().to_owned();
    assert!(cache.contains("immutable"), "{cache}");
    assert!(!r.text().await.unwrap().is_empty());

    // An old or missing version is not cached for ever.
    let r = c
        .get(app.url("/static/app.css?v=000000000000"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        !r.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(
        c.get(app.url("/static/nope.js"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}
both!(static_assets_are_versioned);
