//! Uploaded photos made safe to store and to show.
//!
//! Residents send up to nine photos from cheap phones inside WeChat. Whatever
//! arrives is untrusted: the name and the declared content type are ignored,
//! the bytes are sniffed, sizes are checked against [`Limits`] before any
//! pixel is decoded, and the picture is re-encoded from its pixels alone, so
//! nothing of the original file (EXIF with GPS, trailing data, a polyglot
//! payload, an ICC profile) reaches storage or another resident's screen.
//!
//! [`process`] is CPU-heavy (about 0.4 s of one core for a 12-megapixel
//! phone photo in a release build; `examples/process_bench.rs` measures it): call it on the blocking pool, and bound how
//! many run at once, since each may hold up to [`Limits::max_alloc`] bytes.
//! Store the result through a [`PhotoStore`] under its content-addressed keys
//! ([`SafePhoto::full_key`], [`SafePhoto::thumb_key`]), so a retried upload
//! writes the same objects again.

mod bucket;
mod jpeg;
mod process;
mod sniff;
mod store;

pub use bucket::{Bucket, BucketConfig};
pub use process::process;
pub use store::{LocalDisk, MemoryStore, PhotoStore, StoreFuture, validate_key};

/// Bounds checked before and during decoding, so a hostile file is refused
/// before it can take the memory or the time of the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest upload accepted, in bytes.
    pub max_bytes: usize,
    /// Widest image accepted, in pixels, as declared by its header.
    pub max_width: u32,
    /// Tallest image accepted, in pixels, as declared by its header.
    pub max_height: u32,
    /// Most pixels (width × height) accepted.
    pub max_pixels: u64,
    /// Most bytes the decoded pixels may take. Peak memory of one `process`
    /// call is about twice this in the worst case (a transparent image is
    /// flattened into a second buffer).
    pub max_alloc: u64,
}

impl Default for Limits {
    /// 10 MiB, 16384 px a side, 50 megapixels, 256 MiB decoded.
    ///
    /// WeChat sends compressed photos well under 1 MB; an "original" photo
    /// from a 48- or 50-megapixel phone (8160 × 6120) is 5–15 MB and fits the
    /// pixel limit, and a panorama fits the side limit. 50 Mpx of 8-bit RGB is
    /// 150 MB decoded, under `max_alloc`; 16-bit RGBA that large is refused.
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_width: 16_384,
            max_height: 16_384,
            max_pixels: 50_000_000,
            max_alloc: 256 * 1024 * 1024,
        }
    }
}

/// Longest side of the stored full-size photo: sharp on any phone screen and
/// a few hundred kilobytes, whatever the camera produced.
pub const FULL_MAX_SIDE: u32 = 2048;
/// Longest side of the thumbnail shown in lists.
pub const THUMB_MAX_SIDE: u32 = 320;
/// JPEG quality of the full-size photo.
pub const FULL_QUALITY: u8 = 82;
/// JPEG quality of the thumbnail.
pub const THUMB_QUALITY: u8 = 78;

/// A photo made safe: decoded from bytes whose type was sniffed (never
/// trusting the name or the declared content type), orientation from EXIF
/// applied, then re-encoded so nothing of the original file survives (no
/// EXIF, no GPS, no trailing data, no polyglot payload).
#[derive(Clone, PartialEq, Eq)]
pub struct SafePhoto {
    /// Baseline JPEG, longest side at most [`FULL_MAX_SIDE`].
    pub full: Vec<u8>,
    /// Baseline JPEG, longest side at most [`THUMB_MAX_SIDE`].
    pub thumb: Vec<u8>,
    /// Width of `full`, upright.
    pub width: u32,
    /// Height of `full`, upright.
    pub height: u32,
    /// Always `"image/jpeg"`, for both `full` and `thumb`.
    pub content_type: &'static str,
    /// Lower-case hex SHA-256 of `full`: the photo's identity.
    pub sha256: String,
}

impl SafePhoto {
    /// Content-addressed key of the full-size photo, e.g. `photos/ab/ab12….jpg`.
    /// The two-character folder keeps directories small on a local disk.
    pub fn full_key(&self) -> String {
        format!("photos/{}/{}.jpg", self.prefix(), self.sha256)
    }

    /// Key of the thumbnail, named after the full photo so the pair is found
    /// from one stored hash.
    pub fn thumb_key(&self) -> String {
        format!("thumbs/{}/{}.jpg", self.prefix(), self.sha256)
    }

    fn prefix(&self) -> &str {
        self.sha256.get(..2).unwrap_or("00")
    }
}

impl std::fmt::Debug for SafePhoto {
    /// Sizes and hash only: the bytes would flood a log.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SafePhoto")
            .field("full_len", &self.full.len())
            .field("thumb_len", &self.thumb.len())
            .field("width", &self.width)
            .field("height", &self.height)
            .field("content_type", &self.content_type)
            .field("sha256", &self.sha256)
            .finish()
    }
}

/// Why a photo was refused. `Display` is the message shown to the resident.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// More than [`Limits::max_bytes`]. The message names the default limit;
    /// a caller that configures another one should word its own.
    #[error("照片太大了（最大 10 MB）")]
    TooLarge,
    /// Not a picture at all: empty, HTML, PDF, ZIP, a program, text.
    #[error("这不是照片，请选择 JPG、PNG 或 WebP 图片")]
    NotAnImage,
    /// A picture in a format not accepted here, named (e.g. "HEIC", "SVG").
    #[error("暂不支持 {0} 格式，请选择 JPG 图片")]
    Unsupported(&'static str),
    /// Width, height, pixel count or decoded size over [`Limits`].
    #[error("照片尺寸太大")]
    TooManyPixels,
    /// Recognised as a picture but cut short or damaged.
    #[error("照片已损坏，无法打开")]
    Corrupt,
}
