//! Open data files: a table of public facts (`db::open_data`) as CSV (UTF-8 with BOM, so
//! that Excel on a Chinese Windows opens it right) or XLSX (the table, and a 数据说明 sheet
//! with every column's meaning, the as-of time and the licence note).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One exported table.
pub struct Table<'a> {
    pub sheet: &'a str,
    /// (column, meaning)
    pub columns: &'a [(&'a str, &'a str)],
    pub rows: Vec<Vec<String>>,
    /// "2026-12-02 20:31（北京时间）"
    pub as_of: String,
}

pub fn csv(t: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(t.columns.iter().map(|(c, _)| *c))?;
    for r in &t.rows {
        w.write_record(r)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// A table as a sheet of `book`: bold headers, the columns sized to them, the header row
/// frozen; cells as text, or — with `numbers` — figures as numbers a sheet can sum (not codes
/// or phone numbers: at most 10 characters, no leading zero).
pub fn write_sheet(book: &mut Workbook, t: &Table, numbers: bool) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name(t.sheet)?;
    for (i, (c, _)) in t.columns.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *c, &bold)?;
        ws.set_column_width(i as u16, (c.chars().count() as f64 * 2.4).max(10.0))?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            let figure = v.replace(',', "").parse::<f64>().ok().filter(|_| numbers && v.len() <= 10 && (!v.starts_with('0') || v == "0" || v.starts_with("0.")));
            match figure {
                Some(n) => ws.write_number(r as u32 + 1, i as u16, n)?,
                None => ws.write_string(r as u32 + 1, i as u16, v)?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

pub fn xlsx(t: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    write_sheet(&mut book, t, false)?;
    let d = book.add_worksheet();
    d.set_name("数据说明")?;
    d.write_string_with_format(0, 0, "列名", &bold)?;
    d.write_string_with_format(0, 1, "含义", &bold)?;
    for (i, (c, m)) in t.columns.iter().enumerate() {
        d.write_string(i as u32 + 1, 0, *c)?;
        d.write_string_with_format(i as u32 + 1, 1, *m, &wrap)?;
    }
    let n = t.columns.len() as u32 + 2;
    d.write_string(n, 0, "数据时间")?;
    d.write_string(n, 1, &t.as_of)?;
    d.write_string(n + 1, 0, "说明")?;
    d.write_string_with_format(n + 1, 1, "只含机构公开信息，不含任何个人信息；坐标为 GCJ-02。空位以“空位确认时间”为准，出发前请电话确认。", &wrap)?;
    d.set_column_width(0, 20)?;
    d.set_column_width(1, 70)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_bom_for_excel_and_the_xlsx_reads_back() {
        let t = Table { sheet: "点位", columns: &[("名称", "n"), ("电话", "p")], rows: vec![vec!["晨曦".into(), "0510-1".into()]], as_of: "x".into() };
        let c = csv(&t).unwrap();
        assert!(c.starts_with(b"\xEF\xBB\xBF"));
        assert_eq!(std::str::from_utf8(&c[3..]).unwrap(), "名称,电话\r\n晨曦,0510-1\r\n");
        let x = xlsx(&t).unwrap();
        let read = crate::import::table::read(&x, "a.xlsx", app::model::import::TextEncoding::Auto).unwrap();
        assert_eq!(read.cell(&read.rows[0], "电话"), "0510-1");
    }
}

#[cfg(test)]
mod dictionary {
    /// docs/open-data.md lists every column with the meaning the files carry.
    #[test]
    fn the_documented_dictionary_is_the_one_in_the_files() {
        let doc = include_str!("../../docs/open-data.md");
        for (c, m) in crate::db::open_data::PLACE_COLUMNS.iter().chain(crate::db::open_data::PROVIDER_COLUMNS.iter()) {
            assert!(doc.contains(&format!("| {c} | {m} |")), "docs/open-data.md lacks {c}");
        }
    }
}
