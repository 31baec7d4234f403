//! The PDF: each page drawn as SVG on the official paper's grid, converted
//! by svg2pdf (fonts embedded, text kept as text) and put on an A4 page.
use std::collections::HashMap;
use std::fmt::Write;

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, TextStr};
use svg2pdf::usvg;

use crate::layout::{
    BODY_SIZE, CHARS, LEFT, LINE_PITCH, PAGE_H, PAGE_W, PT_PER_MM, TEXT_H, TEXT_W, TOP, cells,
    wrap, wrap_even,
};
use crate::{Block, Document, DocumentError, numbered};

/// Noto Sans CJK (Debian's fonts-noto-cjk) stands in for the 仿宋 and 黑体
/// of a printed paper; any CJK font the system has will do.
pub(crate) const FONT: &str =
    "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif";
const TITLE_SIZE: f32 = 22.0;
const TABLE_SIZE: f32 = 12.0;

#[derive(Clone, Copy, PartialEq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// What is drawn on one page.
#[derive(Default)]
struct Page {
    svg: String,
}

impl Page {
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, anchor: Anchor, text: &str) {
        let anchor = match anchor {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        };
        let weight = if bold { "bold" } else { "normal" };
        let _ = write!(
            self.svg,
            r#"<text x="{x:.2}" y="{y:.2}" font-size="{size:.2}" font-weight="{weight}" text-anchor="{anchor}" xml:space="preserve">{}</text>"#,
            escape(text)
        );
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        let _ = write!(
            self.svg,
            r#"<line x1="{x1:.2}" y1="{y1:.2}" x2="{x2:.2}" y2="{y2:.2}" stroke="black" stroke-width="0.6"/>"#
        );
    }
}

pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Lays the document out page by page; `y` is the top of the next line.
struct Writer {
    pages: Vec<Page>,
    y: f32,
}

impl Writer {
    fn new() -> Self {
        Writer {
            pages: vec![Page::default()],
            y: TOP,
        }
    }

    fn page(&mut self) -> &mut Page {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Room for `height` more points, else a new page.
    fn room(&mut self, height: f32) {
        if self.y + height > TOP + TEXT_H + 0.5 {
            self.pages.push(Page::default());
            self.y = TOP;
        }
    }

    /// One line of body text on the grid.
    fn line(&mut self, text: &str, size: f32, bold: bool, anchor: Anchor, x: f32) {
        self.room(LINE_PITCH);
        let baseline = self.y + LINE_PITCH * 0.5 + size * 0.36;
        self.page().text(x, baseline, size, bold, anchor, text);
        self.y += LINE_PITCH;
    }

    fn wrapped(&mut self, text: &str, bold: bool, indent: f32) {
        for (i, l) in wrap(text, CHARS as f32, indent).iter().enumerate() {
            let x = LEFT + if i == 0 { indent * BODY_SIZE } else { 0.0 };
            self.line(l, BODY_SIZE, bold, Anchor::Start, x);
        }
    }

    /// A chart across the text block, on one page.
    fn chart(&mut self, chart: &crate::Chart) {
        let height = chart.height();
        self.room(height);
        let y = self.y;
        let _ = write!(
            self.page().svg,
            r#"<g transform="translate({LEFT:.2} {y:.2})">{}</g>"#,
            chart.elements(TEXT_W)
        );
        self.y += height + LINE_PITCH * 0.5;
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        let n = header.len().max(1);
        // Each column as wide as its longest cell needs, within the text block.
        let mut want = vec![2.0f32; n];
        for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
            for (i, cell) in row.iter().take(n).enumerate() {
                let w: f32 = cell.chars().map(cells).sum::<f32>() + 1.0;
                want[i] = want[i].max(w.min(24.0));
            }
        }
        let total: f32 = want.iter().sum();
        let widths: Vec<f32> = want.iter().map(|w| TEXT_W * w / total).collect();
        let pitch = TABLE_SIZE * 1.6;
        let draw_row = |me: &mut Writer, row: &[String], bold: bool| {
            let wrapped: Vec<Vec<String>> = (0..n)
                .map(|i| {
                    let cell = row.get(i).map_or("", String::as_str);
                    wrap(cell, (widths[i] / TABLE_SIZE - 0.8).max(1.0), 0.0)
                })
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = lines as f32 * pitch + TABLE_SIZE * 0.6;
            me.room(height);
            let top = me.y;
            let mut x = LEFT;
            for (i, cell) in wrapped.iter().enumerate() {
                for (j, l) in cell.iter().enumerate() {
                    let baseline =
                        top + TABLE_SIZE * 0.3 + pitch * (j as f32 + 0.5) + TABLE_SIZE * 0.36;
                    me.page().text(
                        x + TABLE_SIZE * 0.4,
                        baseline,
                        TABLE_SIZE,
                        bold,
                        Anchor::Start,
                        l,
                    );
                }
                me.page().rule(x, top, x, top + height);
                x += widths[i];
            }
            let page = me.page();
            page.rule(x, top, x, top + height);
            page.rule(LEFT, top, LEFT + TEXT_W, top);
            page.rule(LEFT, top + height, LEFT + TEXT_W, top + height);
            me.y += height;
        };
        draw_row(self, header, true);
        for row in rows {
            draw_row(self, row, false);
        }
        self.y += LINE_PITCH * 0.5;
    }
}

