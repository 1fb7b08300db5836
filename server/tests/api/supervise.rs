//! The supervisors' figures on a district built by hand (two 街道, known populations,
//! places, classes, orders and 探访), each answer computed here; district scope; the
//! snapshot job; the settlement's exclusions; the exports.

use crate::helpers::{start_at, Login, TestServer};
use chrono::{TimeZone, Utc};
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;

/// 2026-11-20 12:00 in Beijing.
fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 4, 0, 0).unwrap()
}

async fn exec(s: &TestServer, sql: &str) {
    server::db::query(sql).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// District `fx` (city 无锡市, so 无锡市's targets apply where it has none of its own):
/// - 街道 fx-a: 100,000 residents, 20,000 aged 60+, 10 communities;
///   fx-b: 50,000 residents, 10,000 aged 60+, 5 communities.
/// - organisation 1 (备案 filed) runs P1 (fx-a, 普惠: 乳儿班 10 托位 all 普惠 confirmed now,
///   托小班 20 托位 10 普惠 confirmed 10 days ago) and P3 (fx-b, community, 混龄班 15, not 普惠);
///   organisation 2 (pending) runs P2 (fx-b, community, 托大班 30); a closed place P4 (fx-a, 100
///   托位) counts nowhere.
/// - orders (see `orders`), one weekly 探访 plan in fx-a with visits done, missed, and not yet due.
async fn fixture(s: &TestServer) {
    let t = now().timestamp();
    let old = t - 10 * 86_400;
    exec(s, "INSERT INTO areas (id, parent_id, level, city, name, lat, lng, sort_order) VALUES
        ('fx', NULL, 'district', '无锡市', '测试区', 31.5, 120.3, 99),
        ('fx-a', 'fx', 'street', '无锡市', '甲街道', 31.5, 120.3, 0),
        ('fx-b', 'fx', 'street', '无锡市', '乙街道', 31.51, 120.31, 1)").await;
    exec(s, &format!("INSERT INTO population (street_id, year, resident, age_0_3, age_60, age_65, age_80, communities, source, updated_at) VALUES
        ('fx-a', 2025, 100000, 1800, 20000, 15000, 3000, 10, '测试', {t}),
        ('fx-b', 2025, 50000, 900, 10000, 7000, 1500, 5, '测试', {t}),
        ('fx-a', 2019, 1, 0, 0, 0, 0, 1, '旧年份', {t})")).await;
    exec(s, &format!("INSERT INTO organisations (id, name, uscc, beian_status, beian_number, created_at, updated_at) VALUES
        (9001, '甲机构', '91320214FX0000001A', 'filed', 'FX-1', {t}, {t}),
        (9002, '乙机构', '91320214FX0000002B', 'pending', NULL, {t}, {t})")).await;
    exec(s, &format!("INSERT INTO places (id, organisation_id, name, provider_type, district_id, street_id, address, lat, lng, opening_hours, phone, puhui, puhui_fee_yuan, created_at, updated_at, closed_at) VALUES
        (9101, 9001, 'P1', 'pure_childcare', 'fx', 'fx-a', '甲路1号', 31.5, 120.3, '8-17', '0510-11111111', TRUE, 1500, {t}, {t}, NULL),
        (9102, 9002, 'P2', 'community', 'fx', 'fx-b', '乙路2号', 31.51, 120.31, '8-17', '0510-22222222', FALSE, NULL, {t}, {t}, NULL),
        (9103, 9001, 'P3', 'community', 'fx', 'fx-b', '乙路3号', 31.51, 120.31, '8-17', '0510-33333333', FALSE, NULL, {t}, {t}, NULL),
        (9104, 9002, 'P4', 'pure_childcare', 'fx', 'fx-a', '甲路4号', 31.5, 120.3, '8-17', '0510-44444444', TRUE, 1500, {t}, {t}, {t})")).await;
    exec(s, &format!("INSERT INTO classes (place_id, age_band, care_mode, capacity, enrolled, puhui_slots, vacancies, confirmed_at, updated_at) VALUES
        (9101, 'infant', 'full_day', 10, 8, 10, 2, {t}, {t}),
        (9101, 'toddler', 'full_day', 20, 15, 10, 5, {old}, {old}),
        (9102, 'preschool', 'full_day', 30, 20, 0, 10, {t}, {t}),
        (9103, 'mixed', 'full_day', 15, 15, 0, 0, {t}, {t}),
        (9104, 'toddler', 'full_day', 100, 0, 100, 100, {t}, {t})")).await;
    // home care: a provider of the district, a device, a timeslot
    exec(s, &format!("INSERT INTO providers (id, organisation_id, name, kind, district_id, street_id, address, lat, lng, phone, emergency_phone, serve_radius_m, created_at) VALUES
        (9201, 9001, '甲服务站', 'home_care_station', 'fx', 'fx-a', '甲路5号', 31.5, 120.3, '0510-55555555', '0510-55555555', 5000, {t})")).await;
    exec(s, "INSERT INTO provider_items (provider_id, service_item, duration_min, market_price_yuan) VALUES (9201, 'cleaning', 60, 100)").await;
    exec(s, &format!("INSERT INTO provider_timeslots (id, provider_id, service_item, weekday, start_min, end_min, capacity, created_at) VALUES (9301, 9201, 'cleaning', 1, 540, 600, 5, {t})")).await;
    exec(s, &format!("INSERT INTO devices (key_hash, created_at, last_seen_at) VALUES ('fx-device', {t}, {t})")).await;
    // (id, elder, phone, street, date, status, in m, out m, public, payer, family, verified)
    let orders: &[(&str, &str, &str, &str, &str, &str, Option<f64>, Option<f64>, i64, &str, i64, bool)] = &[
        ("o1", "甲", "13900000001", "fx-a", "2026-11-03", "completed", Some(20.0), Some(30.0), 50, "subsidy", 50, true),
        ("o2", "甲", "13900000001", "fx-a", "2026-10-15", "completed", Some(10.0), Some(10.0), 50, "subsidy", 50, true),
        ("o3", "乙", "13900000002", "fx-b", "2026-11-05", "completed", Some(250.0), Some(40.0), 100, "government_purchase", 0, true),
        ("o4", "丙", "13900000003", "fx-b", "2026-11-06", "completed", Some(5.0), Some(5.0), 40, "subsidy", 60, false),
        ("o5", "丁", "13900000004", "fx-a", "2026-11-07", "completed", Some(5.0), Some(5.0), 0, "", 100, false),
        ("o6", "戊", "13900000005", "fx-a", "2026-11-08", "cancelled", None, None, 0, "", 100, false),
        ("o7", "己", "13900000006", "fx-a", "2025-10-10", "completed", Some(5.0), Some(5.0), 0, "", 100, false),
        ("o8", "庚", "13900000007", "fx-b", "2026-11-09", "completed", None, None, 0, "", 100, false),
    ];
    for (id, name, phone, street, date, status, din, dout, public, payer, family, verified) in orders {
        let quote = json!({ "market_price_yuan": public + family, "public_pays_yuan": public, "family_pays_yuan": family,
            "rule_id": null, "rule_name": null, "payer": if payer.is_empty() { Value::Null } else { json!(payer) }, "explanation": "", "needs_confirmation": *public > 0 });
        let elder = json!({ "name": name, "phone": phone, "street_id": street });
        let stamp = |d: &Option<f64>| if d.is_some() { t.to_string() } else { "NULL".into() };
        let dist = |d: &Option<f64>| d.map(|v| v.to_string()).unwrap_or_else(|| "NULL".into());
        exec(s, &format!(
            "INSERT INTO orders (id, device_hash, provider_id, service_item, timeslot_id, visit_date, elder, elder_name, quote, category_confirmed_at, status,
                                 created_at, updated_at, street_id, check_in_at, check_in_distance_m, check_out_at, check_out_distance_m)
             VALUES ('{id}', 'fx-device', 9201, 'cleaning', 9301, '{date}', '{elder}', '{name}', '{quote}', {}, '{status}', {t}, {t}, '{street}', {}, {}, {}, {})",
            if *verified { t.to_string() } else { "NULL".into() }, stamp(din), dist(din), stamp(dout), dist(dout)
        ))
        .await;
    }
    // o8 completed without any stamp: flagged as well (so fx-b has two flagged visits)
    exec(s, &format!("INSERT INTO welfare_plans (id, device_hash, elder_name, elder_phone, elder, reason, provider_id, started_on, created_at, updated_at, street_id)
        VALUES (9401, 'fx-device', '甲', '13900000001', '{{}}', '80 岁独居', 9201, '2026-10-01', {t}, {t}, 'fx-a')")).await;
    exec(s, &format!("INSERT INTO welfare_visits (plan_id, week_start, due_on, status, created_at, updated_at) VALUES
        (9401, '2026-10-19', '2026-10-25', 'done', {t}, {t}),
        (9401, '2026-11-02', '2026-11-08', 'done', {t}, {t}),
        (9401, '2026-11-09', '2026-11-15', 'missed', {t}, {t}),
        (9401, '2026-11-16', '2026-11-22', 'due', {t}, {t})")).await;
}

async fn admin(s: &TestServer) -> Login {
    s.login("admin-sample", SAMPLE_PASSWORD).await.1.expect("the sample admin signs in")
}

fn figure<'a>(body: &'a Value, code: &str) -> &'a Value {
    body["figures"].as_array().unwrap().iter().find(|f| f["indicator"] == code).unwrap_or_else(|| panic!("no {code} in {body}"))
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-9)
}

#[tokio::test]
async fn each_indicator_of_a_district_computed_by_hand() {
    let s = start_at(now()).await;
    fixture(&s).await;
    let a = admin(&s).await;
    let (st, body) = s.get(Some(&a), "/api/v1/supervise/indicators?area=fx").await;
    assert_eq!(st, 200, "{body}");
    assert_eq!((body["month"].as_str(), body["live"].as_bool(), body["sample"].as_bool()), (Some("2026-11"), Some(true), Some(false)));
    assert_eq!(body["population"]["year"], 2025, "the latest year not after the month");
    assert_eq!((body["population"]["resident"].as_i64(), body["population"]["age_60"].as_i64()), (Some(150_000), Some(30_000)));

    // every figure: (code, numerator, denominator, value)
    let want: &[(&str, f64, Option<f64>, Option<f64>)] = &[
        // 10 + 20 + 30 + 15 托位 (the closed P4 not counted) per 150,000 people
        ("slots_per_thousand", 75.0, Some(150_000.0), Some(0.5)),
        ("slots", 75.0, None, Some(75.0)),
        // 普惠 10 + 10 of 75
        ("puhui_share", 20.0, Some(75.0), Some(20.0 / 75.0 * 100.0)),
        // fx-a has a 普惠 place, fx-b none
        ("puhui_street_coverage", 1.0, Some(2.0), Some(50.0)),
        // organisations with an open place: 甲 (filed), 乙 (pending)
        ("beian_rate", 1.0, Some(2.0), Some(50.0)),
        // community points: fx-a 0 of 10 communities, fx-b min(2, 5) = 2
        ("community_coverage", 2.0, Some(15.0), Some(2.0 / 15.0 * 100.0)),
        // 3 of the 4 open classes confirmed within 7 days
        ("fresh_share", 3.0, Some(4.0), Some(75.0)),
        // 甲, 乙, 丙, 丁, 庚 served in Dec 2025 – Nov 2026 (己 in Oct 2025 is outside; 戊 cancelled)
        ("home_service_coverage", 5.0, Some(30_000.0), Some(5.0 / 30_000.0 * 100.0)),
        // November: 11-08 done, 11-15 missed, 11-22 not yet due (10-25 is October's)
        ("welfare_visit_rate", 1.0, Some(2.0), Some(50.0)),
        ("orders_completed", 5.0, None, Some(5.0)),
        // o3 (250 m) and o8 (no stamps) of the 5 completed in November
        ("evv_exception_share", 2.0, Some(5.0), Some(40.0)),
    ];
    for (code, num, den, value) in want {
        let f = figure(&body, code);
        assert!(close(&f["numerator"], *num), "{code} numerator: {f}");
        match den {
            Some(d) => assert!(close(&f["denominator"], *d), "{code} denominator: {f}"),
            None => assert!(f["denominator"].is_null(), "{code}: {f}"),
        }
        match value {
            Some(v) => assert!(close(&f["value"], *v), "{code} value: {f}"),
            None => assert!(f["value"].is_null(), "{code}: {f}"),
        }
        assert_eq!(f["as_of"], now().timestamp());
    }
    // targets: 无锡市's plan applies to a district of 无锡市 without its own; it names the plan and line
    let home = figure(&body, "home_service_coverage");
    assert_eq!(home["target"]["target"], 18.0, "{home}");
    assert_eq!(home["target"]["source"], "《无锡市“十四五”养老服务发展规划》第 64 行");
    assert!(figure(&body, "slots_per_thousand")["target"].is_null(), "无锡市's plan sets no 托位 target");
    assert!(body["other_targets"].as_array().unwrap().iter().any(|t| t["name"] == "居家适老化改造户数"));

    // one 街道: its own figures
    let (_, b) = s.get(Some(&a), "/api/v1/supervise/indicators?area=fx-b").await;
    assert_eq!(b["area"]["level"], "street");
    assert!(close(&figure(&b, "slots_per_thousand")["value"], 45.0 / 50_000.0 * 1000.0));
    assert!(close(&figure(&b, "puhui_street_coverage")["value"], 0.0));
    assert!(close(&figure(&b, "beian_rate")["numerator"], 1.0) && close(&figure(&b, "beian_rate")["denominator"], 2.0));

    // the streets table
    let (st, streets) = s.get(Some(&a), "/api/v1/supervise/streets?area=fx").await;
    assert_eq!(st, 200, "{streets}");
    let rows = streets["rows"].as_array().unwrap();
    assert_eq!(rows.iter().map(|r| r["name"].as_str().unwrap()).collect::<Vec<_>>(), ["甲街道", "乙街道"]);
    assert_eq!((rows[0]["slots"].as_i64(), rows[0]["stale_places"].as_i64(), rows[0]["elders_served"].as_i64()), (Some(30), Some(1), Some(2)));
    assert!(close(&rows[0]["slots_per_thousand"], 0.3));
    assert_eq!((rows[1]["evv_exceptions"].as_i64(), rows[1]["welfare_due"].as_i64()), (Some(2), Some(0)));

    // stale places, worst first, with the phone to call
    let (_, places) = s.get(Some(&a), "/api/v1/supervise/places?area=fx").await;
    let stale = places["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1, "{places}");
    assert_eq!((stale[0]["name"].as_str(), stale[0]["phone"].as_str()), (Some("P1"), Some("0510-11111111")));
    assert_eq!(places["places"].as_array().unwrap().len(), 3, "the closed place is not on the map");

    // orders by item and month, and the EVV exceptions with their reasons
    let (_, orders) = s.get(Some(&a), "/api/v1/supervise/orders?area=fx").await;
    let months = orders["months"].as_array().unwrap();
    assert_eq!((months.len(), months[11].as_str()), (12, Some("2026-11")));
    let cleaning = &orders["items"][0];
    assert_eq!((cleaning["item"].as_str(), cleaning["ordered"][11].as_i64(), cleaning["completed"][11].as_i64(), cleaning["completed"][10].as_i64()), (Some("cleaning"), Some(5), Some(5), Some(1)));
    let reasons: Vec<&str> = orders["exceptions"].as_array().unwrap().iter().map(|e| e["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["未签到，未签退", "签到距地址 250 米"]);
}

#[tokio::test]
async fn the_settlement_counts_verified_unflagged_visits_by_who_pays() {
    let s = start_at(now()).await;
    fixture(&s).await;
    let a = admin(&s).await;
    let (st, body) = s.get(Some(&a), "/api/v1/supervise/settlement?area=fx&month=2026-11").await;
    assert_eq!(st, 200, "{body}");
    let row = &body["rows"][0];
    assert_eq!(row["provider"], "甲服务站");
    // o1 (subsidy 50 verified) and o5 (family pays all) count; o4 unverified and o3, o8 flagged do not
    assert_eq!(
        [row["orders"].as_i64(), row["market_yuan"].as_i64(), row["government_purchase_yuan"].as_i64(), row["subsidy_yuan"].as_i64(), row["family_yuan"].as_i64()],
        [Some(2), Some(200), Some(0), Some(50), Some(150)]
    );
    assert_eq!((row["excluded_unverified"].as_i64(), row["excluded_flagged"].as_i64()), (Some(1), Some(2)));
    assert_eq!(body["total"]["subsidy_yuan"], 50);
    // October: o2 only
    let (_, oct) = s.get(Some(&a), "/api/v1/supervise/settlement?area=fx&month=2026-10").await;
    assert_eq!((oct["total"]["orders"].as_i64(), oct["total"]["subsidy_yuan"].as_i64()), (Some(1), Some(50)));
    // as a file
    let res = s.http.get(format!("{}/api/v1/supervise/settlement.xlsx?area=fx&month=2026-11", s.base)).header("Cookie", a.cookie.clone()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let t = server::import::table::read(&bytes, "s.xlsx", app::model::import::TextEncoding::Auto).unwrap();
    assert_eq!(t.cell(&t.rows[0], "服务机构"), "甲服务站");
    assert_eq!(t.cell(&t.rows[0], "服务补贴（元）"), "50");
    assert_eq!(t.cell(&t.rows[1], "服务机构"), "合计");
}

#[tokio::test]
async fn a_supervisor_reads_their_district_only() {
    let s = start_at(now()).await;
    fixture(&s).await;
    let sup = s.login("sup-xinwu", SAMPLE_PASSWORD).await.1.expect("the sample supervisor signs in");
    // their own district, by default and by 街道
    let (st, own) = s.get(Some(&sup), "/api/v1/supervise/indicators").await;
    assert_eq!((st, own["area"]["id"].as_str()), (200, Some("wuxi-xinwu")), "{own}");
    assert_eq!(own["sample"], true, "the sample district's figures say so");
    assert_eq!(s.get(Some(&sup), "/api/v1/supervise/indicators?area=wuxi-xinwu-wangzhuang").await.0, 200);
    // another district, or one of its 街道, on every endpoint
    for path in [
        "/api/v1/supervise/indicators?area=fx",
        "/api/v1/supervise/indicators?area=fx-a",
        "/api/v1/supervise/streets?area=fx",
        "/api/v1/supervise/places?area=fx-b",
        "/api/v1/supervise/orders?area=fx",
        "/api/v1/supervise/trends?area=fx",
        "/api/v1/supervise/trend.svg?area=fx&indicator=slots",
        "/api/v1/supervise/settlement?area=fx",
        "/api/v1/supervise/targets?area=fx",
        "/api/v1/supervise/export.xlsx?area=fx",
        "/api/v1/supervise/export.csv?area=fx&table=stale",
        "/api/v1/supervise/settlement.csv?area=fx",
    ] {
        let (st, body) = s.get(Some(&sup), path).await;
        assert_eq!(st, 403, "{path}: {body}");
    }
    // an operator reads none of it; without a session, 401
    let op = s.login("op-feiqitu", SAMPLE_PASSWORD).await.1.unwrap();
    assert_eq!(s.get(Some(&op), "/api/v1/supervise/indicators?area=yangzhou-hanjiang").await.0, 403);
    assert_eq!(s.get(None, "/api/v1/supervise/indicators?area=fx").await.0, 401);
    // bad input names the field
    let (st, body) = s.get(Some(&sup), "/api/v1/supervise/indicators?month=2026-13").await;
    assert_eq!((st, crate::helpers::fields(&body)), (422, vec!["month".to_string()]));
    assert_eq!(s.get(Some(&sup), "/api/v1/supervise/indicators?month=2027-01").await.0, 422, "a month to come");
    assert_eq!(s.get(Some(&sup), "/api/v1/supervise/indicators?area=nowhere").await.0, 404);
    assert_eq!(s.get(Some(&sup), "/api/v1/supervise/trend.svg?indicator=nothing").await.0, 422);
    // an admin must say which area
    let a = admin(&s).await;
    assert_eq!(s.get(Some(&a), "/api/v1/supervise/indicators").await.0, 422);
}

#[tokio::test]
async fn the_snapshot_job_writes_one_row_per_month_and_past_months_read_their_snapshot() {
    let s = start_at(now()).await;
    fixture(&s).await;
    let count = |area: &'static str, month: &'static str| {
        let pool = s.pool.clone();
        async move {
            server::db::query_scalar::<i64>("SELECT count(*) FROM indicator_snapshots WHERE area_id = ? AND month = ?")
                .bind(area)
                .bind(month)
                .fetch_one(&mut *pool.acquire().await.unwrap())
                .await
                .unwrap()
        }
    };
    let a = admin(&s).await;
    // no October snapshot yet: October's stocks are unknown, its flows come from the records
    let (_, oct) = s.get(Some(&a), "/api/v1/supervise/indicators?area=fx&month=2026-10").await;
    assert_eq!(oct["live"], false);
    assert!(figure(&oct, "slots")["value"].is_null());
    assert!(figure(&oct, "slots")["note"].as_str().unwrap().contains("没有快照"));
    assert!(close(&figure(&oct, "orders_completed")["value"], 1.0));

    // the job, run in October and then twice in November (with back-filling)
    let oct_now = Utc.with_ymd_and_hms(2026, 10, 20, 4, 0, 0).unwrap();
    server::db::supervise::snapshot(&s.read, &s.pool, oct_now, false).await.unwrap();
    let first = server::db::supervise::snapshot(&s.read, &s.pool, now(), true).await.unwrap();
    let second = server::db::supervise::snapshot(&s.read, &s.pool, now(), true).await.unwrap();
    assert!(first.written > 0 && first.backfilled > 0, "{first:?}");
    assert_eq!(second.backfilled, 0, "back-filled months are not made again");
    let n = app::model::supervise::Indicator::ALL.len() as i64;
    assert_eq!(count("fx", "2026-11").await, n, "one row per indicator for the month, however often the job runs");
    assert_eq!(count("fx-a", "2026-11").await, n);
    assert_eq!(count("fx", "2026-10").await, n, "October's own snapshot stays");
    // a month back-filled from the records holds only the flows
    assert_eq!(count("fx", "2026-09").await, 4);

    // October now reads its snapshot's stocks
    let (_, oct) = s.get(Some(&a), "/api/v1/supervise/indicators?area=fx&month=2026-10").await;
    assert!(close(&figure(&oct, "slots")["value"], 75.0), "{oct}");
    // the trend: 12 months ending with the current one, October from its snapshot
    let (_, tr) = s.get(Some(&a), "/api/v1/supervise/trends?area=fx").await;
    let slots = tr["trends"].as_array().unwrap().iter().find(|t| t["indicator"] == "slots").unwrap();
    let pts = slots["points"].as_array().unwrap();
    assert_eq!((pts.len(), pts[11]["month"].as_str(), pts[10]["month"].as_str()), (12, Some("2026-11"), Some("2026-10")));
    assert!(close(&pts[10]["value"], 75.0) && close(&pts[11]["value"], 75.0) && pts[9]["value"].is_null());
    // drawn on the server
    let res = s.http.get(format!("{}/api/v1/supervise/trend.svg?area=fx&indicator=home_service_coverage", s.base)).header("Cookie", a.cookie.clone()).send().await.unwrap();
    assert_eq!(res.headers()["content-type"], "image/svg+xml; charset=utf-8");
    let svg = res.text().await.unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("目标 18%"), "{svg}");
}

#[tokio::test]
async fn the_export_holds_every_table_and_reads_back() {
    let s = start_at(now()).await;
    fixture(&s).await;
    let a = admin(&s).await;
    let res = s.http.get(format!("{}/api/v1/supervise/export.xlsx?area=fx", s.base)).header("Cookie", a.cookie.clone()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    let bytes = res.bytes().await.unwrap();
    let book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), ["指标", "街道", "数据过期点位", "服务订单", "签到签退异常", "说明"]);
    let t = server::import::table::read(&bytes, "e.xlsx", app::model::import::TextEncoding::Auto).unwrap();
    assert_eq!(t.cell(&t.rows[0], "指标"), "每千人口托位数");
    assert_eq!(t.cell(&t.rows[0], "分子"), "75");
    assert_eq!(t.cell(&t.rows[0], "分母"), "150000");
    // one table as CSV (with a BOM for Excel)
    let res = s.http.get(format!("{}/api/v1/supervise/export.csv?area=fx&table=stale", s.base)).header("Cookie", a.cookie.clone()).send().await.unwrap();
    let text = res.text().await.unwrap();
    assert!(text.starts_with('\u{feff}') && text.contains("P1,甲机构,甲街道,0510-11111111"), "{text}");
    let (st, body) = s.get(Some(&a), "/api/v1/supervise/export.csv?area=fx").await;
    assert_eq!((st, crate::helpers::fields(&body)), (422, vec!["table".to_string()]));
}

#[tokio::test]
async fn an_admin_revises_a_target_and_supervisors_see_it() {
    let s = start_at(now()).await;
    let a = admin(&s).await;
    let (st, all) = s.get(Some(&a), "/api/v1/admin/targets").await;
    assert_eq!(st, 200);
    let t = all.as_array().unwrap().iter().find(|t| t["scope_name"] == "无锡市新吴区" && t["indicator"] == "slots_per_thousand").unwrap().clone();
    let path = format!("/api/v1/admin/targets/{}", t["id"]);
    // checked, and a supervisor cannot
    let (st, body) = s.write(Some(&a), "PUT", &path, "target-edit-bad-0001", json!({ "target": -1, "target_year": 1990 })).await;
    assert_eq!((st, crate::helpers::fields(&body)), (422, vec!["target".to_string(), "target_year".to_string()]));
    let sup = s.login("sup-xinwu", SAMPLE_PASSWORD).await.1.unwrap();
    assert_eq!(s.write(Some(&sup), "PUT", &path, "target-edit-sup-0001", json!({ "target": 5.5, "target_year": 2030 })).await.0, 403);
    let (st, body) = s.write(Some(&a), "PUT", &path, "target-edit-ok-0001", json!({ "target": 5.5, "target_year": 2030 })).await;
    assert_eq!((st, body["target"].as_f64(), body["target_year"].as_i64()), (200, Some(5.5), Some(2030)), "{body}");
    let (_, ind) = s.get(Some(&sup), "/api/v1/supervise/indicators").await;
    let f = figure(&ind, "slots_per_thousand");
    assert_eq!((f["target"]["target"].as_f64(), f["target"]["target_year"].as_i64()), (Some(5.5), Some(2030)));
    let audited: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'target_set'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(audited, 1);
}
