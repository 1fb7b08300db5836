//! What a providers file would change, compared with the database: new providers, changed ones
//! (field by field, each item and carer the file lists as its own line), unchanged ones, and
//! open providers of the file's districts that it no longer lists.

use super::plan::{diff, position, Matcher};
use super::providers::{self as cols, CarerRecord, ItemRecord, ProviderRecord, Serves};
use crate::db::provider_imports::{ExistingProvider, Orgs};
use crate::http::error::AppError;
use app::model::import::{MissingRecord, PlannedRecord};
use std::collections::{HashMap, HashSet};

pub enum Op {
    Create { provider: usize },
    Update { provider: usize, existing: usize },
}

pub struct Plan {
    pub create: Vec<PlannedRecord>,
    pub update: Vec<PlannedRecord>,
    pub unchanged: u32,
    pub missing: Vec<MissingRecord>,
    pub ops: Vec<Op>,
    /// Organisations (by code) whose name the file changes.
    pub org_updates: Vec<String>,
}

fn serves_text(s: &Serves, street_names: &HashMap<String, String>) -> String {
    match s {
        Serves::Radius(m) => format!("{m} 米内上门"),
        Serves::Streets(ids) => ids.iter().map(|i| street_names.get(i).cloned().unwrap_or_else(|| i.clone())).collect::<Vec<_>>().join("、"),
    }
}

fn item_line(i: &ItemRecord) -> (String, String) {
    let mut v = format!("{} 分钟 · {} 元/次", i.duration_min, i.price_yuan);
    if !i.meal_modes.is_empty() {
        v += &format!(" · {}", i.meal_modes.iter().map(|m| m.label()).collect::<Vec<_>>().join("、"));
    }
    if !i.active {
        v += "（已停止提供）";
    }
    (format!("服务项目 {}", i.item.label()), v)
}

fn carer_line(c: &CarerRecord) -> (String, String) {
    let c = &c.carer;
    (
        format!("护理员 {}", c.certificate_no.trim()),
        format!("{} · {} · {} · 有效期至 {}", c.name.trim(), c.level.label(), c.phone.trim(), c.certificate_expires_on.trim()),
    )
}

/// A provider's facts as (column, text), with the items and carers given.
fn facts(p: &ProviderRecord, org_name: &str, street_names: &HashMap<String, String>, items: &[&ItemRecord], carers: &[&CarerRecord]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![
        (cols::ORG.into(), org_name.to_string()),
        (cols::NAME.into(), p.name.clone()),
        (cols::CODE.into(), p.registry_code.clone().unwrap_or_default()),
        (cols::KIND.into(), p.kind.label().into()),
        (super::places::STREET.into(), street_names.get(&p.street_id).cloned().unwrap_or_default()),
        (cols::ADDRESS.into(), p.address.clone()),
        ("位置".into(), position(p.lat, p.lng, p.location_unverified)),
        (cols::PHONE.into(), p.phone.clone()),
        (cols::EMERGENCY.into(), p.emergency_phone.clone()),
        ("服务范围".into(), serves_text(&p.serves, street_names)),
        (cols::CANCEL.into(), p.cancel_window_h.to_string()),
    ];
    v.extend(items.iter().map(|i| item_line(i)));
    v.extend(carers.iter().map(|c| carer_line(c)));
    v
}

fn facts_of_existing(e: &ExistingProvider, rec: &ProviderRecord, street_names: &HashMap<String, String>) -> Result<Vec<(String, String)>, AppError> {
    let as_record = ProviderRecord {
        rows: vec![],
        uscc: e.uscc.clone(),
        org_name: e.org_name.clone(),
        registry_code: e.registry_code.clone(),
        name: e.name.clone(),
        kind: e.kind()?,
        district_id: e.district_id.clone(),
        street_id: e.street_id.clone(),
        address: e.address.clone(),
        lat: e.lat,
        lng: e.lng,
        location_unverified: e.location_unverified,
        phone: e.phone.clone(),
        emergency_phone: e.emergency_phone.clone(),
        serves: e.serves(),
        cancel_window_h: e.cancel_window_h as u32,
        items: vec![],
        carers: vec![],
    };
    // Only the items and carers the file lists are compared: others stay as they are.
    let items: Vec<&ItemRecord> = e.items.iter().filter(|i| rec.items.iter().any(|r| r.item == i.item)).collect();
    let carers: Vec<&CarerRecord> =
        e.carers.iter().map(|(_, c)| c).filter(|c| rec.carers.iter().any(|r| r.carer.certificate_no.trim() == c.carer.certificate_no)).collect();
    let mut v = facts(&as_record, &e.org_name, street_names, &items, &carers);
    if e.closed {
        v.push(("状态".into(), "已关闭".into()));
    }
    Ok(v)
}

pub fn plan(
    parsed: &super::providers::Parsed,
    orgs: &Orgs,
    existing: &[ExistingProvider],
    street_names: &HashMap<String, String>,
) -> Result<Plan, AppError> {
    let mut matcher = Matcher::new(existing.iter().map(|p| (p.uscc.as_str(), p.registry_code.as_deref(), p.name.as_str())));
    let mut plan = Plan { create: vec![], update: vec![], unchanged: 0, missing: vec![], ops: vec![], org_updates: vec![] };
    for (pi, p) in parsed.providers.iter().enumerate() {
        let found = matcher.find(&p.uscc, p.registry_code.as_deref(), &p.name);
        let label = format!("{} · {}", p.org_name, p.name);
        let items: Vec<&ItemRecord> = p.items.iter().collect();
        let carers: Vec<&CarerRecord> = p.carers.iter().collect();
        let after = facts(p, &p.org_name, street_names, &items, &carers);
        match found {
            Some(ei) => {
                let changes = diff(&facts_of_existing(&existing[ei], p, street_names)?, &after);
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.update.push(PlannedRecord { rows: p.rows.clone(), name: label, id: Some(existing[ei].id), changes });
                    plan.ops.push(Op::Update { provider: pi, existing: ei });
                }
            }
            None => {
                plan.create.push(PlannedRecord { rows: p.rows.clone(), name: label, id: None, changes: diff(&[], &after) });
                plan.ops.push(Op::Create { provider: pi });
            }
        }
        if orgs.get(&p.uscc).is_some_and(|(_, name)| *name != p.org_name) && !plan.org_updates.contains(&p.uscc) {
            plan.org_updates.push(p.uscc.clone());
        }
    }
    plan.org_updates.sort();
    // As for places: no "missing" list while the file has problems.
    if parsed.problems.any() {
        return Ok(plan);
    }
    let districts: HashSet<&str> = parsed.providers.iter().map(|p| p.district_id.as_str()).collect();
    for (i, e) in existing.iter().enumerate() {
        if !matcher.taken(i) && !e.closed && districts.contains(e.district_id.as_str()) {
            plan.missing.push(MissingRecord { id: e.id, name: e.name.clone(), organisation: e.org_name.clone(), street_name: e.street_name.clone() });
        }
    }
    Ok(plan)
}
