//! Printed posters: right size, and the QR code reads back with a standard decoder.
#![allow(clippy::unwrap_used)]
use poster::{Paper, PosterInfo};

fn info() -> PosterInfo {
    PosterInfo {
        room_name: "陈师社区有事好商量议事室".into(),
        region: "江苏省 淮安市 涟水县 陈师街道 陈师社区".into(),
        convener: "陈玉梅".into(),
        place: "陈师社区党群服务中心三楼协商议事室".into(),
        url: "https://shangliang.example.cn/r/chenshi-sq".into(),
        code: "chenshi-sq".into(),
    }
}

fn decode(w: u32, h: u32, rgba: &[u8]) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        let i = (y * w as usize + x) * 4;
        ((rgba[i] as u32 + rgba[i + 1] as u32 + rgba[i + 2] as u32) / 3) as u8
    });
    img.detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

#[test]
fn a4_at_300_dpi_decodes() {
    let (w, h, px) = poster::raster(&info(), Paper::A4, 300.0).unwrap();
    // 210 × 297 mm at 300 dpi.
    assert!(
        (2478..=2482).contains(&w) && (3506..=3510).contains(&h),
        "{w}×{h}"
    );
    assert_eq!(
        decode(w, h, &px),
        ["https://shangliang.example.cn/r/chenshi-sq"]
    );
}

#[test]
fn a3_is_bigger_and_decodes_at_low_resolution_too() {
    let (w, h, px) = poster::raster(&info(), Paper::A3, 100.0).unwrap();
    assert!(w > 1100 && h > 1600, "{w}×{h}");
    assert_eq!(
        decode(w, h, &px),
        ["https://shangliang.example.cn/r/chenshi-sq"]
    );
}

#[test]
fn png_and_pdf_are_real_files() {
    let png = poster::png(&info(), Paper::A4, 150.0).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let pdf = poster::pdf(&info(), Paper::A4).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    // A4 in points.
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("595.2") && text.contains("841.8"),
        "no A4 media box"
    );
}

#[test]
fn share_codes_decode() {
    let svg = poster::qr_svg("https://shangliang.example.cn/t/1234567890").unwrap();
    assert!(svg.starts_with("<svg"));
}
