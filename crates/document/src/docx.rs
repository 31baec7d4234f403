//! The DOCX: the same document for Word or WPS, with the fonts a Chinese
//! office has (方正小标宋 for the title, 黑体 for headings, 仿宋 for the body;
//! a reader without them substitutes), 三号 text on a 28.95 pt line and the
//! paper's margins.
use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Pic,
    Run, RunFonts, SpecialIndentType, Table, TableCell, TableRow,
};

use crate::{Block, Document, DocumentError, numbered};

/// 三号 and 二号, in half-points.
const BODY: usize = 32;
const TITLE: usize = 44;
const TABLE_TEXT: usize = 24;
/// Two characters of 三号, in twips (the first-line indent).
const INDENT: i32 = 640;
/// 22 lines in 225 mm, in twips.
const PITCH: i32 = 579;

fn run(text: &str, size: usize, font: &str, bold: bool) -> Run {
    let r = Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font));
    if bold { r.bold() } else { r }
}

fn spaced(p: Paragraph) -> Paragraph {
    p.line_spacing(
        LineSpacing::new()
            .line(PITCH)
            .line_rule(LineSpacingType::Exact),
    )
}

fn body(text: &str, font: &str, indent: bool) -> Paragraph {
    let p = spaced(Paragraph::new().add_run(run(text, BODY, font, false)));
    if indent {
        p.indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
    } else {
        p
    }
}

fn table(header: &[String], rows: &[Vec<String>]) -> Table {
    let row = |cells: &[String], bold: bool| {
        TableRow::new(
            (0..header.len())
                .map(|i| {
                    let text = cells.get(i).map_or("", String::as_str);
                    TableCell::new().add_paragraph(
                        Paragraph::new().add_run(run(text, TABLE_TEXT, "仿宋", bold)),
                    )
                })
                .collect(),
        )
    };
    let mut all = vec![row(header, true)];
    all.extend(rows.iter().map(|r| row(r, false)));
    Table::new(all)
}

/// The text block's width in points (156 mm).
const TEXT_W_PT: f32 = 156.0 * 72.0 / 25.4;
/// English Metric Units to the point.
const EMU_PER_PT: f32 = 12700.0;

/// A chart as a picture across the text block, drawn at 200 dpi.
fn chart(c: &crate::Chart) -> Result<Paragraph, DocumentError> {
    let svg = c.svg(TEXT_W_PT, crate::pdf::FONT);
    let png = poster::svg_png(&svg, 200.0).map_err(|e| DocumentError::Docx(e.to_string()))?;
    let (w, h) = (TEXT_W_PT, c.height());
    // usvg reads points as CSS pixels; 200 dpi is 200/96 pixels to each.
    let px = |pt: f32| (pt * 200.0 / 96.0).round() as u32;
    let pic = Pic::new_with_dimensions(png, px(w), px(h))
        .size((w * EMU_PER_PT) as u32, (h * EMU_PER_PT) as u32);
    Ok(Paragraph::new()
        .add_run(Run::new().add_image(pic))
        .align(AlignmentType::Center))
}

/// The document as a DOCX file.
pub fn docx(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(2098)
                .bottom(1984)
                .left(1588)
                .right(1474),
        )
        .footer(
            Footer::new().add_paragraph(
                Paragraph::new()
                    .add_page_num(PageNum::new())
                    .align(AlignmentType::Center),
            ),
        );
    d = d.add_paragraph(
        Paragraph::new()
            .add_run(run(&doc.title, TITLE, "方正小标宋简体", false))
            .align(AlignmentType::Center),
    );
    d = d.add_paragraph(body("", "仿宋", false));
    if let Some(to) = &doc.addressee {
        d = d.add_paragraph(body(&format!("{to}："), "仿宋", false));
    }
    for b in numbered(&doc.blocks) {
        d = match b {
            Block::Heading(t) => d.add_paragraph(body(&t, "黑体", true)),
            Block::Subheading(t) => d.add_paragraph(body(&t, "楷体", true)),
            Block::Paragraph(t) => t
                .split('\n')
                .fold(d, |d, line| d.add_paragraph(body(line, "仿宋", true))),
            Block::Line(t) => d.add_paragraph(body(&t, "仿宋", false)),
            Block::Table { header, rows } => d.add_table(table(&header, &rows)),
            Block::Chart(c) => d.add_paragraph(chart(&c)?),
        };
    }
    d = d.add_paragraph(body("", "仿宋", false));
    for l in [&doc.issuer, &doc.date] {
        if !l.is_empty() {
            d = d.add_paragraph(body(l, "仿宋", false).align(AlignmentType::Right).indent(
                None,
                None,
                Some(4 * INDENT / 2),
                None,
            ));
        }
    }
    let mut out = Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| DocumentError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
