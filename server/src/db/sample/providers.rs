//! Sample home-service providers (示例): 居家养老 centres, stations and 助餐点 with their
//! timeslots, carers and the carer login.

use super::*;
/// Sample carer accounts (示例): `carer-wangzhuang` is the first carer of the 旺庄 station
/// of the sample 新吴区 centre (the one `op-xinwu-yanglao` dispatches).
pub async fn ensure_carer_accounts(pool: &crate::db::Pool) -> anyhow::Result<()> {
    let have: i64 = crate::db::query_scalar("SELECT count(*) FROM users WHERE username = 'carer-wangzhuang'").fetch_one(&mut *pool.acquire().await?).await?;
    if have > 0 {
        return Ok(());
    }
    let carer: Option<(i64, String, i64)> = crate::db::query_as(
        "SELECT c.id, c.name, p.organisation_id FROM carers c JOIN providers p ON p.id = c.provider_id
         WHERE p.is_sample = TRUE AND c.is_sample = TRUE AND p.name LIKE '%旺庄街道居家养老服务站%'
           AND p.organisation_id = (SELECT organisation_id FROM users WHERE username = 'op-xinwu-yanglao')
         ORDER BY p.id, c.id LIMIT 1",
    )
    .fetch_optional(&mut *pool.acquire().await?)
    .await?;
    let Some((carer_id, name, org)) = carer else { return Ok(()) };
    let hash = crate::api::auth::hash_password(SAMPLE_PASSWORD)?;
    let id = crate::db::accounts::create_account(pool, crate::db::accounts::NewAccount { username: "carer-wangzhuang", display_name: &format!("护理员 {name}"), password_hash: &hash, role: app::model::Role::Operator, organisation_id: Some(org), district_id: None, is_sample: true }, chrono::Utc::now().timestamp())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    crate::db::query("UPDATE users SET carer_id = ? WHERE id = ?").bind(carer_id).bind(id).execute(&mut *pool.acquire().await?).await?;
    Ok(())
}

/// Sample carers' names (示例).
const CARER_NAMES: &[&str] = &["王秀英", "李桂兰", "张建国", "刘淑珍", "陈玉梅", "杨志强", "赵凤英", "黄丽华", "周明", "吴海燕"];

/// (item, minutes, yuan) a centre offers; stations offer the first six.
const CENTRE_ITEMS: &[(&str, i64, i64)] = &[
    ("meal", 30, 15),
    ("cleaning", 120, 80),
    ("bathing", 90, 120),
    ("welfare_visit", 30, 30),
    ("companionship", 60, 50),
    ("errands", 60, 40),
    ("medical_escort", 180, 150),
    ("mobility", 60, 60),
    ("life_care", 120, 90),
    ("rehab_nursing", 60, 130),
    ("respite", 480, 300),
    ("adaptation_assessment", 90, 0),
];

