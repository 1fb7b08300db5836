//! The XLSX template an admin fills in: the data sheet (headers, required ones marked *, an
//! example row marked 示例, drop-down lists, codes kept as text) and a 填写说明 sheet that
//! explains every column. Built from the same column list the parser reads.

use super::columns::Column;
use app::model::import::ImportKind;
use rust_xlsxwriter::{Color, DataValidation, Format, Workbook, XlsxError};

/// Rows the drop-down lists and text formats cover.
const ROWS: u32 = 5000;

/// The template for `kind`, as XLSX bytes.
pub fn xlsx(kind: ImportKind) -> Result<Vec<u8>, XlsxError> {
    let common = [
        "第 2 行是示例（灰色斜体，名称带“示例”）：填写前请删除或覆盖；带“示例”字样的行不会导入。",
        "列的顺序可以调整，表头文字不能改；空行会被跳过，单元格前后的空格不影响。",
        "CSV 文件可以是 UTF-8（带或不带 BOM）或 GBK/GB18030（中文版 Excel 默认另存的 CSV）。",
    ];
    let (sheet, columns, own) = match kind {
        ImportKind::Places => ("托育机构及点位", super::places::columns(), [
            "一个机构有多个点位（1+N）时，每个点位写一行；一个点位有多个班级时，每个班级写一行，点位的其他列照抄。",
            "同一文件可以重复导入：机构按统一社会信用代码对应，点位按点位编号（或机构 + 点位名称）对应，没有变化的行不会改动数据。",
        ]),
        ImportKind::Providers => ("居家上门服务机构", super::providers::columns(), [
            "一个服务机构提供多个服务项目时，每个项目写一行；护理员每人写一行（可与项目同行），服务机构的其他列照抄。",
            "同一文件可以重复导入：机构按统一社会信用代码对应，服务机构按服务机构编号（或机构 + 名称）对应，项目按名称、护理员按证书编号对应；文件中没有写的项目和护理员保持不变（停用护理员请在服务机构工作台操作）。",
        ]),
        ImportKind::Population => ("街道人口", super::population::columns(), [
            "每个街道每个年份写一行；同一街道可写多个年份。指标按所查月份所在年份（或之前最近的一年）的数字计算。",
            "同一文件可以重复导入：按街道 + 年份对应，没有变化的行不会改动数据，变化的数字会记录修改前后的值。",
        ]),
    };
    let notes: Vec<&str> = common.iter().chain(own.iter()).copied().collect();
    build(sheet, &columns, &notes)
}

/// The file name offered for download.
pub fn file_name(kind: ImportKind) -> String {
    format!("{}导入模板.xlsx", kind.label())
}

fn build(sheet: &str, columns: &[Column], notes: &[&str]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_text_wrap();
    let required = Format::new().set_bold().set_background_color(Color::RGB(0xFCE4D6)).set_text_wrap();
    let example = Format::new().set_font_color(Color::RGB(0x7F7F7F)).set_italic();
    let text = Format::new().set_num_format("@");
    let ws = book.add_worksheet();
    ws.set_name(sheet)?;
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        let name = if c.required { format!("{}*", c.name) } else { c.name.to_string() };
        ws.write_string_with_format(0, col, name, if c.required { &required } else { &header })?;
        ws.set_column_width(col, (c.name.chars().count() as f64 * 2.4).max(12.0))?;
        if c.text {
            ws.set_column_format(col, &text)?;
        }
        ws.write_string_with_format(1, col, c.example, &example)?;
        if !c.choices.is_empty() {
            let list = DataValidation::new()
                .allow_list_strings(&c.choices)?
                .set_error_message(format!("请从列表中选择：{}", c.choices.join("、")))?;
            ws.add_data_validation(1, col, ROWS, col, &list)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;

    let help = book.add_worksheet();
    help.set_name("填写说明")?;
    let wrap = Format::new().set_text_wrap();
    for (i, h) in ["列名", "是否必填", "说明", "示例", "可选值"].iter().enumerate() {
        help.write_string_with_format(0, i as u16, *h, &header)?;
    }
    for (r, c) in columns.iter().enumerate() {
        let r = r as u32 + 1;
        help.write_string(r, 0, c.name)?;
        help.write_string(r, 1, if c.required { "必填" } else { "选填" })?;
        help.write_string_with_format(r, 2, c.help, &wrap)?;
        help.write_string(r, 3, c.example)?;
        help.write_string_with_format(r, 4, c.choices.join("、"), &wrap)?;
    }
    let base = columns.len() as u32 + 3;
    help.write_string_with_format(base - 1, 0, "说明", &header)?;
    for (i, n) in notes.iter().enumerate() {
        help.write_string_with_format(base + i as u32, 0, *n, &wrap)?;
    }
    help.set_column_width(0, 22)?;
    help.set_column_width(1, 10)?;
    help.set_column_width(2, 60)?;
    help.set_column_width(3, 28)?;
    help.set_column_width(4, 40)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{places, table};
    use app::model::import::TextEncoding;

    #[test]
    fn the_template_reads_back_with_every_column_and_its_example_row() {
        let bytes = xlsx(ImportKind::Places).unwrap();
        let t = table::read(&bytes, "模板.xlsx", TextEncoding::Auto).unwrap();
        assert_eq!(t.read_as, "XLSX");
        for c in places::columns() {
            assert!(t.has(c.name), "{}", c.name);
        }
        assert_eq!(t.rows.len(), 1);
        assert!(t.cell(&t.rows[0], places::ORG).contains("示例"));
        assert_eq!(t.cell(&t.rows[0], places::USCC).len(), 18);
    }

    #[test]
    fn the_providers_template_reads_back_and_its_example_row_is_refused() {
        let bytes = xlsx(ImportKind::Providers).unwrap();
        let t = table::read(&bytes, "模板.xlsx", TextEncoding::Auto).unwrap();
        for c in crate::import::providers::columns() {
            assert!(t.has(c.name), "{}", c.name);
        }
        assert_eq!(t.rows.len(), 1);
        let areas = crate::import::places::Areas::new(
            crate::db::sample::areas().into_iter().map(|a| (a.id, a.parent_id, a.city, a.name, a.lat, a.lng)).collect(),
        );
        let p = crate::import::providers::parse(&t, &areas, chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
        assert!(p.providers.is_empty());
        assert!(p.problems.issues().iter().any(|i| i.message.contains("示例行")), "{:?}", p.problems.issues());
    }
}
