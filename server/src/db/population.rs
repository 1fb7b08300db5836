//! Population figures per 街道 and year, as the population import reads and writes them.

use crate::http::error::AppError;
use crate::import::population::{Existing, PopulationRecord};
use std::collections::HashMap;

/// The rows the file's (街道, 年份) pairs already have.
pub async fn existing(conn: &mut crate::db::Conn, keys: &[(String, i32)]) -> Result<HashMap<(String, i32), Existing>, AppError> {
    let mut out = HashMap::new();
    for (street, year) in keys {
        let r: Option<(i64, i64, i64, i64, i64, Option<i64>, String)> = crate::db::query_as(
            "SELECT resident, age_0_3, age_60, age_65, age_80, communities, source FROM population WHERE street_id = ? AND year = ?",
        )
        .bind(street)
        .bind(year)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some((resident, age_0_3, age_60, age_65, age_80, communities, source)) = r {
            out.insert((street.clone(), *year), Existing { resident, age_0_3, age_60, age_65, age_80, communities, source });
        }
    }
    Ok(out)
}

/// Writes one 街道's figures for a year (a new row, or the changed one).
pub async fn upsert(conn: &mut crate::db::Conn, r: &PopulationRecord, now: i64) -> Result<(), AppError> {
    crate::db::query(
        "INSERT INTO population (street_id, year, resident, age_0_3, age_60, age_65, age_80, communities, source, is_sample, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)
         ON CONFLICT (street_id, year) DO UPDATE SET resident = excluded.resident, age_0_3 = excluded.age_0_3, age_60 = excluded.age_60,
             age_65 = excluded.age_65, age_80 = excluded.age_80, communities = excluded.communities, source = excluded.source,
             is_sample = FALSE, updated_at = excluded.updated_at",
    )
    .bind(&r.street_id)
    .bind(r.year)
    .bind(r.resident)
    .bind(r.age_0_3)
    .bind(r.age_60)
    .bind(r.age_65)
    .bind(r.age_80)
    .bind(r.communities)
    .bind(&r.source)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
