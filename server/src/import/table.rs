//! A registry file as a table of text: XLSX (calamine: the first sheet that is not 填写说明)
//! or CSV in UTF-8 (with or without BOM) or GBK/GB18030 (what Excel on a Chinese Windows
//! saves). Headers are matched by name (columns in any order), cells are trimmed, blank
//! lines dropped; row numbers are the spreadsheet's own (the header is row 1 in a CSV).

use app::model::import::{ImportIssue, TextEncoding};
use std::collections::HashMap;

pub struct Table {
    /// How the file was read, for the preview ("XLSX", "UTF-8", "GB18030" …).
    pub read_as: String,
    headers: HashMap<String, usize>,
    pub header_row: u32,
    pub rows: Vec<Row>,
}

pub struct Row {
    /// As the spreadsheet numbers it.
    pub number: u32,
    cells: Vec<String>,
}

impl Table {
    /// Whether the file has this column.
    pub fn has(&self, column: &str) -> bool {
        self.headers.contains_key(column)
    }

    /// A row's cell in `column` ("" when the column or the cell is missing).
    pub fn cell<'a>(&self, row: &'a Row, column: &str) -> &'a str {
        self.headers.get(column).and_then(|&i| row.cells.get(i)).map(String::as_str).unwrap_or("")
    }

    /// Headers the file has that `known` does not list (reported, not fatal: an extra note column is fine).
    pub fn unknown_headers<'a>(&'a self, known: &[&str]) -> Vec<&'a str> {
        let mut v: Vec<(&usize, &String)> = self.headers.iter().map(|(h, i)| (i, h)).collect();
        v.sort();
        v.into_iter().map(|(_, h)| h.as_str()).filter(|h| !known.contains(h)).collect()
    }
}

fn file_issue(message: impl Into<String>) -> ImportIssue {
    ImportIssue { row: 0, column: String::new(), message: message.into() }
}

/// A header as people write it: spaces and full-width brackets and a trailing `*` (required
/// marker in the template) do not matter.
pub fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_end_matches(['*', '＊'])
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

/// Reads the file (its bytes and name; `encoding` only matters for CSV).
pub fn read(bytes: &[u8], file_name: &str, encoding: TextEncoding) -> Result<Table, ImportIssue> {
    if bytes.is_empty() {
        return Err(file_issue("文件是空的"));
    }
    let lower = file_name.to_lowercase();
    if bytes.starts_with(b"PK\x03\x04") {
        return read_xlsx(bytes);
    }
    if lower.ends_with(".xls") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(file_issue("这是旧版 Excel（.xls）文件：请在 Excel 中另存为 .xlsx 或 CSV 后再导入"));
    }
    if lower.ends_with(".xlsx") {
        return Err(file_issue("文件不是有效的 XLSX（可能已损坏），请重新保存后再导入"));
    }
    let (text, read_as) = decode(bytes, encoding)?;
    read_csv(&text, read_as)
}

/// CSV bytes as text: a UTF-8 BOM says UTF-8; otherwise valid UTF-8 is taken as UTF-8 and
/// anything else as GB18030 (a superset of GBK), unless the admin chose.
fn decode(bytes: &[u8], encoding: TextEncoding) -> Result<(String, String), ImportIssue> {
    let gb = |b: &[u8]| {
        let (text, _, bad) = encoding_rs::GB18030.decode(b);
        if bad {
            Err(file_issue("文件按 GBK/GB18030 读取时有无法识别的字符：请确认文件编码，或在 Excel 中另存为“CSV UTF-8”"))
        } else {
            Ok((text.into_owned(), "GB18030".to_string()))
        }
    };
    let utf8 = |b: &[u8], read_as: &str| match std::str::from_utf8(b) {
        Ok(t) => Ok((t.to_string(), read_as.to_string())),
        Err(_) => Err(file_issue("文件不是有效的 UTF-8 文本：如果是中文版 Excel 另存的 CSV，请选择 GBK 编码")),
    };
    match encoding {
        TextEncoding::Gb18030 => gb(bytes),
        TextEncoding::Utf8 => match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => utf8(rest, "UTF-8（带 BOM）"),
            None => utf8(bytes, "UTF-8"),
        },
        TextEncoding::Auto => match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => utf8(rest, "UTF-8（带 BOM）"),
            None if std::str::from_utf8(bytes).is_ok() => utf8(bytes, "UTF-8"),
            None => gb(bytes),
        },
    }
}

