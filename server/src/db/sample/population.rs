//! Population figures per 街道 for the sample districts (示例): generated, deterministic,
//! with an age structure near the 2020 census's for Jiangsu (0–3 岁 ≈1.8 %, 60+ ≈21 %,
//! 65+ ≈16 %, 80+ ≈3 %). Not statistics: labelled 示例 wherever shown, removed with
//! `seed --remove-sample`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The statistical year of the sample figures.
pub const SAMPLE_YEAR: i32 = 2025;
pub const SAMPLE_SOURCE: &str = "示例数据（按江苏七普年龄结构生成，非统计数字）";

/// (resident, 0–3, 60+, 65+, 80+, communities) of one sample street with `slots` sample
/// 托位: sized so that it has 2.2–6.5 托位 per 1,000 people (around the plans' 4.5), so that
/// the sample indicators look like a district's, some streets short of the target.
pub fn figures(street_id: &str, slots: i64) -> (i64, i64, i64, i64, i64, i64) {
    let seed = street_id.bytes().fold(0xC0FFEEu64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let per_thousand = rng.gen_range(2.2..6.5);
    let base = rng.gen_range(45_000..140_000i64);
    let resident = if slots > 0 { (slots as f64 * 1000.0 / per_thousand) as i64 } else { base } / 10 * 10;
    let a03 = (resident as f64 * rng.gen_range(0.015..0.021)) as i64;
    let a60 = (resident as f64 * rng.gen_range(0.18..0.24)) as i64;
    let a65 = (a60 as f64 * rng.gen_range(0.70..0.78)) as i64;
    let a80 = (a60 as f64 * rng.gen_range(0.12..0.17)) as i64;
    let communities = rng.gen_range(8..22i64);
    (resident, a03, a60, a65, a80, communities)
}

/// Figures for every street of the sample districts that has none (older sample databases
/// get them on their next start). Only where the database holds sample places.
pub async fn ensure_population(pool: &crate::db::Pool) -> anyhow::Result<u64> {
    let sample_places: i64 = crate::db::query_scalar("SELECT count(*) FROM places WHERE is_sample = TRUE").fetch_one(&mut *pool.acquire().await?).await?;
    if sample_places == 0 {
        return Ok(0);
    }
    let now = chrono::Utc::now().timestamp();
    let mut tx = pool.begin().await?;
    let mut n = 0;
    for a in super::areas().into_iter().filter(|a| a.parent_id.is_some()) {
        let slots: i64 = crate::db::query_scalar(
            "SELECT CAST(coalesce(sum(c.capacity), 0) AS BIGINT) FROM classes c JOIN places p ON p.id = c.place_id WHERE p.street_id = ? AND p.is_sample = TRUE",
        )
        .bind(&a.id)
        .fetch_one(&mut *tx)
        .await?;
        let (resident, a03, a60, a65, a80, communities) = figures(&a.id, slots);
        n += crate::db::query(
            "INSERT INTO population (street_id, year, resident, age_0_3, age_60, age_65, age_80, communities, source, is_sample, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?) ON CONFLICT (street_id, year) DO NOTHING",
        )
        .bind(&a.id)
        .bind(SAMPLE_YEAR)
        .bind(resident)
        .bind(a03)
        .bind(a60)
        .bind(a65)
        .bind(a80)
        .bind(communities)
        .bind(SAMPLE_SOURCE)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn figures_are_deterministic_and_ordered() {
        for (id, slots) in [("wuxi-xinwu-wangzhuang", 1900), ("haian-libao", 0), ("x", 5)] {
            let (r, a03, a60, a65, a80, c) = super::figures(id, slots);
            assert_eq!(super::figures(id, slots), (r, a03, a60, a65, a80, c));
            if slots > 100 {
                let per_thousand = slots as f64 * 1000.0 / r as f64;
                assert!((2.2..6.6).contains(&per_thousand), "{per_thousand}");
            }
            assert!(a03 < r && a80 < a65 && a65 < a60 && a60 < r && c > 0);
        }
    }
}
