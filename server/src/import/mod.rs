//! Registry import: an admin's file (XLSX, or CSV in UTF-8 or GBK/GB18030) of 托育机构 and
//! their places, previewed (every problem by row and column, every change field by field)
//! and then applied in one transaction. The CLI (`server import …`) and the admin desk
//! (`/api/v1/admin/imports`) run the same steps:
//!
//! 1. `read` — bytes → table → records, with the problems (CPU work: the blocking pool);
//! 2. `prepare` — the plan against the database (creates, updates, unchanged, missing);
//! 3. `execute` — inside the writer's transaction: the plan is made again and must be the
//!    one previewed (`plan_hash`), then written with an audit entry per change.
//!
//! Matching: organisations by 统一社会信用代码, places by organisation + 点位编号 (when the
//! file has it) or 点位名称; an unchanged row writes nothing, so a second import of the same
//! file changes nothing. Places the file no longer lists are closed only when confirmed.

pub mod columns;
pub mod places;
pub mod plan;
pub mod table;
pub mod template;

use crate::db::imports::{self as repo, ExistingOrg, ExistingPlace};
use crate::http::audit::{self, About, Actor};
use crate::http::error::{AppError, FieldErrors};
use app::model::import::{ImportApply, ImportIssue, ImportKind, ImportPreview, ImportResult, TextEncoding};
use chrono::{DateTime, Utc};
use places::{Areas, Parsed};
use sqlx::SqliteConnection;
use std::collections::HashMap;

/// The largest file taken (a 5,000-row XLSX is ~0.5 MB).
pub const MAX_FILE: usize = 10 * 1024 * 1024;

pub const SAMPLE_PRESENT: &str = "数据库里还有示例数据（示例机构、点位或服务机构）：真实数据不能与示例数据混在一起。\
请先运行 `server seed --remove-sample`，或换用新的数据库";

/// Reads and checks a places file (no database needed but the list of areas).
pub fn read(bytes: &[u8], file_name: &str, encoding: TextEncoding, areas: &Areas) -> Parsed {
    match table::read(bytes, file_name, encoding) {
        Ok(t) => places::parse(&t, areas),
        Err(issue) => {
            let mut problems = columns::Problems::default();
            problems.fatal_at(issue.row, &issue.column, issue.message);
            Parsed { read_as: String::new(), orgs: HashMap::new(), places: vec![], problems, rows: 0 }
        }
    }
}

/// The areas a file's 所在区 and 街道 are matched against.
pub async fn areas(conn: &mut SqliteConnection) -> Result<Areas, AppError> {
    Ok(Areas::new(repo::areas(conn).await?))
}

/// A file read and compared with the database: what the preview shows, and what applying needs.
pub struct Prepared {
    pub preview: ImportPreview,
    parsed: Parsed,
    plan: plan::Plan,
    orgs: HashMap<String, ExistingOrg>,
    existing: Vec<ExistingPlace>,
    sample_present: bool,
}

/// Compares `parsed` with the database (`conn`: a reader for a preview, the writer's
/// transaction when applying).
pub async fn prepare(
    conn: &mut SqliteConnection,
    (id, file_name): (&str, &str),
    parsed: Parsed,
    previewed_at: DateTime<Utc>,
) -> Result<Prepared, AppError> {
    let sample_present = repo::holds_sample(conn).await?;
    let mut usccs: Vec<String> = parsed.orgs.keys().cloned().collect();
    usccs.sort();
    let mut districts: Vec<String> = parsed.places.iter().map(|p| p.district_id.clone()).collect();
    districts.sort();
    districts.dedup();
    let (orgs, existing) = repo::existing(conn, &usccs, &districts).await?;
    let street_names: HashMap<String, String> =
        repo::areas(conn).await?.into_iter().filter(|a| a.1.is_some()).map(|(id, _, _, name, _, _)| (id, name)).collect();
    let plan = plan::plan(&parsed, &orgs, &existing, &street_names)?;
    let mut issues = parsed.problems.issues();
    if sample_present {
        issues.insert(0, ImportIssue { row: 0, column: String::new(), message: SAMPLE_PRESENT.into() });
    }
    let kept: std::collections::HashSet<u32> = parsed.places.iter().flat_map(|p| p.rows.iter().copied()).collect();
    let error_rows = if parsed.problems.fatal() { parsed.rows } else { parsed.rows - kept.len() as u32 };
    let plan_hash = {
        let v = serde_json::json!([issues, plan.create, plan.update, plan.unchanged, plan.missing, plan.org_updates]);
        crate::http::device::sha256_hex(v.to_string().as_bytes())
    };
    let preview = ImportPreview {
        id: id.to_string(),
        kind: ImportKind::Places,
        file_name: file_name.to_string(),
        read_as: parsed.read_as.clone(),
        rows: parsed.rows,
        error_rows,
        issues,
        create: plan.create.clone(),
        update: plan.update.clone(),
        unchanged: plan.unchanged,
        missing: plan.missing.clone(),
        plan_hash,
        applied_at: None,
        previewed_at,
    };
    Ok(Prepared { preview, parsed, plan, orgs, existing, sample_present })
}

