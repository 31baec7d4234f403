//! Elderly mode and versioned static assets.
use super::*;

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

    // A phone that accepts gzip (and not brotli, see `pages.rs`) gets WeUI's
    // stylesheet gzipped: the same bytes, far fewer sent.
    let get = |encoding: &'static str| {
        let (c, url) = (c.clone(), app.url("/static/weui.min.css"));
        async move {
            let r = c
                .get(url)
                .header("accept-encoding", encoding)
                .send()
                .await
                .unwrap();
            let gzipped = r
                .headers()
                .get("content-encoding")
                .is_some_and(|v| v == "gzip");
            (gzipped, r.bytes().await.unwrap())
        }
    };
    let (plain_gz, plain) = get("identity").await;
    let (gz, packed) = get("gzip, deflate").await;
    assert!(!plain_gz && gz, "gzip only when accepted");
    assert!(
        packed.len() * 4 < plain.len(),
        "{} → {} bytes",
        plain.len(),
        packed.len()
    );
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(&packed[..]),
        &mut unpacked,
    )
    .unwrap();
    assert_eq!(unpacked, plain.to_vec());
}
both!(static_assets_are_versioned);
