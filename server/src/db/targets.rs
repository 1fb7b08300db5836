//! The plans' indicator targets (`indicator_targets`): reference data seeded on every
//! database from `indicator_targets.csv` (a copy of `shared/domain/indicators.csv`: area,
//! indicator as the plan words it, unit, baseline, target, binding, source line), edited by
//! admins; and which target applies to an area.

use crate::http::error::AppError;
use app::model::supervise::{Indicator, Target};

const CSV: &str = include_str!("indicator_targets.csv");

/// The plans the seed lines point into (`000:L268` = document 000, line 268).
const DOCUMENTS: &[(&str, &str)] = &[
    ("000", "《新吴区“一老一小”整体解决方案》"),
    ("001", "《海安市关于促进养老托育服务高质量发展的实施意见》（海政发〔2022〕52号）"),
    ("002", "《宿城区促进养老托育服务高质量发展实施方案》"),
    ("003", "《扬州市“一老一小”整体解决方案》"),
    ("004", "《无锡市“十四五”养老服务发展规划》"),
];

/// "000:L268;000:L241" → "《新吴区“一老一小”整体解决方案》第 268、241 行".
pub fn source_words(source: &str) -> String {
    let mut doc = None;
    let mut lines = Vec::new();
    for part in source.split(';') {
        if let Some((d, l)) = part.trim().split_once(':') {
            doc.get_or_insert(d.to_string());
            lines.push(l.trim_start_matches('L').to_string());
        }
    }
    match doc.and_then(|d| DOCUMENTS.iter().find(|(k, _)| *k == d)) {
        Some((_, title)) => format!("{title}第 {} 行", lines.join("、")),
        None => source.to_string(),
    }
}

/// One row of the seed file.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedTarget {
    pub area: String,
    pub name: String,
    pub unit: String,
    pub baseline_year: Option<i32>,
    pub baseline: Option<f64>,
    pub target_year: i32,
    pub target: f64,
    pub binding: Option<String>,
    pub source: String,
}

pub fn seed_rows() -> Vec<SeedTarget> {
    let mut r = csv::Reader::from_reader(CSV.as_bytes());
    r.records()
        .filter_map(Result::ok)
        .map(|rec| {
            let s = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
            let opt = |i: usize| Some(s(i)).filter(|v| !v.is_empty());
            SeedTarget {
                area: s(0),
                name: s(1),
                unit: s(2),
                baseline_year: opt(3).and_then(|v| v.parse().ok()),
                baseline: opt(4).and_then(|v| v.parse().ok()),
                target_year: s(5).parse().unwrap_or(2025),
                target: s(6).parse().unwrap_or(0.0),
                binding: opt(7),
                source: s(8),
            }
        })
        .collect()
}

/// The scope of a plan's area name: the district it names (by city + name, or name), else
/// the city whose districts it covers.
fn scope_of(area: &str, districts: &[(String, String, String)]) -> String {
    districts
        .iter()
        .find(|(_, city, name)| format!("{city}{name}") == area || name == area)
        .map(|(id, _, _)| id.clone())
        .unwrap_or_else(|| area.to_string())
}

