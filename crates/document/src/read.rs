//! Tables read back from a file a person edited: an XLSX workbook (every
//! sheet, read with calamine) or one CSV file in UTF-8, its sheet named by
//! what its header holds. Cells come back as text, as they were shown.
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// One sheet as read: its name, then every row's cells as text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadSheet {
    /// The tab's name; for a CSV file, what `csv_name` made of its header.
    pub name: String,
    /// Every row, the header first.
    pub rows: Vec<Vec<String>>,
}

/// Why a file could not be read, in Chinese for the person who sent it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{0}")]
pub struct ReadError(pub String);

/// A cell as the person saw it: whole numbers without `.0` (a phone
/// number typed into a number cell), dates as `2026-12-06`.
fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|t| t.date().to_string())
            .unwrap_or_else(|| d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{e:?}"),
    }
}

/// The sheets of an XLSX file, or of a CSV file when it is not one.
/// `csv_name` names a CSV file's only sheet from its header.
pub fn read_tables(
    bytes: &[u8],
    csv_name: impl Fn(&[String]) -> String,
) -> Result<Vec<ReadSheet>, ReadError> {
    if bytes.starts_with(b"PK") {
        let mut book = Xlsx::new(Cursor::new(bytes))
            .map_err(|e| ReadError(format!("无法读取这个Excel文件：{e}")))?;
        let mut out = Vec::new();
        for name in book.sheet_names() {
            let range = book
                .worksheet_range(&name)
                .map_err(|e| ReadError(format!("无法读取工作表「{name}」：{e}")))?;
            let rows = range.rows().map(|r| r.iter().map(text).collect()).collect();
            out.push(ReadSheet { name, rows });
        }
        return Ok(out);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| {
        ReadError("CSV文件不是UTF-8编码：请在Excel中另存为「CSV UTF-8」后再导入".into())
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError(format!("CSV格式有误：{e}")))?;
        rows.push(record.iter().map(str::to_owned).collect::<Vec<_>>());
    }
    let name = rows.first().map(|h| csv_name(h)).unwrap_or_default();
    Ok(vec![ReadSheet { name, rows }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cell, Sheet, xlsx};

    #[test]
    fn a_workbook_reads_back_as_written() {
        let book = xlsx(&[Sheet {
            name: "人员".into(),
            header: vec!["登录名".into(), "手机号".into()],
            rows: vec![vec![
                Cell::Text("wang-jg".into()),
                Cell::Number(13800001234.0),
            ]],
        }])
        .unwrap();
        let sheets = read_tables(&book, |_| String::new()).unwrap();
        assert_eq!(sheets[0].name, "人员");
        assert_eq!(sheets[0].rows[1], vec!["wang-jg", "13800001234"]);
    }

    #[test]
    fn csv_in_utf8_with_a_bom_and_quotes() {
        let file = "\u{feff}登录名,姓名,人员类别\nwang-jg,王建国,\"党员,村民代表\"\n";
        let sheets = read_tables(file.as_bytes(), |h| h[0].clone()).unwrap();
        assert_eq!(sheets[0].name, "登录名");
        assert_eq!(sheets[0].rows[1][2], "党员,村民代表");
        let gbk = [0xc0u8, 0xee, 0xcb, 0xc4];
        assert!(
            read_tables(&gbk, |_| String::new())
                .unwrap_err()
                .0
                .contains("UTF-8")
        );
    }
}
