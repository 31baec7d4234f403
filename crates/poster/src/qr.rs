//! QR codes as SVG, built module by module so they scale to any print size.
use fast_qr::{ECL, QRBuilder};

#[derive(Debug, thiserror::Error)]
#[error("cannot make a QR code: {0}")]
pub struct QrError(String);

fn modules(url: &str) -> Result<(usize, Vec<bool>), QrError> {
    // Medium error correction: robust on a slightly worn poster, still few modules.
    let code = QRBuilder::new(url)
        .ecl(ECL::M)
        .build()
        .map_err(|e| QrError(format!("{e:?}")))?;
    let n = code.size;
    Ok((n, (0..n * n).map(|i| code.data[i].value()).collect()))
}

/// The dark modules as one path, in a `size`-wide square at (x, y), with the
/// four-module quiet zone that readers need included inside that square.
pub(crate) fn qr_group(url: &str, x: f32, y: f32, size: f32) -> Result<String, QrError> {
    let (n, dark) = modules(url)?;
    let cell = size / (n + 8) as f32;
    let mut d = String::new();
    for row in 0..n {
        for col in 0..n {
            if dark[row * n + col] {
                d.push_str(&format!("M{} {}h1v1h-1z", col + 4, row + 4));
            }
        }
    }
    Ok(format!(
        r##"<g transform="translate({x} {y}) scale({cell})"><rect width="{w}" height="{w}" fill="#ffffff"/><path d="{d}" fill="#000000" shape-rendering="crispEdges"/></g>"##,
        w = n + 8
    ))
}

/// A QR code alone as SVG (for share codes of topics and meetings, and the
/// "keep this code" card after a submission).
pub fn qr_svg(url: &str) -> Result<String, QrError> {
    let (n, _) = modules(url)?;
    let w = n + 8;
    Ok(format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {w}" width="{}" height="{}">{}</svg>"#,
        w * 6,
        w * 6,
        qr_group(url, 0.0, 0.0, w as f32)?
    ))
}