/// Sample providers (示例) in every sample district: one 居家养老服务中心 serving 6 km around
/// the district centre, one 居家养老服务站 per 街道 serving that 街道, and a 助餐点 in every
/// other 街道; each with weekly timeslots and three carers, under one organisation per
/// district with its own operator login for 新吴区. Safe to run again: does nothing when
/// providers exist.
pub async fn ensure_providers(pool: &crate::db::Pool) -> anyhow::Result<usize> {
    let have: i64 = crate::db::query_scalar("SELECT count(*) FROM providers").fetch_one(&mut *pool.acquire().await?).await?;
    let sample_places: i64 = crate::db::query_scalar("SELECT count(*) FROM places WHERE is_sample = TRUE").fetch_one(&mut *pool.acquire().await?).await?;
    if have > 0 || sample_places == 0 {
        return Ok(0);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0x0E1D);
    let mut tx = pool.begin().await?;
    let mut n = 0;
    let mut xinwu_org = None;
    for d in &AREAS.districts {
        let org = OrgSeed {
            name: format!("{}{}居家养老服务有限公司（示例）", d.city, d.name),
            uscc: uscc(&mut rng, "91", &d.area_code),
            beian_status: BeianStatus::NotFiled,
            beian_number: None,
        };
        let existing: Option<i64> = crate::db::query_scalar("SELECT id FROM organisations WHERE name = ? AND is_sample = TRUE")
            .bind(&org.name)
            .fetch_optional(&mut *tx)
            .await?;
        let org_id = match existing {
            Some(id) => id,
            None => crate::db::places::insert_org(&mut tx, &org, chrono::Utc::now().timestamp()).await?,
        };
        if d.id == "wuxi-xinwu" {
            xinwu_org = Some(org_id);
        }
        let mut sites: Vec<(String, &str, &StreetDef, f64, f64, Option<i64>, usize)> = vec![(
            format!("{}居家养老服务中心（示例）", d.name),
            "home_care_centre",
            &d.streets[0],
            d.lat,
            d.lng,
            Some(6_000),
            CENTRE_ITEMS.len(),
        )];
        for (i, st) in d.streets.iter().enumerate() {
            sites.push((format!("{}居家养老服务站（示例）", st.1.split('（').next().unwrap_or(&st.1)), "home_care_station", st, st.2, st.3, None, 6));
            if i % 2 == 0 {
                sites.push((format!("{}长者助餐点（示例）", st.1.split('（').next().unwrap_or(&st.1)), "meal_point", st, st.2 + 0.004, st.3 - 0.003, None, 1));
            }
        }
        for (name, kind, st, lat, lng, radius, items) in sites {
            let (lat, lng) = scatter(&mut rng, lat, lng, if radius.is_some() { 300.0 } else { 800.0 });
            let phone = format!("{}-0000{:04}", d.phone_code, rng.gen_range(0..10_000));
            let emergency = format!("{}-0000{:04}", d.phone_code, rng.gen_range(0..10_000));
            let street_id = format!("{}-{}", d.id, st.0);
            let pid = crate::db::query_scalar::<i64>(
                "INSERT INTO providers (organisation_id, name, kind, district_id, street_id, address, lat, lng, phone, emergency_phone,
                                        serve_radius_m, is_sample, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, unixepoch()) RETURNING id",
            )
            .bind(org_id)
            .bind(&name)
            .bind(kind)
            .bind(&d.id)
            .bind(&street_id)
            .bind(format!("{}{}{}{}号（示例地址）", d.city, d.name, st.1, rng.gen_range(1..300)))
            .bind(lat)
            .bind(lng)
            .bind(&phone)
            .bind(&emergency)
            .bind(radius)
            .fetch_one(&mut *tx)
            .await?;
            if radius.is_none() {
                crate::db::query("INSERT INTO provider_streets (provider_id, street_id) VALUES (?, ?)").bind(pid).bind(&street_id).execute(&mut *tx).await?;
            }
            for &(item, minutes, price) in &CENTRE_ITEMS[..items] {
                let modes = match (item, kind) {
                    ("meal", "meal_point") => r#"["dine_in","pick_up"]"#,
                    ("meal", _) => r#"["dine_in","pick_up","delivery"]"#,
                    _ => "[]",
                };
                crate::db::query("INSERT INTO provider_items (provider_id, service_item, duration_min, market_price_yuan, meal_modes) VALUES (?, ?, ?, ?, ?)")
                    .bind(pid)
                    .bind(item)
                    .bind(minutes)
                    .bind(price)
                    .bind(modes)
                    .execute(&mut *tx)
                    .await?;
                // Meals every day at noon for 20; visits on weekdays, morning and afternoon, for 2.
                let windows: &[(i64, i64, i64)] = if item == "meal" { &[(660, 750, 20)] } else { &[(540, 660, 2), (840, 960, 2)] };
                let days: &[i64] = if item == "meal" { &[1, 2, 3, 4, 5, 6, 7] } else { &[1, 2, 3, 4, 5] };
                for &day in days {
                    for &(start, end, cap) in windows {
                        crate::db::query(
                            "INSERT INTO provider_timeslots (provider_id, service_item, weekday, start_min, end_min, capacity, created_at)
                             VALUES (?, ?, ?, ?, ?, ?, unixepoch())",
                        )
                        .bind(pid)
                        .bind(item)
                        .bind(day)
                        .bind(start)
                        .bind(end)
                        .bind(cap)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            if kind != "meal_point" {
                for (k, level) in ["senior", "intermediate", "junior"].into_iter().enumerate() {
                    let name = CARER_NAMES[(pid as usize * 3 + k) % CARER_NAMES.len()];
                    crate::db::query(
                        "INSERT INTO carers (provider_id, name, phone, level, certificate_no, is_sample, created_at)
                         VALUES (?, ?, ?, ?, ?, TRUE, unixepoch())",
                    )
                    .bind(pid)
                    .bind(format!("{name}（示例）"))
                    // 100… is no mainland mobile prefix: a sample number that rings nobody
                    .bind(format!("1000000{:04}", rng.gen_range(0..10_000)))
                    .bind(level)
                    .bind(format!("示例-{}-{:06}", d.area_code, rng.gen_range(0..1_000_000)))
                    .execute(&mut *tx)
                    .await?;
                }
            }
            n += 1;
        }
    }
    tx.commit().await?;
    if let Some(org) = xinwu_org {
        let hash = crate::api::auth::hash_password(SAMPLE_PASSWORD)?;
        let exists: i64 = crate::db::query_scalar("SELECT count(*) FROM users WHERE username = 'op-xinwu-yanglao'").fetch_one(&mut *pool.acquire().await?).await?;
        if exists == 0 {
            crate::db::accounts::create_account(pool, crate::db::accounts::NewAccount { username: "op-xinwu-yanglao", display_name: "新吴区居家养老服务中心调度（示例）", password_hash: &hash, role: app::model::Role::Operator, organisation_id: Some(org), district_id: None, is_sample: true }, chrono::Utc::now().timestamp())
                .await?;
        }
    }
    Ok(n)
}
