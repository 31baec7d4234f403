//! From the poster's SVG to print files: PNG at a chosen resolution, and PDF.
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use crate::{Paper, PosterInfo, poster_svg};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Qr(#[from] crate::QrError),
    #[error("cannot read the drawing: {0}")]
    Svg(String),
    #[error("cannot draw: {0}")]
    Draw(String),
}

/// The system's fonts, loaded once (scanning them takes a while); the
/// document crate draws with them too.
pub fn system_fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        Arc::new(db)
    })
    .clone()
}

fn tree(info: &PosterInfo, paper: Paper) -> Result<usvg::Tree, RenderError> {
    parse(&poster_svg(info, paper)?)
}

fn parse(svg: &str) -> Result<usvg::Tree, RenderError> {
    let opts = usvg::Options {
        fontdb: system_fonts(),
        ..Default::default()
    };
    usvg::Tree::from_str(svg, &opts).map_err(|e| RenderError::Svg(e.to_string()))
}

/// usvg measures in CSS pixels: 96 to the inch.
const CSS_DPI: f32 = 96.0;

fn pixmap(info: &PosterInfo, paper: Paper, dpi: f32) -> Result<tiny_skia::Pixmap, RenderError> {
    draw(&tree(info, paper)?, dpi)
}

/// Any drawing (a report's chart, say) as PNG at `dpi`, on white.
pub fn svg_png(svg: &str, dpi: f32) -> Result<Vec<u8>, RenderError> {
    draw(&parse(svg)?, dpi)?
        .encode_png()
        .map_err(|e| RenderError::Draw(e.to_string()))
}

fn draw(tree: &usvg::Tree, dpi: f32) -> Result<tiny_skia::Pixmap, RenderError> {
    let scale = dpi / CSS_DPI;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| RenderError::Draw("size".into()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| RenderError::Draw("too large".into()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

/// The poster as RGBA pixels at `dpi` (300 for print): (width, height, pixels).
pub fn raster(
    info: &PosterInfo,
    paper: Paper,
    dpi: f32,
) -> Result<(u32, u32, Vec<u8>), RenderError> {
    let p = pixmap(info, paper, dpi)?;
    Ok((p.width(), p.height(), p.take()))
}

/// The poster as PNG at `dpi`.
pub fn png(info: &PosterInfo, paper: Paper, dpi: f32) -> Result<Vec<u8>, RenderError> {
    pixmap(info, paper, dpi)?
        .encode_png()
        .map_err(|e| RenderError::Draw(e.to_string()))
}

/// The poster as a one-page PDF of the paper's size, text kept as text.
pub fn pdf(info: &PosterInfo, paper: Paper) -> Result<Vec<u8>, RenderError> {
    let tree = tree(info, paper)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions { dpi: CSS_DPI },
    )
    .map_err(|e| RenderError::Draw(format!("{e:?}")))
}