/// Applies a prepared file inside the caller's transaction: refused if the plan is not the
/// one previewed, if the file has problems and `only_valid_rows` was not asked, or if the
/// database holds sample data.
pub async fn execute(
    conn: &mut SqliteConnection,
    p: &Prepared,
    ask: &ImportApply,
    (actor, now): (Actor<'_>, DateTime<Utc>),
) -> Result<ImportResult, AppError> {
    if p.sample_present {
        return Err(AppError::field("file", SAMPLE_PRESENT));
    }
    if ask.plan_hash != p.preview.plan_hash {
        return Err(AppError::Conflict("预览之后数据库或文件已有变化，请重新预览后再导入".into()));
    }
    if p.parsed.problems.fatal() {
        return Err(AppError::field("file", "文件本身有问题（见预览），无法导入"));
    }
    if p.parsed.problems.any() && !ask.only_valid_rows {
        return Err(AppError::field(
            "only_valid_rows",
            format!("文件有 {} 行有问题：请修改文件后重新上传，或选择“只导入无误的行”", p.preview.error_rows),
        ));
    }
    let mut errors = FieldErrors::new();
    for id in &ask.close {
        if !p.plan.missing.iter().any(|m| m.id == *id) {
            errors.push("close", format!("点位 {id} 不在“本次文件中没有”的列表里"));
        }
    }
    errors.into_result()?;
    let t = now.timestamp();
    let mut org_ids: HashMap<&str, i64> = p.orgs.iter().map(|(k, o)| (k.as_str(), o.id)).collect();
    for code in &p.plan.org_updates {
        let (o, id) = (&p.parsed.orgs[code], p.orgs[code].id);
        repo::update_org(conn, id, o, t).await?;
        let before = &p.orgs[code];
        let detail = serde_json::json!({ "before": { "name": before.name, "beian_status": before.beian_status, "beian_number": before.beian_number },
                                         "after": { "name": o.name, "beian_status": o.beian_status.code(), "beian_number": o.beian_number } });
        audit::record_by(conn, (actor, now), About::Organisation(Some(id)), "organisation_import_update", detail).await?;
    }
    let mut result = ImportResult { id: p.preview.id.clone(), created: 0, updated: 0, unchanged: p.plan.unchanged, closed: 0, skipped_rows: p.preview.error_rows };
    let (mut ci, mut ui) = (0, 0);
    for op in &p.plan.ops {
        match *op {
            plan::Op::Create { place, is_main } => {
                let rec = &p.parsed.places[place];
                let org = match org_ids.get(rec.uscc.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = repo::insert_org(conn, &p.parsed.orgs[&rec.uscc], t).await?;
                        audit::record_by(conn, (actor, now), About::Organisation(Some(id)), "organisation_import_create", &p.parsed.orgs[&rec.uscc].name).await?;
                        org_ids.insert(rec.uscc.as_str(), id);
                        id
                    }
                };
                let id = repo::insert_place(conn, org, rec, is_main, t).await?;
                let planned = &p.plan.create[ci];
                ci += 1;
                audit::record_by(conn, (actor, now), About::Place { org, place: id, class: None }, "place_import_create",
                    serde_json::json!({ "import": p.preview.id, "rows": planned.rows, "changes": planned.changes })).await?;
                result.created += 1;
            }
            plan::Op::Update { place, existing, is_main } => {
                let (rec, e) = (&p.parsed.places[place], &p.existing[existing]);
                repo::update_place(conn, e, rec, is_main, t).await?;
                let planned = &p.plan.update[ui];
                ui += 1;
                audit::record_by(conn, (actor, now), About::Place { org: e.organisation_id, place: e.id, class: None }, "place_import_update",
                    serde_json::json!({ "import": p.preview.id, "rows": planned.rows, "changes": planned.changes })).await?;
                result.updated += 1;
            }
        }
    }
    for id in &ask.close {
        let e = p.existing.iter().find(|e| e.id == *id).ok_or_else(|| AppError::NotFound("没有这个点位".into()))?;
        if repo::close_place(conn, *id, t).await? {
            audit::record_by(conn, (actor, now), About::Place { org: e.organisation_id, place: e.id, class: None }, "place_close",
                serde_json::json!({ "import": p.preview.id, "reason": "本次文件中没有" })).await?;
            result.closed += 1;
        }
    }
    Ok(result)
}
