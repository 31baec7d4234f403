//! Is a JPEG whole, and sane? The decoder is lenient by design and paints a
//! cut-off photo grey below the cut; an upload that broke off half-way should
//! be refused and sent again instead, so the segments are walked up to the
//! end-of-image marker first.

const SOS: u8 = 0xDA;
const EOI: u8 = 0xD9;

/// Progressive JPEGs from cameras and encoders have about 10 scans. Each scan
/// may revisit every block of the image, so a small file with thousands of
/// scans is a way to burn CPU; refuse it like a damaged file.
const MAX_SCANS: usize = 100;

/// True when the marker structure runs from start-of-image through one to
/// [`MAX_SCANS`] scans to end-of-image. Bytes after the end are ignored here
/// (they are dropped by re-encoding anyway).
pub(crate) fn is_complete(bytes: &[u8]) -> bool {
    let mut pos = 2; // after SOI
    let mut scans = 0;
    loop {
        // Find the next marker; tolerate stray bytes between segments as
        // libjpeg does.
        let Some(ff) = bytes[pos.min(bytes.len())..]
            .iter()
            .position(|&b| b == 0xFF)
        else {
            return false;
        };
        pos += ff;
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1; // fill bytes
        }
        let Some(&marker) = bytes.get(pos) else {
            return false;
        };
        pos += 1;
        match marker {
            EOI => return scans > 0,
            // Standalone markers: no length follows.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes.get(pos..pos + 2) else {
            return false;
        };
        let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
        if len < 2 || pos + len > bytes.len() {
            return false;
        }
        pos += len;
        if marker == SOS {
            scans += 1;
            if scans > MAX_SCANS {
                return false;
            }
            match end_of_entropy_data(bytes, pos) {
                Some(next) => pos = next,
                None => return false,
            }
        }
    }
}

/// Index of the first real marker after entropy-coded data starting at
/// `pos`, skipping stuffed zero bytes and restart markers.
fn end_of_entropy_data(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        pos += bytes.get(pos..)?.iter().position(|&b| b == 0xFF)?;
        match *bytes.get(pos + 1)? {
            0x00 | 0xD0..=0xD7 => pos += 2,
            0xFF => pos += 1,
            _ => return Some(pos),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SOI, a comment, SOS with a 2-byte header, data with a stuffed byte
    /// and a restart marker, EOI.
    const MINIMAL: &[u8] =
        b"\xFF\xD8\xFF\xFE\x00\x04hi\xFF\xDA\x00\x02\x12\xFF\x00\x34\xFF\xD0\x56\xFF\xD9";

    #[test]
    fn whole_file_is_complete() {
        assert!(is_complete(MINIMAL));
        let mut trailing = MINIMAL.to_vec();
        trailing.extend_from_slice(b"PK\x03\x04 trailing zip");
        assert!(is_complete(&trailing));
    }

    #[test]
    fn every_cut_is_incomplete() {
        for cut in 0..MINIMAL.len() {
            assert!(!is_complete(&MINIMAL[..cut]), "cut at {cut}");
        }
    }

    #[test]
    fn no_scan_is_incomplete() {
        assert!(!is_complete(b"\xFF\xD8\xFF\xD9"));
    }

    #[test]
    fn too_many_scans() {
        let scans = |n: usize| {
            let mut jpeg = b"\xFF\xD8".to_vec();
            for _ in 0..n {
                jpeg.extend_from_slice(b"\xFF\xDA\x00\x02\x12\x34");
            }
            jpeg.extend_from_slice(b"\xFF\xD9");
            jpeg
        };
        assert!(is_complete(&scans(MAX_SCANS)));
        assert!(!is_complete(&scans(MAX_SCANS + 1)));
    }
}
