//! What a places file would change, compared with the database: new places, changed places
//! (field by field, as the preview shows them), unchanged ones, and open places of the
//! file's districts that it no longer lists.

use super::places::{self as cols, format_fees, ClassRecord, OrgRecord, Parsed, PlaceRecord};
use crate::db::imports::{ExistingOrg, ExistingPlace};
use crate::http::error::AppError;
use app::model::import::{FieldChange, MissingRecord, PlannedRecord};
use std::collections::{HashMap, HashSet};

/// Finds the database record a file's record stands for: by (统一社会信用代码, registry number)
/// when the file gives the number, else by (统一社会信用代码, name); each record at most once.
pub(super) struct Matcher<'a> {
    by_code: HashMap<(&'a str, &'a str), usize>,
    by_name: HashMap<(&'a str, &'a str), usize>,
    matched: HashSet<usize>,
}

impl<'a> Matcher<'a> {
    /// From the database's records as (code, registry number, name), in their order.
    pub fn new(records: impl Iterator<Item = (&'a str, Option<&'a str>, &'a str)>) -> Self {
        let (mut by_code, mut by_name) = (HashMap::new(), HashMap::new());
        for (i, (uscc, code, name)) in records.enumerate() {
            if let Some(c) = code {
                by_code.insert((uscc, c), i);
            }
            by_name.entry((uscc, name)).or_insert(i);
        }
        Matcher { by_code, by_name, matched: HashSet::new() }
    }

    /// The record for (code, registry number, name), now taken.
    pub fn find(&mut self, uscc: &str, code: Option<&str>, name: &str) -> Option<usize> {
        let found = code
            .and_then(|c| self.by_code.get(&(uscc, c)))
            .or_else(|| self.by_name.get(&(uscc, name)))
            .copied()
            .filter(|i| !self.matched.contains(i));
        if let Some(i) = found {
            self.matched.insert(i);
        }
        found
    }

    pub fn taken(&self, i: usize) -> bool {
        self.matched.contains(&i)
    }
}

/// One thing applying does.
pub enum Op {
    Create { place: usize, is_main: bool },
    Update { place: usize, existing: usize, is_main: bool },
}

pub struct Plan {
    pub create: Vec<PlannedRecord>,
    pub update: Vec<PlannedRecord>,
    pub unchanged: u32,
    pub missing: Vec<MissingRecord>,
    pub ops: Vec<Op>,
    /// Organisations whose name or 备案 the file changes (by code).
    pub org_updates: Vec<String>,
}

pub(super) fn position(lat: f64, lng: f64, unverified: bool) -> String {
    if unverified {
        "位置待核实（街道中心）".into()
    } else {
        format!("{lat:.6}, {lng:.6}")
    }
}

fn class_key(c: &ClassRecord) -> String {
    format!("班级 {}·{}", c.age_band.label(), c.care_mode.label())
}

fn class_figures(c: &ClassRecord) -> String {
    format!("托位 {} · 在托 {} · 空位 {} · 普惠 {}", c.capacity, c.enrolled, c.vacancies, c.puhui_slots)
}

fn yes(b: bool) -> String {
    if b { "是" } else { "否" }.into()
}

/// A place's facts as (column, text): compared as text, shown as text.
fn facts_of_record(o: &OrgRecord, p: &PlaceRecord, is_main: bool, street_name: &str) -> Vec<(String, String)> {
    let mut v = vec![
        (cols::ORG.to_string(), o.name.clone()),
        (cols::BEIAN.to_string(), o.beian_status.label().to_string()),
        (cols::BEIAN_NO.to_string(), o.beian_number.clone().unwrap_or_default()),
        (cols::PLACE.to_string(), p.name.clone()),
        (cols::CODE.to_string(), p.registry_code.clone().unwrap_or_default()),
        (cols::MAIN.to_string(), if is_main { cols::MAIN_CENTRE } else { cols::COMMUNITY_POINT }.to_string()),
        (cols::TYPE.to_string(), p.provider_type.label().to_string()),
        (cols::STREET.to_string(), street_name.to_string()),
        (cols::ADDRESS.to_string(), p.address.clone()),
        ("位置".to_string(), position(p.lat, p.lng, p.location_unverified)),
        (cols::PHONE.to_string(), p.phone.clone()),
        (cols::HOURS.to_string(), p.opening_hours.clone()),
        (cols::FEES.to_string(), format_fees(&p.care_modes)),
        (cols::PUHUI.to_string(), yes(p.puhui)),
        (cols::PUHUI_FEE.to_string(), p.puhui_fee_yuan.map(|f| f.to_string()).unwrap_or_default()),
        (cols::BADGES.to_string(), p.badges.iter().map(|b| b.label()).collect::<Vec<_>>().join("、")),
    ];
    v.extend(p.classes.iter().flatten().map(|c| (class_key(c), class_figures(c))));
    v
}

fn facts_of_existing(o: &ExistingOrg, p: &ExistingPlace, file_lists_classes: bool) -> Result<Vec<(String, String)>, AppError> {
    let org = OrgRecord { uscc: o.uscc.clone(), name: o.name.clone(), beian_status: o.beian()?, beian_number: o.beian_number.clone() };
    let place = PlaceRecord {
        rows: vec![],
        uscc: p.uscc.clone(),
        registry_code: p.registry_code.clone(),
        name: p.name.clone(),
        is_main: Some(p.is_main),
        provider_type: p.provider_type()?,
        district_id: p.district_id.clone(),
        street_id: p.street_id.clone(),
        address: p.address.clone(),
        lat: p.lat,
        lng: p.lng,
        location_unverified: p.location_unverified,
        phone: p.phone.clone(),
        opening_hours: p.opening_hours.clone(),
        care_modes: p.care_modes.clone(),
        puhui: p.puhui,
        puhui_fee_yuan: p.puhui_fee_yuan.map(|f| f as u32),
        badges: p.badges.clone(),
        classes: file_lists_classes.then(|| p.classes.iter().map(|(_, c)| c.clone()).collect()),
    };
    let mut v = facts_of_record(&org, &place, p.is_main, &p.street_name);
    if p.closed {
        v.push(("状态".into(), "已关闭".into()));
    }
    Ok(v)
}

/// Changes from `before` to `after`, in the order of `after` then what `after` no longer has.
pub(super) fn diff(before: &[(String, String)], after: &[(String, String)]) -> Vec<FieldChange> {
    let old: HashMap<&str, &str> = before.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let new: HashSet<&str> = after.iter().map(|(k, _)| k.as_str()).collect();
    let mut out: Vec<FieldChange> = after
        .iter()
        .filter(|(k, v)| old.get(k.as_str()) != Some(&v.as_str()))
        .map(|(k, v)| FieldChange { column: k.clone(), before: old.get(k.as_str()).unwrap_or(&"").to_string(), after: v.clone() })
        .collect();
    for (k, v) in before {
        if !new.contains(k.as_str()) {
            let after = if k == "状态" { "开放".to_string() } else { "（删除）".to_string() };
            out.push(FieldChange { column: k.clone(), before: v.clone(), after });
        }
    }
    out
}

/// The plan for `parsed` against what the database holds; `street_names` by 街道 id.
pub fn plan(
    parsed: &Parsed,
    orgs: &HashMap<String, ExistingOrg>,
    existing: &[ExistingPlace],
    street_names: &HashMap<String, String>,
) -> Result<Plan, AppError> {
    let mut matcher = Matcher::new(existing.iter().map(|p| (p.uscc.as_str(), p.registry_code.as_deref(), p.name.as_str())));
    let mut plan = Plan { create: vec![], update: vec![], unchanged: 0, missing: vec![], ops: vec![], org_updates: vec![] };
    // An organisation's first place in the file is its main one when the file does not say
    // and the database has none for it yet.
    let mut has_main: HashSet<&str> = existing.iter().filter(|p| p.is_main && !p.closed).map(|p| p.uscc.as_str()).collect();
    for (pi, p) in parsed.places.iter().enumerate() {
        let org = &parsed.orgs[&p.uscc];
        let found = matcher.find(&p.uscc, p.registry_code.as_deref(), &p.name);
        let street = street_names.get(&p.street_id).cloned().unwrap_or_default();
        let label = format!("{} · {}", org.name, p.name);
        match found {
            Some(ei) => {
                let e = &existing[ei];
                let is_main = p.is_main.unwrap_or(e.is_main);
                let before = facts_of_existing(&orgs[&p.uscc], e, p.classes.is_some())?;
                let changes = diff(&before, &facts_of_record(org, p, is_main, &street));
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.update.push(PlannedRecord { rows: p.rows.clone(), name: label, id: Some(e.id), changes });
                    plan.ops.push(Op::Update { place: pi, existing: ei, is_main });
                }
            }
            None => {
                let is_main = p.is_main.unwrap_or_else(|| !has_main.contains(p.uscc.as_str()));
                let changes = diff(&[], &facts_of_record(org, p, is_main, &street));
                plan.create.push(PlannedRecord { rows: p.rows.clone(), name: label, id: None, changes });
                plan.ops.push(Op::Create { place: pi, is_main });
            }
        }
        if p.is_main != Some(false) {
            has_main.insert(p.uscc.as_str());
        }
    }
    for (code, o) in &parsed.orgs {
        if let Some(e) = orgs.get(code) {
            if (e.name.as_str(), e.beian()?, e.beian_number.as_deref()) != (o.name.as_str(), o.beian_status, o.beian_number.as_deref()) {
                plan.org_updates.push(code.clone());
            }
        }
    }
    plan.org_updates.sort();
    // Open places of the file's districts that it does not list. (Places of organisations in
    // the file that are already closed are not "missing".) Not while the file has problems: a
    // place whose rows could not be read (a mistyped code) would look missing, and closing it
    // would be wrong — the list comes once the file is clean.
    if parsed.problems.any() {
        return Ok(plan);
    }
    let districts: HashSet<&str> = parsed.places.iter().map(|p| p.district_id.as_str()).collect();
    for (i, e) in existing.iter().enumerate() {
        if !matcher.taken(i) && !e.closed && districts.contains(e.district_id.as_str()) {
            plan.missing.push(MissingRecord { id: e.id, name: e.name.clone(), organisation: e.org_name.clone(), street_name: e.street_name.clone() });
        }
    }
    Ok(plan)
}
