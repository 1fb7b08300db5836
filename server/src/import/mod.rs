//! Registry import: an admin's file (XLSX, or CSV in UTF-8 or GBK/GB18030) of 托育机构 and
//! their places (`places`), or of home-care providers with their items and carers
//! (`providers`), previewed (every problem by row and column, every change field by field)
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
//! Providers likewise: by 统一社会信用代码 + 服务机构编号 or 服务机构名称; their items by item and
//! their carers by certificate number (items and carers the file does not list stay).

pub mod columns;
pub mod places;
pub mod plan;
pub mod population;
pub mod provider_plan;
pub mod providers;
pub mod table;
pub mod template;

use crate::db::imports::{self as repo, ExistingOrg, ExistingPlace};
use crate::db::provider_imports::{self as prepo, ExistingProvider, Orgs};
use crate::http::audit::{self, About, Actor};
use crate::http::error::{AppError, FieldErrors};
use app::model::import::{ImportApply, ImportIssue, ImportKind, ImportPreview, ImportResult, MissingRecord, PlannedRecord, TextEncoding};
use chrono::{DateTime, NaiveDate, Utc};
use columns::Problems;
use places::Areas;
use std::collections::{HashMap, HashSet};

/// The largest file taken (a 5,000-row XLSX is ~0.5 MB).
pub const MAX_FILE: usize = 10 * 1024 * 1024;

pub const SAMPLE_PRESENT: &str = "数据库里还有示例数据（示例机构、点位或服务机构）：真实数据不能与示例数据混在一起。\
请先运行 `server seed --remove-sample`，或换用新的数据库";

/// A file read and checked: its records by kind, and every problem.
pub enum Parsed {
    Places(places::Parsed),
    Providers(providers::Parsed),
    Population(population::Parsed),
}

impl Parsed {
    fn problems(&self) -> &Problems {
        match self {
            Parsed::Places(p) => &p.problems,
            Parsed::Providers(p) => &p.problems,
            Parsed::Population(p) => &p.problems,
        }
    }

    fn kind(&self) -> ImportKind {
        match self {
            Parsed::Places(_) => ImportKind::Places,
            Parsed::Providers(_) => ImportKind::Providers,
            Parsed::Population(_) => ImportKind::Population,
        }
    }

    fn read_as(&self) -> &str {
        match self {
            Parsed::Places(p) => &p.read_as,
            Parsed::Providers(p) => &p.read_as,
            Parsed::Population(p) => &p.read_as,
        }
    }

    fn rows(&self) -> u32 {
        match self {
            Parsed::Places(p) => p.rows,
            Parsed::Providers(p) => p.rows,
            Parsed::Population(p) => p.rows,
        }
    }

    /// Rows that belong to a record the file can import.
    fn kept_rows(&self) -> usize {
        let rows: HashSet<u32> = match self {
            Parsed::Places(p) => p.places.iter().flat_map(|r| r.rows.iter().copied()).collect(),
            Parsed::Providers(p) => p.providers.iter().flat_map(|r| r.rows.iter().copied()).collect(),
            Parsed::Population(p) => p.records.iter().map(|r| r.row).collect(),
        };
        rows.len()
    }
}

/// Reads and checks a file of `kind` (no database needed but the list of areas; `today`, the
/// Beijing date, for carers' certificates).
pub fn read(kind: ImportKind, bytes: &[u8], file_name: &str, encoding: TextEncoding, areas: &Areas, today: NaiveDate) -> Parsed {
    match (table::read(bytes, file_name, encoding), kind) {
        (Ok(t), ImportKind::Places) => Parsed::Places(places::parse(&t, areas)),
        (Ok(t), ImportKind::Providers) => Parsed::Providers(providers::parse(&t, areas, today)),
        (Ok(t), ImportKind::Population) => Parsed::Population(population::parse(&t, areas)),
        (Err(issue), kind) => {
            let mut problems = Problems::default();
            problems.fatal_at(issue.row, &issue.column, issue.message);
            match kind {
                ImportKind::Places => Parsed::Places(places::Parsed { read_as: String::new(), orgs: HashMap::new(), places: vec![], problems, rows: 0 }),
                ImportKind::Providers => Parsed::Providers(providers::Parsed { read_as: String::new(), providers: vec![], problems, rows: 0 }),
                ImportKind::Population => Parsed::Population(population::Parsed { read_as: String::new(), records: vec![], problems, rows: 0 }),
            }
        }
    }
}

