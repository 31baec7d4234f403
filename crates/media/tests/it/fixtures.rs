//! Test pictures, honest and hostile, made in code so every byte is visible.

use std::io::Cursor;

use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{Delay, DynamicImage, Frame, ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

pub const RED: [u8; 3] = [230, 20, 20];
pub const BLUE: [u8; 3] = [20, 20, 230];

/// Left half red, right half blue: shows which way a photo was turned.
pub fn halves(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| {
        Rgb(if x < width / 2 { RED } else { BLUE })
    })
}

/// Smooth gradients plus a little deterministic noise, compressing like a
/// photo rather than like a flat colour.
pub fn photo_like(width: u32, height: u32) -> RgbImage {
    let mut seed = 0x2545_f491_u32;
    RgbImage::from_fn(width, height, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let noise = (seed % 24) as u8;
        let r = (x * 200 / width) as u8 + noise;
        let g = (y * 200 / height) as u8 + noise;
        let b = ((x + y) * 100 / (width + height)) as u8 + noise;
        Rgb([r, g, b])
    })
}

pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(image)
        .expect("encode JPEG");
    out
}

pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    PngEncoder::new(&mut out)
        .write_image(
            image.as_bytes(),
            image.width(),
            image.height(),
            image.color().into(),
        )
        .expect("encode PNG");
    out
}

pub fn webp(image: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    WebPEncoder::new_lossless(&mut out)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgba8,
        )
        .expect("encode WebP");
    out
}

/// An animated GIF whose frames are flat colours, in order.
pub fn animated_gif(width: u32, height: u32, colours: &[[u8; 3]]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = GifEncoder::new(Cursor::new(&mut out));
        let frames = colours.iter().map(|&[r, g, b]| {
            let pixels = RgbaImage::from_pixel(width, height, Rgba([r, g, b, 255]));
            Frame::from_parts(pixels, 0, 0, Delay::from_numer_denom_ms(100, 1))
        });
        encoder.encode_frames(frames).expect("encode GIF");
    }
    out
}

/// Insert an APP1 "Exif" segment holding `tiff` straight after SOI, where
/// cameras put it.
pub fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(tiff);
    with_segment(jpeg, 0xE1, &payload)
}

/// Insert a marker segment straight after SOI.
pub fn with_segment(jpeg: &[u8], marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).expect("segment fits");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// GPS position of the test photo: 31°14'N 121°28'E.
pub const LATITUDE: [(u32, u32); 3] = [(31, 1), (14, 1), (0, 1)];
pub const LONGITUDE: [(u32, u32); 3] = [(121, 1), (28, 1), (0, 1)];

/// A big-endian TIFF structure as cameras write into EXIF: IFD0 with the
/// orientation and a pointer to a GPS IFD holding latitude and longitude.
pub fn exif_tiff(orientation: u16) -> Vec<u8> {
    const SHORT: u16 = 3;
    const LONG: u16 = 4;
    const ASCII: u16 = 2;
    const RATIONAL: u16 = 5;
    let entry = |out: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        out.extend_from_slice(&tag.to_be_bytes());
        out.extend_from_slice(&kind.to_be_bytes());
        out.extend_from_slice(&count.to_be_bytes());
        out.extend_from_slice(&value);
    };
    let ifd0 = 8u32;
    let ifd0_len = 2 + 2 * 12 + 4;
    let gps = ifd0 + ifd0_len;
    let gps_len = 2 + 4 * 12 + 4;
    let latitude_at = gps + gps_len;
    let longitude_at = latitude_at + 24;

    let mut out = b"MM\0\x2a".to_vec();
    out.extend_from_slice(&ifd0.to_be_bytes());
    // IFD0: Orientation, GPSInfo pointer.
    out.extend_from_slice(&2u16.to_be_bytes());
    let [o0, o1] = orientation.to_be_bytes();
    entry(&mut out, 0x0112, SHORT, 1, [o0, o1, 0, 0]);
    entry(&mut out, 0x8825, LONG, 1, gps.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    // GPS IFD.
    out.extend_from_slice(&4u16.to_be_bytes());
    entry(&mut out, 0x0001, ASCII, 2, *b"N\0\0\0");
    entry(&mut out, 0x0002, RATIONAL, 3, latitude_at.to_be_bytes());
    entry(&mut out, 0x0003, ASCII, 2, *b"E\0\0\0");
    entry(&mut out, 0x0004, RATIONAL, 3, longitude_at.to_be_bytes());
    out.extend_from_slice(&0u32.to_be_bytes());
    for (num, den) in LATITUDE.iter().chain(&LONGITUDE) {
        out.extend_from_slice(&num.to_be_bytes());
        out.extend_from_slice(&den.to_be_bytes());
    }
    out
}

/// A PNG chunk with its CRC.
pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len())
        .expect("chunk fits")
        .to_be_bytes()
        .to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// A PNG whose header claims `width` × `height` RGB pixels, followed by a
/// token IDAT: a decoder that trusted the header would allocate it all.
pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(png_chunk(b"IHDR", &ihdr));
    // zlib stream of a single empty stored block.
    out.extend(png_chunk(
        b"IDAT",
        b"\x78\x01\x01\x00\x00\xff\xff\x00\x00\x00\x01",
    ));
    out.extend(png_chunk(b"IEND", b""));
    out
}

/// A complete, valid PNG of `width` × `height` zero pixels written row by
/// row, so a 268-megapixel bomb costs the test a few kilobytes of memory.
pub fn zero_png(width: u32, height: u32, colour: png::ColorType, depth: png::BitDepth) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(colour);
    encoder.set_depth(depth);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().expect("PNG header");
    let row_bytes = (width as usize * colour.samples() * depth as usize).div_ceil(8);
    let row = vec![0u8; row_bytes];
    {
        let mut stream = writer.stream_writer().expect("PNG stream");
        for _ in 0..height {
            std::io::Write::write_all(&mut stream, &row).expect("PNG row");
        }
        stream.finish().expect("PNG finish");
    }
    writer.finish().expect("PNG end");
    out
}

/// Rewrite the frame size in a JPEG's SOF0 segment.
pub fn jpeg_claiming(jpeg: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut out = jpeg.to_vec();
    let sof = out
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline JPEG has SOF0");
    out[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    out
}

/// Rewrite the logical screen size of a GIF.
pub fn gif_claiming(gif: &[u8], width: u16, height: u16) -> Vec<u8> {
    let mut out = gif.to_vec();
    out[6..8].copy_from_slice(&width.to_le_bytes());
    out[8..10].copy_from_slice(&height.to_le_bytes());
    out
}

/// Rewrite the size in a lossless WebP's VP8L header (14 bits each, minus one).
pub fn webp_claiming(webp: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = webp.to_vec();
    let at = out
        .windows(4)
        .position(|w| w == b"VP8L")
        .expect("lossless WebP")
        + 8;
    assert_eq!(out[at], 0x2f, "VP8L signature");
    let old = u32::from_le_bytes(out[at + 1..at + 5].try_into().expect("4 bytes"));
    let sizes = (width - 1) | ((height - 1) << 14);
    let bits = (old & !0x0FFF_FFFF) | sizes;
    out[at + 1..at + 5].copy_from_slice(&bits.to_le_bytes());
    out
}
