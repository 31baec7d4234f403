//! Bytes in, a safe JPEG pair out: sniff, bound, decode, upright, shrink,
//! re-encode.

use std::io::Cursor;

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, RgbImage, RgbaImage};
use sha2::{Digest, Sha256};

use crate::sniff::{Kind, sniff};
use crate::{
    FULL_MAX_SIDE, FULL_QUALITY, Limits, PhotoError, SafePhoto, THUMB_MAX_SIDE, THUMB_QUALITY, jpeg,
};

/// Make an uploaded photo safe to store and show.
///
/// Refuses before decoding anything that is too big in bytes or, by its
/// header, in pixels; decodes the first frame; applies the EXIF orientation;
/// flattens transparency onto white; and re-encodes a full-size JPEG and a
/// thumbnail from the pixels alone. CPU-heavy: run it on the blocking pool.
pub fn process(bytes: &[u8], limits: &Limits) -> Result<SafePhoto, PhotoError> {
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge);
    }
    let kind = sniff(bytes)?;
    if kind == Kind::Jpeg && !jpeg::is_complete(bytes) {
        return Err(PhotoError::Corrupt);
    }
    let (pixels, orientation) = decode(bytes, kind, limits)?;

    // Shrink first, turn upright after: the same result, with the rotation
    // copying a 3-megapixel image rather than a 50-megapixel one.
    let mut full = DynamicImage::ImageRgb8(fit(pixels, FULL_MAX_SIDE)?);
    full.apply_orientation(orientation);
    let full = full.into_rgb8();
    let thumb = match target_size(full.dimensions(), THUMB_MAX_SIDE) {
        Some(size) => resize(&full, size)?,
        None => full.clone(),
    };

    let full_jpeg = encode(&full, FULL_QUALITY)?;
    let thumb_jpeg = encode(&thumb, THUMB_QUALITY)?;
    Ok(SafePhoto {
        sha256: hex::encode(Sha256::digest(&full_jpeg)),
        full: full_jpeg,
        thumb: thumb_jpeg,
        width: full.width(),
        height: full.height(),
        content_type: "image/jpeg",
    })
}

/// Decode the first frame to 8-bit RGB, checking the header's dimensions and
/// the decoded size against `limits` before any pixel buffer is allocated.
fn decode(
    bytes: &[u8],
    kind: Kind,
    limits: &Limits,
) -> Result<(RgbImage, image::metadata::Orientation), PhotoError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.image_format());
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_width);
    image_limits.max_image_height = Some(limits.max_height);
    image_limits.max_alloc = Some(limits.max_alloc);
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(refusal)?;

    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(PhotoError::Corrupt);
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels
        || decoder.total_bytes() > limits.max_alloc
    {
        return Err(PhotoError::TooManyPixels);
    }
    // A broken EXIF block only costs the orientation, not the photo.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    let rgb = if image.color().has_alpha() {
        flatten_on_white(image.into_rgba8())
    } else {
        image.into_rgb8()
    };
    Ok((rgb, orientation))
}

/// Map a decoder's error to what the resident is told.
fn refusal(error: ImageError) -> PhotoError {
    match error {
        ImageError::Limits(_) => PhotoError::TooManyPixels,
        // Decoding errors, cut-off input (I/O errors from the in-memory
        // reader), and features of a known format that the decoder lacks
        // (e.g. 12-bit or arithmetic-coded JPEG) all mean "cannot open".
        _ => PhotoError::Corrupt,
    }
}

/// Composite straight alpha over white: a transparent PNG shows as a sticker
/// on paper, not on black.
fn flatten_on_white(rgba: RgbaImage) -> RgbImage {
    let (width, height) = rgba.dimensions();
    let mut rgb = RgbImage::new(width, height);
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(px[3]);
        for c in 0..3 {
            let blended = (u16::from(px[c]) * alpha + 255 * (255 - alpha) + 127) / 255;
            out[c] = u8::try_from(blended).unwrap_or(u8::MAX);
        }
    }
    rgb
}

/// Scale down (never up) so the longest side is at most `max_side`.
fn fit(image: RgbImage, max_side: u32) -> Result<RgbImage, PhotoError> {
    match target_size(image.dimensions(), max_side) {
        Some(size) => resize(&image, size),
        None => Ok(image),
    }
}

/// Lanczos3 with SIMD: the same filter as `image`'s, about 20 times faster,
/// which matters on a 2-core server (630 ms → 30 ms for 12 Mpx → 3 Mpx).
fn resize(image: &RgbImage, (width, height): (u32, u32)) -> Result<RgbImage, PhotoError> {
    let src = ImageRef::new(
        image.width(),
        image.height(),
        image.as_raw(),
        PixelType::U8x3,
    )
    .map_err(|_| PhotoError::Corrupt)?;
    let mut dst = Image::new(width, height, PixelType::U8x3);
    let lanczos = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&src, &mut dst, &lanczos)
        .map_err(|_| PhotoError::Corrupt)?;
    RgbImage::from_raw(width, height, dst.into_vec()).ok_or(PhotoError::Corrupt)
}

/// The size that fits `max_side` with the same aspect, or `None` when the
/// image already fits.
fn target_size((width, height): (u32, u32), max_side: u32) -> Option<(u32, u32)> {
    let longest = width.max(height);
    if longest <= max_side {
        return None;
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(max_side).max(1)
    };
    Some((scale(width), scale(height)))
}

fn encode(image: &RgbImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::with_capacity(image.as_raw().len() / 8);
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(image)
        .map_err(|_| PhotoError::Corrupt)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_aspect_and_never_upscales() {
        assert_eq!(target_size((4000, 3000), 2048), Some((2048, 1536)));
        assert_eq!(target_size((3000, 4000), 320), Some((240, 320)));
        assert_eq!(target_size((10_000, 3), 320), Some((320, 1)));
        assert_eq!(target_size((100, 50), 320), None);
        let shrunk = fit(RgbImage::new(400, 300), 320).expect("resizes");
        assert_eq!(shrunk.dimensions(), (320, 240));
    }

    #[test]
    fn flattening_blends_onto_white() {
        let mut rgba = RgbaImage::new(3, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([0, 0, 0, 255]));
        rgba.put_pixel(2, 0, image::Rgba([255, 0, 0, 128]));
        let rgb = flatten_on_white(rgba);
        assert_eq!(rgb.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(rgb.get_pixel(1, 0).0, [0, 0, 0]);
        assert_eq!(rgb.get_pixel(2, 0).0, [255, 127, 127]);
    }
}