/// Seeds the plans' targets that are not there yet (an admin's edits stay).
pub async fn ensure_targets(pool: &crate::db::Pool) -> anyhow::Result<()> {
    let districts: Vec<(String, String, String)> =
        crate::db::query_as("SELECT id, city, name FROM areas WHERE level = 'district'").fetch_all(&mut *pool.acquire().await?).await?;
    let now = chrono::Utc::now().timestamp();
    let mut tx = pool.begin().await?;
    for t in seed_rows() {
        crate::db::query(
            "INSERT INTO indicator_targets (scope, scope_name, name, indicator, unit, baseline_year, baseline, target_year, target, binding, source, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, name, target_year) DO NOTHING",
        )
        .bind(scope_of(&t.area, &districts))
        .bind(&t.area)
        .bind(&t.name)
        .bind(Indicator::from_plan_name(&t.name).map(|i| i.code()))
        .bind(&t.unit)
        .bind(t.baseline_year)
        .bind(t.baseline)
        .bind(t.target_year)
        .bind(t.target)
        .bind(&t.binding)
        .bind(&t.source)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

type TargetRow = (i64, String, Option<String>, String, String, Option<i64>, Option<f64>, i64, f64, Option<String>, String);

fn target(r: TargetRow) -> Target {
    Target {
        id: r.0,
        name: r.1,
        indicator: r.2.as_deref().and_then(Indicator::from_code),
        scope_name: r.3,
        unit: r.4,
        baseline_year: r.5.map(|y| y as i32),
        baseline: r.6,
        target_year: r.7 as i32,
        target: r.8,
        binding: r.9,
        source: source_words(&r.10),
    }
}

const COLUMNS: &str = "id, name, indicator, scope_name, unit, baseline_year, baseline, target_year, target, binding, source";

/// The targets for a district: its own plan's, and its city's for what its own plan does not
/// set; per indicator (or plan wording) the latest target year.
pub async fn for_district(conn: &mut crate::db::Conn, district_id: &str) -> Result<Vec<Target>, AppError> {
    let rows: Vec<(TargetRow, bool)> = crate::db::query_as(&format!(
        "SELECT {COLUMNS}, t.scope = ?1 AS own FROM indicator_targets t
          WHERE t.scope = ?1 OR t.scope = (SELECT city FROM areas WHERE id = ?1)
          ORDER BY own DESC, target_year DESC, id"
    ))
    .bind(district_id)
    .fetch_all(&mut *conn)
    .await
    .map(|v: Vec<(i64, String, Option<String>, String, String, Option<i64>, Option<f64>, i64, f64, Option<String>, String, bool)>| {
        v.into_iter().map(|r| ((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10), r.11)).collect()
    })?;
    let mut out: Vec<Target> = Vec::new();
    for (r, _) in rows {
        let t = target(r);
        let same = |o: &Target| match (t.indicator, o.indicator) {
            (Some(a), Some(b)) => a == b,
            (None, None) => o.name == t.name,
            _ => false,
        };
        if !out.iter().any(same) {
            out.push(t);
        }
    }
    Ok(out)
}

/// Every target (the admin's list), plans' order.
pub async fn all(conn: &mut crate::db::Conn) -> Result<Vec<Target>, AppError> {
    let rows: Vec<TargetRow> = crate::db::query_as(&format!("SELECT {COLUMNS} FROM indicator_targets ORDER BY id")).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(target).collect())
}

/// An admin sets a target's value and year (the plan was revised); audited by the caller.
pub async fn set(conn: &mut crate::db::Conn, id: i64, value: f64, year: i32, user_id: i64, now: i64) -> Result<Option<(f64, i32)>, AppError> {
    let before: Option<(f64, i64)> = crate::db::query_as("SELECT target, target_year FROM indicator_targets WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?;
    let Some(before) = before else { return Ok(None) };
    crate::db::query("UPDATE indicator_targets SET target = ?, target_year = ?, updated_at = ?, updated_by = ? WHERE id = ?")
        .bind(value)
        .bind(year)
        .bind(now)
        .bind(user_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(Some((before.0, before.1 as i32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_file_is_the_domain_file_and_every_row_reads() {
        let rows = seed_rows();
        assert_eq!(rows.len(), 41);
        let first = &rows[0];
        assert_eq!(first.area, "无锡市新吴区");
        assert_eq!(first.name, "每千人口托位数");
        assert_eq!((first.target, first.target_year, first.baseline), (4.5, 2025, Some(0.65)));
        assert!(rows.iter().all(|r| r.target_year >= 2024 && !r.source.is_empty()));
    }

    #[test]
    fn a_source_line_names_the_plan() {
        assert_eq!(source_words("000:L268"), "《新吴区“一老一小”整体解决方案》第 268 行");
        assert_eq!(source_words("000:L215;000:L241"), "《新吴区“一老一小”整体解决方案》第 215、241 行");
        assert_eq!(source_words("xyz"), "xyz");
    }

    #[test]
    fn plan_areas_map_to_districts_or_cities() {
        let d = vec![
            ("wuxi-xinwu".to_string(), "无锡市".to_string(), "新吴区".to_string()),
            ("haian".to_string(), "南通市".to_string(), "海安市".to_string()),
        ];
        assert_eq!(scope_of("无锡市新吴区", &d), "wuxi-xinwu");
        assert_eq!(scope_of("海安市", &d), "haian");
        assert_eq!(scope_of("无锡市", &d), "无锡市");
    }
}
