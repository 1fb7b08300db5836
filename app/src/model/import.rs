//! Registry import (托育机构备案 lists, home-care providers): what a preview shows and what
//! applying does. The file itself is read on the server (`server/src/import/`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

labelled_enum!(
    /// What a registry file lists.
    ImportKind {
        Places = "places", "托育机构及点位";
        Providers = "providers", "居家上门服务机构";
        Population = "population", "街道人口";
    }
);

labelled_enum!(
    /// How a CSV file's text is encoded (XLSX needs no choice).
    TextEncoding {
        Auto = "auto", "自动识别";
        Utf8 = "utf-8", "UTF-8";
        Gb18030 = "gb18030", "GBK / GB18030（中文版 Excel 另存的 CSV）";
    }
);

/// One problem in the file: row (as the spreadsheet numbers it; 0 for the file as a whole)
/// and column (its header), in Chinese.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportIssue {
    pub row: u32,
    pub column: String,
    pub message: String,
}

impl ImportIssue {
    /// "第 14 行「统一社会信用代码」校验位不正确".
    pub fn text(&self) -> String {
        match (self.row, self.column.is_empty()) {
            (0, true) => self.message.clone(),
            (0, false) => format!("「{}」{}", self.column, self.message),
            (r, true) => format!("第 {r} 行{}", self.message),
            (r, false) => format!("第 {r} 行「{}」{}", self.column, self.message),
        }
    }
}

/// One field a row changes: its column, the value now and the value after applying.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub column: String,
    pub before: String,
    pub after: String,
}

/// A record the file creates or changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlannedRecord {
    /// The file's rows for this record (a place with several classes spans several rows).
    pub rows: Vec<u32>,
    /// 机构 · 点位, as a person reads it.
    pub name: String,
    /// The place (or provider) it changes; `None` for a new one.
    pub id: Option<i64>,
    pub changes: Vec<FieldChange>,
}

/// A record in the database that the file no longer lists (本次文件中没有): closed only when
/// the admin confirms it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MissingRecord {
    pub id: i64,
    pub name: String,
    pub organisation: String,
    pub street_name: String,
}

/// What a file would do, before anything is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportPreview {
    /// The upload's id (made by the client): apply with `POST /api/v1/admin/imports/{id}/apply`.
    pub id: String,
    pub kind: ImportKind,
    pub file_name: String,
    /// How the file was read: "XLSX", "UTF-8", "UTF-8 (BOM)", "GB18030".
    pub read_as: String,
    /// Data rows read (blank lines left out).
    pub rows: u32,
    /// Rows with at least one problem: applying skips them (only when asked to).
    pub error_rows: u32,
    pub issues: Vec<ImportIssue>,
    pub create: Vec<PlannedRecord>,
    pub update: Vec<PlannedRecord>,
    pub unchanged: u32,
    pub missing: Vec<MissingRecord>,
    /// Stands for this plan: applying checks the plan is still the same (the database may
    /// have changed since the preview).
    pub plan_hash: String,
    /// Set once the upload has been applied.
    pub applied_at: Option<DateTime<Utc>>,
    pub previewed_at: DateTime<Utc>,
}

/// Apply a previewed upload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportApply {
    /// The preview's `plan_hash`.
    pub plan_hash: String,
    /// Apply the rows without problems and skip the others (otherwise a file with problems is refused).
    #[serde(default)]
    pub only_valid_rows: bool,
    /// Records listed as missing that the admin confirms closing.
    #[serde(default)]
    pub close: Vec<i64>,
}

/// What applying did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ImportResult {
    pub id: String,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub closed: u32,
    pub skipped_rows: u32,
}
