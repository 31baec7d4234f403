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

pub(crate) fn location(r: &Response) -> String {
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
pub(crate) fn tracking_no(path: &str) -> String {
    path.trim_start_matches("/t/")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

/// The room form's usual fields.
pub(crate) trait TopicFields {
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
pub(crate) fn picture(format: image::ImageFormat, shade: u8) -> Vec<u8> {
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
pub(crate) fn media_links(html: &str, prefix: &str) -> Vec<String> {
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

mod notify;
mod pages;
mod share;
mod submit;
mod support;
mod triage;
