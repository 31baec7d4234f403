//! What comes out: two baseline JPEGs of the right size, the same for the
//! same input.

use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use media::{FULL_MAX_SIDE, Limits, SafePhoto, THUMB_MAX_SIDE, process};
use sha2::{Digest, Sha256};

use crate::fixtures::*;

fn decoded(jpeg: &[u8]) -> image::RgbImage {
    assert_eq!(
        image::guess_format(jpeg).expect("format"),
        ImageFormat::Jpeg
    );
    image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
        .expect("decodes as JPEG")
        .into_rgb8()
}

fn ok(bytes: &[u8]) -> SafePhoto {
    process(bytes, &Limits::default()).expect("valid photo")
}

#[test]
fn large_photo_is_shrunk_with_a_thumbnail() {
    // Kept small for debug builds; the release timing is in the example.
    let photo = ok(&jpeg(&photo_like(2200, 1000)));
    assert_eq!(photo.content_type, "image/jpeg");
    assert_eq!((photo.width, photo.height), (FULL_MAX_SIDE, 931));
    assert_eq!(decoded(&photo.full).dimensions(), (FULL_MAX_SIDE, 931));
    assert_eq!(decoded(&photo.thumb).dimensions(), (THUMB_MAX_SIDE, 145));
    assert!(photo.thumb.len() < photo.full.len());
    assert_eq!(photo.sha256, hex::encode(Sha256::digest(&photo.full)));
    assert_eq!(photo.sha256.len(), 64);
    assert_eq!(
        photo.full_key(),
        format!("photos/{}/{}.jpg", &photo.sha256[..2], photo.sha256)
    );
    assert!(photo.thumb_key().starts_with("thumbs/"));
    media::validate_key(&photo.full_key()).expect("keys are valid store keys");
}

#[test]
fn portrait_and_small_photos() {
    let portrait = ok(&jpeg(&photo_like(900, 1600)));
    assert_eq!((portrait.width, portrait.height), (900, 1600));
    assert_eq!(decoded(&portrait.thumb).dimensions(), (180, 320));

    let small = ok(&jpeg(&photo_like(100, 50)));
    assert_eq!((small.width, small.height), (100, 50));
    assert_eq!(decoded(&small.full).dimensions(), (100, 50));
    assert_eq!(decoded(&small.thumb).dimensions(), (100, 50));
}

#[test]
fn same_input_same_output() {
    // Content addressing relies on it: a retried upload is the same object.
    let input = jpeg(&photo_like(640, 480));
    assert_eq!(ok(&input), ok(&input));
}

#[test]
fn transparent_png_is_flattened_on_white() {
    let mut rgba = RgbaImage::from_pixel(40, 40, Rgba([0, 0, 0, 0]));
    for x in 10..30 {
        for y in 10..30 {
            rgba.put_pixel(x, y, Rgba([0, 0, 0, 255]));
        }
    }
    let photo = ok(&png(&DynamicImage::ImageRgba8(rgba)));
    let out = decoded(&photo.full);
    assert!(
        out.get_pixel(2, 2).0.iter().all(|&c| c > 245),
        "corner is white"
    );
    assert!(
        out.get_pixel(20, 20).0.iter().all(|&c| c < 10),
        "middle is black"
    );
}

#[test]
fn grey_and_16_bit_pngs() {
    let grey = DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(photo_like(50, 40)).into_luma8());
    assert_eq!(ok(&png(&grey)).width, 50);
    let deep = DynamicImage::ImageRgb16(DynamicImage::ImageRgb8(photo_like(50, 40)).into_rgb16());
    assert_eq!(ok(&png(&deep)).height, 40);
}

#[test]
fn animated_gif_keeps_its_first_frame() {
    let photo = ok(&animated_gif(30, 20, &[RED, BLUE, BLUE]));
    assert_eq!((photo.width, photo.height), (30, 20));
    let px = *decoded(&photo.full).get_pixel(15, 10);
    assert!(px[0] > 180 && px[2] < 80, "first frame is red, got {px:?}");
}

#[test]
fn webp_is_accepted() {
    let rgba = RgbaImage::from_pixel(48, 36, Rgba([20, 20, 230, 255]));
    let photo = ok(&webp(&rgba));
    assert_eq!((photo.width, photo.height), (48, 36));
    assert!(decoded(&photo.full).get_pixel(24, 18)[2] > 180);
}