/// The areas a file's 所在区 and 街道 are matched against.
pub async fn areas(conn: &mut crate::db::Conn) -> Result<Areas, AppError> {
    Ok(Areas::new(repo::areas(conn).await?))
}

/// What a file compared with the database holds, by kind.
enum Compared {
    Places { plan: plan::Plan, orgs: HashMap<String, ExistingOrg>, existing: Vec<ExistingPlace> },
    Providers { plan: provider_plan::Plan, orgs: Orgs, existing: Vec<ExistingProvider> },
    Population { plan: population::Plan },
}

/// A file read and compared with the database: what the preview shows, and what applying needs.
pub struct Prepared {
    pub preview: ImportPreview,
    parsed: Parsed,
    compared: Compared,
    sample_present: bool,
}

/// Compares `parsed` with the database (`conn`: a reader for a preview, the writer's
/// transaction when applying).
pub async fn prepare(
    conn: &mut crate::db::Conn,
    (id, file_name): (&str, &str),
    parsed: Parsed,
    previewed_at: DateTime<Utc>,
) -> Result<Prepared, AppError> {
    let sample_present = repo::holds_sample(conn).await?;
    let street_names: HashMap<String, String> =
        repo::areas(conn).await?.into_iter().filter(|a| a.1.is_some()).map(|(id, _, _, name, _, _)| (id, name)).collect();
    let (compared, create, update, unchanged, missing, org_updates): (Compared, Vec<PlannedRecord>, Vec<PlannedRecord>, u32, Vec<MissingRecord>, Vec<String>) =
        match &parsed {
            Parsed::Places(parsed) => {
                let mut usccs: Vec<String> = parsed.orgs.keys().cloned().collect();
                usccs.sort();
                let districts = sorted(parsed.places.iter().map(|p| p.district_id.clone()));
                let (orgs, existing) = repo::existing(conn, &usccs, &districts).await?;
                let plan = plan::plan(parsed, &orgs, &existing, &street_names)?;
                let view = (plan.create.clone(), plan.update.clone(), plan.unchanged, plan.missing.clone(), plan.org_updates.clone());
                (Compared::Places { plan, orgs, existing }, view.0, view.1, view.2, view.3, view.4)
            }
            Parsed::Providers(parsed) => {
                let usccs = sorted(parsed.providers.iter().map(|p| p.uscc.clone()));
                let districts = sorted(parsed.providers.iter().map(|p| p.district_id.clone()));
                let (orgs, existing) = prepo::existing(conn, &usccs, &districts).await?;
                let plan = provider_plan::plan(parsed, &orgs, &existing, &street_names)?;
                let view = (plan.create.clone(), plan.update.clone(), plan.unchanged, plan.missing.clone(), plan.org_updates.clone());
                (Compared::Providers { plan, orgs, existing }, view.0, view.1, view.2, view.3, view.4)
            }
            Parsed::Population(parsed) => {
                let keys: Vec<(String, i32)> = parsed.records.iter().map(|r| (r.street_id.clone(), r.year)).collect();
                let existing = crate::db::population::existing(conn, &keys).await?;
                let plan = population::plan(parsed, &existing);
                let view = (plan.create.clone(), plan.update.clone(), plan.unchanged);
                (Compared::Population { plan }, view.0, view.1, view.2, vec![], vec![])
            }
        };
    let mut issues = parsed.problems().issues();
    if sample_present {
        issues.insert(0, ImportIssue { row: 0, column: String::new(), message: SAMPLE_PRESENT.into() });
    }
    let error_rows = if parsed.problems().fatal() { parsed.rows() } else { parsed.rows() - parsed.kept_rows() as u32 };
    let plan_hash = {
        let v = serde_json::json!([parsed.kind(), issues, create, update, unchanged, missing, org_updates]);
        crate::http::device::sha256_hex(v.to_string().as_bytes())
    };
    let preview = ImportPreview {
        id: id.to_string(),
        kind: parsed.kind(),
        file_name: file_name.to_string(),
        read_as: parsed.read_as().to_string(),
        rows: parsed.rows(),
        error_rows,
        issues,
        create,
        update,
        unchanged,
        missing,
        plan_hash,
        applied_at: None,
        previewed_at,
    };
    Ok(Prepared { preview, parsed, compared, sample_present })
}

fn sorted(it: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = it.collect();
    v.sort();
    v.dedup();
    v
}

