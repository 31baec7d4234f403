//! Spreadsheets (XLSX) for records people sort and file: a header row that
//! stays in view and filters, dates as real dates, columns wide enough for
//! their Chinese text.
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

use crate::DocumentError;

/// One cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A day, stored as a date (so it sorts and filters as one).
    Date(NaiveDate),
    /// A number.
    Number(f64),
}

/// One sheet: its name, header and rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The tab's name (at most 31 characters).
    pub name: String,
    /// Column headings.
    pub header: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Cell>>,
}

fn err(e: XlsxError) -> DocumentError {
    DocumentError::Xlsx(e.to_string())
}

/// Display width of text in Excel's units (a CJK character takes two).
fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.1 })
        .sum()
}

/// The sheets as one XLSX workbook.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, DocumentError> {
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let ws = wb.add_worksheet();
        let name: String = sheet.name.chars().take(31).collect();
        ws.set_name(&name).map_err(err)?;
        let mut widths: Vec<f64> = sheet.header.iter().map(|h| width(h) + 2.0).collect();
        for (c, h) in sheet.header.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(0, c, h, &head).map_err(err)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                let w = match cell {
                    Cell::Text(s) => {
                        ws.write_string(r, col, s).map_err(err)?;
                        width(s)
                    }
                    Cell::Date(d) => {
                        let month = u8::try_from(d.month()).unwrap_or(1);
                        let day = u8::try_from(d.day()).unwrap_or(1);
                        let year = u16::try_from(d.year()).unwrap_or(1900);
                        let when = ExcelDateTime::from_ymd(year, month, day).map_err(err)?;
                        ws.write_datetime_with_format(r, col, &when, &date)
                            .map_err(err)?;
                        11.0
                    }
                    Cell::Number(n) => {
                        ws.write_number(r, col, *n).map_err(err)?;
                        8.0
                    }
                };
                if let Some(x) = widths.get_mut(c) {
                    *x = x.max(w.min(60.0) + 1.0);
                }
            }
        }
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(u16::try_from(c).unwrap_or(u16::MAX), *w)
                .map_err(err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        let last_row = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
        let last_col = u16::try_from(sheet.header.len().max(1) - 1).unwrap_or(0);
        ws.autofilter(0, 0, last_row, last_col).map_err(err)?;
    }
    wb.save_to_buffer().map_err(err)
}
