//! The large generated data set (示例) over China's main cities, for benchmarks.

use super::*;
/// City centres of the benchmark data set, for the benchmark's query points.
pub fn bench_city_centres() -> Vec<(f64, f64)> {
    AREAS.bench_cities.iter().map(|c| (c.1, c.2)).collect()
}

/// Generates `count` sample places over China's main cities (deterministic), for benchmarks.
pub async fn load_large(pool: &crate::db::Pool, count: usize) -> anyhow::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0xBE4C);
    let now = chrono::Utc::now().timestamp();
    let wsum: u32 = AREAS.bench_cities.iter().map(|c| c.3).sum();
    let mut tx = pool.begin().await?;
    for (i, c) in AREAS.bench_cities.iter().enumerate() {
        let id = format!("bench-{i}");
        crate::db::places::insert_area(
            &mut tx,
            &AreaSeed { id: id.clone(), parent_id: None, city: format!("{}市", c.0), name: "全市（基准测试示例）".into(), lat: c.1, lng: c.2, sort_order: 100 + i as i64 },
        )
        .await?;
        crate::db::places::insert_area(
            &mut tx,
            &AreaSeed { id: format!("{id}-all"), parent_id: Some(id), city: format!("{}市", c.0), name: "全市".into(), lat: c.1, lng: c.2, sort_order: 0 },
        )
        .await?;
    }
    let mut made = 0;
    for (i, c) in AREAS.bench_cities.iter().enumerate() {
        let n = if i + 1 == AREAS.bench_cities.len() { count - made } else { count * c.3 as usize / wsum as usize };
        let d = DistrictDef {
            id: "bench".into(),
            city: c.0.clone(),
            name: String::new(),
            lat: c.1,
            lng: c.2,
            area_code: "110000".into(),
            phone_code: "010".into(),
            streets: Vec::new(),
        };
        let street = StreetDef("all".into(), "全市".into(), c.1, c.2, 0);
        let mut k = 0;
        while k < n {
            let t = random_type(&mut rng);
            let puhui = rng.gen_bool(0.45);
            let ctx = Ctx { d: &d, street: &street };
            let name = format!("{}{}", c.0, generated_name(&mut rng, t));
            let mut p = make_place(&mut rng, &ctx, name, t, None, puhui, false, true);
            // Denser in the centre, thinning out to ~25 km.
            let spread = if rng.gen_bool(0.6) { 8_000.0 } else { 25_000.0 };
            let (lat, lng) = scatter(&mut rng, c.1, c.2, spread);
            p.lat = lat;
            p.lng = lng;
            p.district_id = format!("bench-{i}");
            p.street_id = format!("bench-{i}-all");
            let mut org = org_for(&mut rng, &d, &p.name, t);
            org.uscc = uscc(&mut rng, "91", "110000");
            let org_id = crate::db::places::insert_org(&mut tx, &org, now).await?;
            insert_place(&mut tx, org_id, &p, now).await?;
            k += 1;
        }
        made += n;
    }
    tx.commit().await?;
    Ok(made)
}