/// Applies a prepared file inside the caller's transaction: refused if the plan is not the
/// one previewed, if the file has problems and `only_valid_rows` was not asked, or if the
/// database holds sample data.
pub async fn execute(
    conn: &mut crate::db::Conn,
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
    if p.parsed.problems().fatal() {
        return Err(AppError::field("file", "文件本身有问题（见预览），无法导入"));
    }
    if p.parsed.problems().any() && !ask.only_valid_rows {
        return Err(AppError::field(
            "only_valid_rows",
            format!("文件有 {} 行有问题：请修改文件后重新上传，或选择“只导入无误的行”", p.preview.error_rows),
        ));
    }
    let mut errors = FieldErrors::new();
    let what = match p.preview.kind {
        ImportKind::Places => "点位",
        ImportKind::Providers => "服务机构",
        ImportKind::Population => "人口数据",
    };
    for id in &ask.close {
        if !p.preview.missing.iter().any(|m| m.id == *id) {
            errors.push("close", format!("{what} {id} 不在“本次文件中没有”的列表里"));
        }
    }
    errors.into_result()?;
    let mut result = ImportResult {
        id: p.preview.id.clone(),
        created: 0,
        updated: 0,
        unchanged: p.preview.unchanged,
        closed: 0,
        skipped_rows: p.preview.error_rows,
    };
    match (&p.parsed, &p.compared) {
        (Parsed::Places(parsed), Compared::Places { plan, orgs, existing }) => {
            execute_places(conn, p, (parsed, plan, orgs, existing), ask, (actor, now), &mut result).await?
        }
        (Parsed::Providers(parsed), Compared::Providers { plan, orgs, existing }) => {
            execute_providers(conn, p, (parsed, plan, orgs, existing), ask, (actor, now), &mut result).await?
        }
        (Parsed::Population(parsed), Compared::Population { plan }) => {
            let t = now.timestamp();
            let (mut ci, mut ui) = (0, 0);
            for &(i, created) in &plan.writes {
                let rec = &parsed.records[i];
                crate::db::population::upsert(conn, rec, t).await?;
                let planned = if created { ci += 1; &plan.create[ci - 1] } else { ui += 1; &plan.update[ui - 1] };
                audit::record_by(conn, (actor, now), About::Organisation(None), if created { "population_import_create" } else { "population_import_update" },
                    serde_json::json!({ "import": p.preview.id, "street": rec.street_id, "year": rec.year, "rows": planned.rows, "changes": planned.changes })).await?;
                if created { result.created += 1 } else { result.updated += 1 }
            }
        }
        _ => return Err(AppError::Internal(anyhow::anyhow!("import kinds differ"))),
    }
    Ok(result)
}

type PlacesParts<'a> = (&'a places::Parsed, &'a plan::Plan, &'a HashMap<String, ExistingOrg>, &'a [ExistingPlace]);

async fn execute_places(
    conn: &mut crate::db::Conn,
    p: &Prepared,
    (parsed, plan, orgs, existing): PlacesParts<'_>,
    ask: &ImportApply,
    (actor, now): (Actor<'_>, DateTime<Utc>),
    result: &mut ImportResult,
) -> Result<(), AppError> {
    let t = now.timestamp();
    let mut org_ids: HashMap<&str, i64> = orgs.iter().map(|(k, o)| (k.as_str(), o.id)).collect();
    for code in &plan.org_updates {
        let (o, id) = (&parsed.orgs[code], orgs[code].id);
        repo::update_org(conn, id, o, t).await?;
        let before = &orgs[code];
        let detail = serde_json::json!({ "before": { "name": before.name, "beian_status": before.beian_status, "beian_number": before.beian_number },
                                         "after": { "name": o.name, "beian_status": o.beian_status.code(), "beian_number": o.beian_number } });
        audit::record_by(conn, (actor, now), About::Organisation(Some(id)), "organisation_import_update", detail).await?;
    }
    let (mut ci, mut ui) = (0, 0);
    for op in &plan.ops {
        match *op {
            plan::Op::Create { place, is_main } => {
                let rec = &parsed.places[place];
                let org = match org_ids.get(rec.uscc.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = repo::insert_org(conn, &parsed.orgs[&rec.uscc], t).await?;
                        audit::record_by(conn, (actor, now), About::Organisation(Some(id)), "organisation_import_create", &parsed.orgs[&rec.uscc].name).await?;
                        org_ids.insert(rec.uscc.as_str(), id);
                        id
                    }
                };
                let id = repo::insert_place(conn, org, rec, is_main, t).await?;
                let planned = &plan.create[ci];
                ci += 1;
                audit::record_by(conn, (actor, now), About::Place { org, place: id, class: None }, "place_import_create",
                    serde_json::json!({ "import": p.preview.id, "rows": planned.rows, "changes": planned.changes })).await?;
                result.created += 1;
            }
            plan::Op::Update { place, existing: ei, is_main } => {
                let (rec, e) = (&parsed.places[place], &existing[ei]);
                repo::update_place(conn, e, rec, is_main, t).await?;
                let planned = &plan.update[ui];
                ui += 1;
                audit::record_by(conn, (actor, now), About::Place { org: e.organisation_id, place: e.id, class: None }, "place_import_update",
                    serde_json::json!({ "import": p.preview.id, "rows": planned.rows, "changes": planned.changes })).await?;
                result.updated += 1;
            }
        }
    }
    for id in &ask.close {
        let e = existing.iter().find(|e| e.id == *id).ok_or_else(|| AppError::NotFound("没有这个点位".into()))?;
        if repo::close_place(conn, *id, t).await? {
            audit::record_by(conn, (actor, now), About::Place { org: e.organisation_id, place: e.id, class: None }, "place_close",
                serde_json::json!({ "import": p.preview.id, "reason": "本次文件中没有" })).await?;
            result.closed += 1;
        }
    }
    Ok(())
}

