//! Time `process` on a typical phone photo: a 4000 × 3000 JPEG (12 Mpx).
//!
//! `cargo run --release -p media --example process_bench`

use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use media::{Limits, process};

fn main() {
    let input = phone_jpeg(4000, 3000);
    println!("input: 4000 × 3000 JPEG, {} KB", input.len() / 1024);

    let runs = 7;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let photo = process(&input, &Limits::default()).expect("valid photo");
            let took = started.elapsed();
            assert_eq!((photo.width, photo.height), (2048, 1536));
            took
        })
        .collect();
    times.sort();
    let photo = process(&input, &Limits::default()).expect("valid photo");
    println!(
        "output: {} × {} full {} KB, thumb {} KB",
        photo.width,
        photo.height,
        photo.full.len() / 1024,
        photo.thumb.len() / 1024
    );
    println!(
        "process: median {:?}, min {:?}, max {:?} over {runs} runs",
        times[runs / 2],
        times[0],
        times[runs - 1]
    );
}

/// Gradients with noise at quality 92: close to a phone's file size and
/// decoding cost (a flat image would decode unrealistically fast).
fn phone_jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut seed = 0x9e37_79b9_u32;
    let image = RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 32) as u8;
        let r = (x * 200 / width) as u8 + noise;
        let g = (y * 200 / height) as u8 + noise;
        let b = (((x / 97) ^ (y / 89)) % 2 * 120) as u8 + noise;
        Rgb([r, g, b])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&image)
        .expect("encode");
    out
}