/// The document as a PDF on A4, one SVG drawing per page.
pub fn pdf(doc: &Document) -> Result<Vec<u8>, DocumentError> {
    let mut w = Writer::new();
    let title_chars = TEXT_W / TITLE_SIZE;
    for l in wrap_even(&doc.title, title_chars) {
        w.line(&l, TITLE_SIZE, true, Anchor::Middle, LEFT + TEXT_W / 2.0);
    }
    w.y += LINE_PITCH;
    if let Some(to) = &doc.addressee {
        w.wrapped(&format!("{to}："), false, 0.0);
    }
    for b in numbered(&doc.blocks) {
        match b {
            Block::Heading(t) => w.wrapped(&t, true, 2.0),
            Block::Subheading(t) => w.wrapped(&t, false, 2.0),
            Block::Paragraph(t) => w.wrapped(&t, false, 2.0),
            Block::Line(t) => w.wrapped(&t, false, 0.0),
            Block::Table { header, rows } => w.table(&header, &rows),
            Block::Chart(chart) => w.chart(&chart),
        }
    }
    // 署名 and 成文日期, right-aligned four characters in.
    w.y += LINE_PITCH;
    // The issuer and the date stay together.
    w.room(2.0 * LINE_PITCH);
    let right = LEFT + TEXT_W - 4.0 * BODY_SIZE;
    for l in [&doc.issuer, &doc.date] {
        if !l.is_empty() {
            w.line(l, BODY_SIZE, false, Anchor::End, right);
        }
    }
    let total = w.pages.len();
    for (i, page) in w.pages.iter_mut().enumerate() {
        let y = TOP + TEXT_H + 7.0 * PT_PER_MM + 14.0;
        let number = if total > 1 {
            format!("— {} —", i + 1)
        } else {
            String::new()
        };
        page.text(PAGE_W / 2.0, y, 14.0, false, Anchor::Middle, &number);
    }
    assemble(&doc.title, &w.pages)
}

fn assemble(title: &str, pages: &[Page]) -> Result<Vec<u8>, DocumentError> {
    let opts = usvg::Options {
        fontdb: poster::system_fonts(),
        ..Default::default()
    };
    let mut alloc = Ref::new(1);
    let catalog = alloc.bump();
    let tree_id = alloc.bump();
    let info = alloc.bump();
    let mut pdf = Pdf::new();
    let mut page_ids = Vec::with_capacity(pages.len());
    let mut chunks = Vec::with_capacity(pages.len());
    for page in pages {
        let svg = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W}" height="{PAGE_H}" viewBox="0 0 {PAGE_W} {PAGE_H}" font-family="{FONT}">{}</svg>"#,
            page.svg
        );
        let tree =
            usvg::Tree::from_str(&svg, &opts).map_err(|e| DocumentError::Pdf(e.to_string()))?;
        let (chunk, svg_id) = svg2pdf::to_chunk(&tree, svg2pdf::ConversionOptions::default())
            .map_err(|e| DocumentError::Pdf(format!("{e:?}")))?;
        let mut map = HashMap::new();
        let chunk = chunk.renumber(|old| *map.entry(old).or_insert_with(|| alloc.bump()));
        let svg_id = *map
            .get(&svg_id)
            .ok_or_else(|| DocumentError::Pdf("drawing lost in renumbering".into()))?;
        let page_id = alloc.bump();
        let content_id = alloc.bump();
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        p.parent(tree_id);
        p.contents(content_id);
        p.resources().x_objects().pair(Name(b"P"), svg_id);
        p.finish();
        let mut content = Content::new();
        content.transform([PAGE_W, 0.0, 0.0, PAGE_H, 0.0, 0.0]);
        content.x_object(Name(b"P"));
        pdf.stream(content_id, &content.finish());
        page_ids.push(page_id);
        chunks.push(chunk);
    }
    for c in &chunks {
        pdf.extend(c);
    }
    pdf.catalog(catalog).pages(tree_id);
    let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(tree_id).kids(page_ids).count(count);
    pdf.document_info(info).title(TextStr(title));
    Ok(pdf.finish())
}