type ProvidersParts<'a> = (&'a providers::Parsed, &'a provider_plan::Plan, &'a Orgs, &'a [ExistingProvider]);

async fn execute_providers(
    conn: &mut crate::db::Conn,
    p: &Prepared,
    (parsed, plan, orgs, existing): ProvidersParts<'_>,
    ask: &ImportApply,
    (actor, now): (Actor<'_>, DateTime<Utc>),
    result: &mut ImportResult,
) -> Result<(), AppError> {
    let t = now.timestamp();
    let mut org_ids: HashMap<&str, i64> = orgs.iter().map(|(k, (id, _))| (k.as_str(), *id)).collect();
    for code in &plan.org_updates {
        let (id, before) = &orgs[code];
        let after = &parsed.providers.iter().find(|r| &r.uscc == code).map(|r| r.org_name.clone()).unwrap_or_default();
        prepo::rename_org(conn, *id, after, t).await?;
        audit::record_by(conn, (actor, now), About::Organisation(Some(*id)), "organisation_import_update",
            serde_json::json!({ "before": { "name": before }, "after": { "name": after } })).await?;
    }
    let (mut ci, mut ui) = (0, 0);
    for op in &plan.ops {
        match *op {
            provider_plan::Op::Create { provider } => {
                let rec = &parsed.providers[provider];
                let org = match org_ids.get(rec.uscc.as_str()) {
                    Some(&id) => id,
                    None => {
                        let id = prepo::insert_org(conn, &rec.uscc, &rec.org_name, t).await?;
                        audit::record_by(conn, (actor, now), About::Organisation(Some(id)), "organisation_import_create", &rec.org_name).await?;
                        org_ids.insert(rec.uscc.as_str(), id);
                        id
                    }
                };
                let id = prepo::insert_provider(conn, org, rec, t).await?;
                let planned = &plan.create[ci];
                ci += 1;
                audit::record_by(conn, (actor, now), About::Organisation(Some(org)), "provider_import_create",
                    serde_json::json!({ "import": p.preview.id, "provider": id, "rows": planned.rows, "changes": planned.changes })).await?;
                result.created += 1;
            }
            provider_plan::Op::Update { provider, existing: ei } => {
                let (rec, e) = (&parsed.providers[provider], &existing[ei]);
                prepo::update_provider(conn, e, rec, t).await?;
                let planned = &plan.update[ui];
                ui += 1;
                audit::record_by(conn, (actor, now), About::Organisation(Some(e.organisation_id)), "provider_import_update",
                    serde_json::json!({ "import": p.preview.id, "provider": e.id, "rows": planned.rows, "changes": planned.changes })).await?;
                result.updated += 1;
            }
        }
    }
    for id in &ask.close {
        let e = existing.iter().find(|e| e.id == *id).ok_or_else(|| AppError::NotFound("没有这个服务机构".into()))?;
        if prepo::close_provider(conn, *id, t).await? {
            audit::record_by(conn, (actor, now), About::Organisation(Some(e.organisation_id)), "provider_close",
                serde_json::json!({ "import": p.preview.id, "provider": e.id, "reason": "本次文件中没有" })).await?;
            result.closed += 1;
        }
    }
    Ok(())
}