fn read_csv(text: &str, read_as: String) -> Result<Table, ImportIssue> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut lines: Vec<(u32, Vec<String>)> = Vec::new();
    // The line a record starts on, counted from its byte offset (the reader's own line count
    // lags by one after a CRLF line end, which is what Excel writes).
    let bytes = text.as_bytes();
    let (mut counted_to, mut newlines) = (0usize, 0u32);
    let mut line_at = |offset: usize| {
        let offset = offset.min(bytes.len());
        newlines += bytes[counted_to..offset].iter().filter(|&&b| b == b'\n').count() as u32;
        counted_to = offset;
        // a record recorded as starting on the line end before it starts on the next line
        let mut at = offset;
        while matches!(bytes.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        newlines + bytes[offset..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1
    };
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0) as u32;
            ImportIssue { row: line, column: String::new(), message: "无法按 CSV 读取（引号不成对？）".into() }
        })?;
        let line = line_at(record.position().map(|p| p.byte()).unwrap_or(0) as usize);
        lines.push((line, record.iter().map(|c| c.trim().to_string()).collect()));
    }
    table_from(lines, read_as)
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ImportIssue> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|_| file_issue("无法读取这个 XLSX 文件（可能已损坏或受密码保护）"))?;
    let sheet = book
        .sheet_names()
        .into_iter()
        .find(|n| n.trim() != "填写说明")
        .ok_or_else(|| file_issue("XLSX 文件里没有数据工作表"))?;
    let range = book.worksheet_range(&sheet).map_err(|_| file_issue(format!("无法读取工作表“{sheet}”")))?;
    let (top, _) = range.start().unwrap_or((0, 0));
    let cell = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        // Whole numbers typed into a number cell (托位 20, 经度 120 …) read as "20", not "20.0".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        // Excel's day number (1900 system): days since 1899-12-30.
        Data::DateTime(d) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_days(chrono::Days::new(d.as_f64().max(0.0) as u64)))
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => "#错误".to_string(),
    };
    let lines = range.rows().enumerate().map(|(i, r)| (top + i as u32 + 1, r.iter().map(cell).collect())).collect();
    table_from(lines, "XLSX".to_string())
}

/// The first non-blank line is the header; blank lines are dropped.
fn table_from(lines: Vec<(u32, Vec<String>)>, read_as: String) -> Result<Table, ImportIssue> {
    let mut lines = lines.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let (header_row, header) = lines.next().ok_or_else(|| file_issue("文件里没有表头和数据"))?;
    let mut headers = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = normalise_header(h);
        if h.is_empty() {
            continue;
        }
        if headers.insert(h.clone(), i).is_some() {
            return Err(ImportIssue { row: header_row, column: h, message: "表头重复出现".into() });
        }
    }
    let rows = lines.map(|(number, cells)| Row { number, cells }).collect();
    Ok(Table { read_as, headers, header_row, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "机构名称,统一社会信用代码 ,托位*\n\n 晨曦托育 ,91320214MA1XXXXXX1,20\n,,\n阳光托育,91320214MA2XXXXXX2, 15 \n";

    #[test]
    fn utf8_with_and_without_bom_and_gbk_read_the_same() {
        let gbk = encoding_rs::GBK.encode(CSV).0.into_owned();
        let bom = [b"\xEF\xBB\xBF".as_slice(), CSV.as_bytes()].concat();
        let crlf = CSV.replace('\n', "\r\n");
        for (bytes, read_as) in [(CSV.as_bytes().to_vec(), "UTF-8"), (bom, "UTF-8（带 BOM）"), (gbk, "GB18030"), (crlf.into_bytes(), "UTF-8")] {
            let t = read(&bytes, "a.csv", TextEncoding::Auto).unwrap();
            assert_eq!(t.read_as, read_as);
            assert_eq!(t.rows.len(), 2, "blank lines dropped");
            assert_eq!(t.rows[0].number, 3);
            assert_eq!(t.cell(&t.rows[0], "机构名称"), "晨曦托育");
            assert_eq!(t.cell(&t.rows[1], "托位"), "15", "trailing spaces and the * marker do not matter");
            assert_eq!(t.cell(&t.rows[1], "统一社会信用代码"), "91320214MA2XXXXXX2");
        }
    }

    #[test]
    fn wrong_encoding_choice_is_a_clear_error() {
        let gbk = encoding_rs::GBK.encode(CSV).0.into_owned();
        let e = read(&gbk, "a.csv", TextEncoding::Utf8).err().unwrap();
        assert!(e.message.contains("GBK"), "{}", e.message);
        assert!(read(b"", "a.csv", TextEncoding::Auto).is_err());
        assert!(read(b"\xD0\xCF\x11\xE0rest", "a.xls", TextEncoding::Auto).err().unwrap().message.contains(".xls"));
    }

    #[test]
    fn duplicate_headers_are_refused() {
        let e = read("名称,名称\n1,2\n".as_bytes(), "a.csv", TextEncoding::Auto).err().unwrap();
        assert_eq!((e.row, e.column.as_str()), (1, "名称"));
    }
}
