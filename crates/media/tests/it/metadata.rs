//! Nothing of the camera's metadata survives, but its orientation is obeyed.

use std::io::Cursor;

use exif::{In, Reader, Tag};
use media::{Limits, process};

use crate::fixtures::*;

fn gps_latitude(bytes: &[u8]) -> Option<String> {
    let exif = Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let field = exif.get_field(Tag::GPSLatitude, In::PRIMARY)?;
    Some(field.display_value().to_string())
}

/// The markers of a JPEG's header segments, up to the first scan.
fn header_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut pos = 2;
    while pos + 4 <= jpeg.len() && jpeg[pos] == 0xFF {
        let marker = jpeg[pos + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        pos += 2 + usize::from(u16::from_be_bytes([jpeg[pos + 2], jpeg[pos + 3]]));
    }
    markers
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn gps_is_gone_and_orientation_6_is_applied() {
    // 64 wide, 32 tall, stored sideways as a phone held upright does.
    let input = with_exif(&jpeg(&halves(64, 32)), &exif_tiff(6));
    // The fixture is honest: an independent reader finds the position.
    let latitude = gps_latitude(&input).expect("fixture carries GPS");
    assert!(latitude.contains("31"), "{latitude}");
    assert!(contains(&input, b"Exif\0\0"));

    let photo = process(&input, &Limits::default()).expect("valid photo");

    for out in [&photo.full, &photo.thumb] {
        assert!(!contains(out, b"Exif\0\0"), "EXIF header survived");
        assert!(
            !header_markers(out).contains(&0xE1),
            "an APP1 segment survived"
        );
        assert!(gps_latitude(out).is_none(), "GPS is readable");
        assert!(
            Reader::new()
                .read_from_container(&mut Cursor::new(out))
                .is_err()
        );
    }

    // Orientation 6: turn 90° clockwise to view. Upright, it is 32 × 64 and
    // what was the left (red) is now the top.
    assert_eq!((photo.width, photo.height), (32, 64));
    let upright = image::load_from_memory(&photo.full)
        .expect("decodes")
        .into_rgb8();
    assert_eq!(upright.dimensions(), (32, 64));
    let near = |px: &image::Rgb<u8>, want: [u8; 3]| {
        px.0.iter().zip(want).all(|(&a, b)| a.abs_diff(b) < 40)
    };
    assert!(near(upright.get_pixel(16, 8), RED), "top is red");
    assert!(near(upright.get_pixel(16, 56), BLUE), "bottom is blue");
}

#[test]
fn every_orientation_gives_upright_dimensions() {
    let source = jpeg(&halves(64, 32));
    for (orientation, size) in [
        (1, (64, 32)),
        (2, (64, 32)),
        (3, (64, 32)),
        (4, (64, 32)),
        (5, (32, 64)),
        (6, (32, 64)),
        (7, (32, 64)),
        (8, (32, 64)),
    ] {
        let input = with_exif(&source, &exif_tiff(orientation));
        let photo = process(&input, &Limits::default()).expect("valid photo");
        assert_eq!(
            (photo.width, photo.height),
            size,
            "orientation {orientation}"
        );
    }
}

#[test]
fn orientation_3_turns_it_around() {
    let input = with_exif(&jpeg(&halves(64, 32)), &exif_tiff(3));
    let photo = process(&input, &Limits::default()).expect("valid photo");
    let upright = image::load_from_memory(&photo.full)
        .expect("decodes")
        .into_rgb8();
    // 180°: red moves from the left to the right.
    assert!(upright.get_pixel(56, 16)[0] > 180);
    assert!(upright.get_pixel(8, 16)[2] > 180);
}

#[test]
fn broken_exif_costs_only_the_orientation() {
    let input = with_exif(&jpeg(&halves(64, 32)), b"MM\0\x2a\xff\xff\xff\xff garbage");
    let photo = process(&input, &Limits::default()).expect("photo still accepted");
    assert_eq!((photo.width, photo.height), (64, 32));
}
