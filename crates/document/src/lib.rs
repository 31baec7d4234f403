//! Documents in the manner of a Chinese official paper (in the spirit of
//! GB/T 9704, without the red masthead of a real 公文): a centred title,
//! the 主送 line, a body whose headings are numbered 一、 and （一）, then the
//! issuing body and the date, right-aligned. One model, two outputs:
//! [`docx`] for people who will edit it in Word or WPS, [`pdf`] for printing
//! and the record (CJK text stays text, so it can be searched and copied);
//! and [`xlsx`] for records people sort and filter. Reports carry bar
//! charts ([`Chart`]) drawn as SVG on the server.
#![warn(missing_docs)]

mod chart;
mod docx;
mod layout;
mod pdf;
mod read;
mod sheet;

pub use chart::Chart;
pub use docx::docx;
pub use pdf::pdf;
pub use read::{ReadError, ReadSheet, read_tables};
pub use sheet::{Cell, Sheet, xlsx};

/// A document to lay out.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// The title, e.g. 关于农路改造的调研报告.
    pub title: String,
    /// Whom it is addressed to (主送), without the colon; `None` for a record.
    pub addressee: Option<String>,
    /// The body, in order.
    pub blocks: Vec<Block>,
    /// Who issues it (署名), e.g. 陈师街道王庄村有事好商量议事室.
    pub issuer: String,
    /// The date as written, e.g. 2026年12月6日.
    pub date: String,
}

/// One piece of a document's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A first-level heading; numbered 一、二、… in order.
    Heading(String),
    /// A second-level heading within the last heading; numbered （一）（二）….
    Subheading(String),
    /// A paragraph, its first line indented two characters.
    Paragraph(String),
    /// A line that is not indented (a label and its value, a list item).
    Line(String),
    /// A table: the header, then the rows (each as many cells as the header).
    Table {
        /// Column headings.
        header: Vec<String>,
        /// The rows.
        rows: Vec<Vec<String>>,
    },
    /// A bar chart, drawn across the text block.
    Chart(Chart),
}

impl Block {
    /// Each non-blank line of a text as a paragraph; `when_empty` (e.g.
    /// （未记录）) stands in for a text with none.
    pub fn paragraphs(text: &str, when_empty: &str) -> Vec<Block> {
        let out: Vec<Block> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| Block::Paragraph(l.to_owned()))
            .collect();
        if out.is_empty() {
            vec![Block::Paragraph(when_empty.to_owned())]
        } else {
            out
        }
    }
}

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The DOCX writer failed.
    #[error("cannot write the DOCX file: {0}")]
    Docx(String),
    /// The drawing or the PDF could not be made.
    #[error("cannot write the PDF file: {0}")]
    Pdf(String),
    /// The XLSX writer failed.
    #[error("cannot write the XLSX file: {0}")]
    Xlsx(String),
}

/// 一, 二, … 九十九: the numbers of headings.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_owned(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        _ => n.to_string(),
    }
}

/// The body's headings with their numbers, as both outputs print them.
pub(crate) fn numbered(blocks: &[Block]) -> Vec<Block> {
    let (mut h, mut s) = (0, 0);
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading(t) => {
                h += 1;
                s = 0;
                Block::Heading(format!("{}、{t}", chinese_number(h)))
            }
            Block::Subheading(t) => {
                s += 1;
                Block::Subheading(format!("（{}）{t}", chinese_number(s)))
            }
            other => other.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_numbered_in_chinese() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(34), "三十四");
        let got = numbered(&[
            Block::Heading("基本情况".into()),
            Block::Subheading("走访".into()),
            Block::Subheading("座谈".into()),
            Block::Heading("分析".into()),
            Block::Subheading("可行性".into()),
        ]);
        assert_eq!(
            got,
            vec![
                Block::Heading("一、基本情况".into()),
                Block::Subheading("（一）走访".into()),
                Block::Subheading("（二）座谈".into()),
                Block::Heading("二、分析".into()),
                Block::Subheading("（一）可行性".into()),
            ]
        );
    }
}
