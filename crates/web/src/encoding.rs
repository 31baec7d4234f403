//! Compressed bodies for slow rural connections: which encoding a browser
//! takes, and brotli and gzip made once for what is sent many times (the
//! static files, kept pages).
use axum::http::{HeaderMap, header};

/// Whether the request's `Accept-Encoding` lists `coding` without
/// refusing it (`;q=0`).
pub fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

/// The best encoding of the two this server makes that the browser takes.
pub fn preferred(headers: &HeaderMap) -> Option<&'static str> {
    if accepts(headers, "br") {
        Some("br")
    } else if accepts(headers, "gzip") {
        Some("gzip")
    } else {
        None
    }
}

/// `bytes` in gzip at `level` (0–9).
pub fn gzip(bytes: &[u8], level: u32) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(level));
    // Writing to memory cannot fail; an empty result would only be sent plain.
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

/// `bytes` in brotli at `quality` (0–11).
pub fn brotli(bytes: &[u8], quality: u32) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    {
        let mut br = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        // Writing to memory cannot fail; an empty result would only be sent otherwise.
        let _ = br.write_all(bytes);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            value.parse().unwrap_or_else(|_| unreachable!()),
        );
        h
    }

    #[test]
    fn the_best_encoding_the_browser_takes() {
        assert_eq!(preferred(&asking("gzip, deflate, br")), Some("br"));
        assert_eq!(preferred(&asking("gzip, deflate")), Some("gzip"));
        assert_eq!(preferred(&asking("br;q=0, gzip;q=0.5")), Some("gzip"));
        assert_eq!(preferred(&asking("identity")), None);
        assert_eq!(preferred(&asking("brotli-ish")), None);
        assert_eq!(preferred(&HeaderMap::new()), None);
    }

    #[test]
    fn compressed_bodies_come_back_the_same() {
        use std::io::Read;
        let text = "有事好商量，众人的事情由众人商量。".repeat(50);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gzip(text.as_bytes(), 6)[..])
            .read_to_string(&mut back)
            .unwrap_or_default();
        assert_eq!(back, text);
        let mut back = String::new();
        brotli::Decompressor::new(&brotli(text.as_bytes(), 5)[..], 4096)
            .read_to_string(&mut back)
            .unwrap_or_default();
        assert_eq!(back, text);
    }
}
