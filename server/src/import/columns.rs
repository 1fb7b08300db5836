//! What a registry file's columns are (one list per kind: the parser, the template and its
//! 填写说明 sheet read the same list) and the problems found in a file, by row and column.

use super::table::{Row, Table};
use app::model::import::ImportIssue;

pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// 填写说明: what goes in it, in which format.
    pub help: &'static str,
    /// The template's example row (marked 示例).
    pub example: &'static str,
    /// A drop-down list in the template, and the only values the parser takes.
    pub choices: Vec<&'static str>,
    /// Kept as text in the template (codes that Excel would turn into numbers).
    pub text: bool,
}

impl Column {
    pub fn required(name: &'static str, help: &'static str, example: &'static str) -> Self {
        Column { name, required: true, help, example, choices: vec![], text: false }
    }
    pub fn optional(name: &'static str, help: &'static str, example: &'static str) -> Self {
        Column { required: false, ..Column::required(name, help, example) }
    }
    pub fn choices(self, choices: Vec<&'static str>) -> Self {
        Column { choices, ..self }
    }
    pub fn text(self) -> Self {
        Column { text: true, ..self }
    }
}

/// Problems (rows left out) and notes (said, nothing left out), in file order.
#[derive(Default)]
pub struct Problems {
    issues: Vec<(ImportIssue, bool)>,
    fatal: bool,
}

impl Problems {
    /// A problem: the row (its place) is not imported.
    pub fn add(&mut self, row: u32, column: &str, message: impl Into<String>) {
        self.issues.push((ImportIssue { row, column: column.to_string(), message: message.into() }, true));
    }

    /// A note: said in the preview, nothing is left out for it.
    pub fn note(&mut self, row: u32, column: &str, message: impl Into<String>) {
        self.issues.push((ImportIssue { row, column: column.to_string(), message: message.into() }, false));
    }

    /// Problems found in `row` so far.
    pub fn count_in(&self, row: u32) -> usize {
        self.issues.iter().filter(|(i, bad)| *bad && i.row == row).count()
    }

    /// A problem with the file as a whole (a missing column, a database that holds sample
    /// data): nothing can be imported until it is fixed.
    pub fn fatal_at(&mut self, row: u32, column: &str, message: impl Into<String>) {
        self.add(row, column, message);
        self.fatal = true;
    }

    pub fn fatal(&self) -> bool {
        self.fatal
    }

    /// Whether anything is wrong (notes aside).
    pub fn any(&self) -> bool {
        self.issues.iter().any(|(_, bad)| *bad)
    }

    /// Every problem and note, by row (the file's own order within a row).
    pub fn issues(&self) -> Vec<ImportIssue> {
        let mut v: Vec<ImportIssue> = self.issues.iter().map(|(i, _)| i.clone()).collect();
        v.sort_by_key(|i| i.row);
        v
    }
}

/// The checks every registry row starts with: required cells filled, not the template's
/// example row (`names`: the organisation's and the record's name columns; the problem is
/// put on the record's), and a well-formed 统一社会信用代码 in `uscc_col` with its check
/// character verified. Answers the code, upper-cased ("" when missing).
pub fn row_head(t: &Table, row: &Row, columns: &[Column], (org_col, name_col): (&str, &str), uscc_col: &str, p: &mut Problems) -> String {
    let n = row.number;
    let cell = |c: &str| t.cell(row, c);
    for c in columns.iter().filter(|c| c.required) {
        if cell(c.name).is_empty() {
            p.add(n, c.name, "未填写（必填）");
        }
    }
    if cell(org_col).contains("示例") || cell(name_col).contains("示例") {
        p.add(n, name_col, "这是模板的示例行（名称带“示例”）：真实数据不能带“示例”，请删除这一行");
    }
    let uscc = cell(uscc_col).to_uppercase();
    if !uscc.is_empty() {
        if uscc.chars().count() != 18 {
            p.add(n, uscc_col, format!("应为 18 位（现为 {} 位）；如果显示为科学计数法，请把这一列设为文本格式", uscc.chars().count()));
        } else if !app::model::valid_uscc(&uscc) {
            p.add(n, uscc_col, "校验位不正确");
        }
    }
    uscc
}
