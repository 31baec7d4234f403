//! What the bytes are, from their first bytes alone: the file name and the
//! declared content type are chosen by whoever uploads and prove nothing.

use crate::PhotoError;

/// The formats decoded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Jpeg,
    Png,
    Gif,
    WebP,
}

impl Kind {
    pub(crate) fn image_format(self) -> image::ImageFormat {
        match self {
            Kind::Jpeg => image::ImageFormat::Jpeg,
            Kind::Png => image::ImageFormat::Png,
            Kind::Gif => image::ImageFormat::Gif,
            Kind::WebP => image::ImageFormat::WebP,
        }
    }
}

/// Classify `bytes` by magic number. Pictures in formats not decoded here
/// get a named refusal, so the resident learns what to choose instead;
/// everything else is "not a photo".
pub(crate) fn sniff(bytes: &[u8]) -> Result<Kind, PhotoError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Png);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Ok(Kind::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Ok(Kind::WebP);
    }
    Err(refusal(bytes))
}

fn refusal(bytes: &[u8]) -> PhotoError {
    if let Some(brand) = iso_media_brand(bytes) {
        return match brand {
            b"avif" | b"avis" => PhotoError::Unsupported("AVIF"),
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                PhotoError::Unsupported("HEIC")
            }
            // Other ISO media files (MP4, MOV, 3GP) are videos.
            _ => PhotoError::NotAnImage,
        };
    }
    if bytes.starts_with(b"BM") && bytes.len() > 26 {
        return PhotoError::Unsupported("BMP");
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return PhotoError::Unsupported("TIFF");
    }
    if looks_like_svg(bytes) {
        return PhotoError::Unsupported("SVG");
    }
    PhotoError::NotAnImage
}

/// The major brand of an ISO base media file (`....ftypheic`).
fn iso_media_brand(bytes: &[u8]) -> Option<&[u8; 4]> {
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        bytes[8..12].try_into().ok()
    } else {
        None
    }
}

/// Markup whose first kilobyte opens an `<svg` element. Only used to word the
/// refusal: SVG can carry script, and is never accepted.
fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(start) = text.iter().position(|b| !b.is_ascii_whitespace()) else {
        return false;
    };
    text[start] == b'<' && text.windows(4).any(|w| w.eq_ignore_ascii_case(b"<svg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_by_magic_number() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0rest"), Ok(Kind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Ok(Kind::Png));
        assert_eq!(sniff(b"GIF89a...."), Ok(Kind::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(Kind::WebP));
    }

    #[test]
    fn named_refusals() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(sniff(heic), Err(PhotoError::Unsupported("HEIC")));
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        assert_eq!(sniff(avif), Err(PhotoError::Unsupported("AVIF")));
        let mp4 = b"\0\0\0\x18ftypisom\0\0\0\0isomiso2";
        assert_eq!(sniff(mp4), Err(PhotoError::NotAnImage));
        let svg = b"\xEF\xBB\xBF\n <?xml version=\"1.0\"?><SVG xmlns=\"\"></SVG>";
        assert_eq!(sniff(svg), Err(PhotoError::Unsupported("SVG")));
    }

    #[test]
    fn everything_else_is_not_a_photo() {
        for bytes in [
            &b""[..],
            b"\xFF",
            b"\xFF\xD8",
            b"<!doctype html><img src=x onerror=alert(1)>",
            b"%PDF-1.7\n",
            b"PK\x03\x04\x14\0",
            b"MZ\x90\0\x03\0\0\0",
            b"\x7fELF\x02\x01\x01",
            b"RIFF\0\0\0\0WAVEfmt ",
        ] {
            assert_eq!(sniff(bytes), Err(PhotoError::NotAnImage), "{bytes:?}");
        }
    }
}
