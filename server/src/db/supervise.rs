//! The supervisors' figures, read from the records: per 街道 of a district the measures
//! every indicator is made of (one grouped query per source table), summed for the
//! district; past months' stocks from the monthly snapshots, which the job here writes.

use crate::http::error::AppError;
use app::model::supervise::{
    last_day, month_code, months_back, AreaRef, EvvException, Figure, Indicator, IndicatorsResponse, ItemMonths, MapPlace, PlacesOverview,
    PopulationUsed, ServiceOverview, Settlement, SettlementRow, StalePlace, StreetRow, Target, Trend, TrendPoint, FRESH_DAYS,
};
use app::model::ServiceItem;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::collections::HashMap;

/// A completed visit whose check-in or check-out is missing, has no position or is farther
/// than `FAR_FROM_ADDRESS_M` (100 m) from the address.
const FLAGGED: &str = "(o.check_in_at IS NULL OR o.check_out_at IS NULL
     OR o.check_in_distance_m IS NULL OR o.check_in_distance_m > 100
     OR o.check_out_distance_m IS NULL OR o.check_out_distance_m > 100)";

/// The month asked about and what "now" means for it.
#[derive(Clone, Copy, Debug)]
pub struct Month {
    pub y: i32,
    pub m: u32,
    /// The current month in Beijing: stocks are read as they stand.
    pub live: bool,
    /// Now, or the month's last second (Beijing), whichever is earlier.
    pub as_of: i64,
    /// Today (Beijing), or the day after the month for a past month.
    pub today: NaiveDate,
}

impl Month {
    /// `month` ('YYYY-MM', default the current month); a month after the current one is refused.
    pub fn at(month: Option<&str>, now: DateTime<Utc>) -> Result<Month, AppError> {
        let today = app::model::requests::beijing_today(now);
        let (cy, cm) = (chrono::Datelike::year(&today), chrono::Datelike::month(&today));
        let (y, m) = match month.map(str::trim).filter(|s| !s.is_empty()) {
            None => (cy, cm),
            Some(s) => app::model::supervise::parse_month(s)
                .filter(|_| s.len() == 7)
                .ok_or_else(|| AppError::field("month", "月份格式应为 YYYY-MM，如 2026-11"))?,
        };
        if (y, m) > (cy, cm) {
            return Err(AppError::field("month", "不能查询尚未到来的月份"));
        }
        let live = (y, m) == (cy, cm);
        let end = NaiveDate::from_ymd_opt(y, m, last_day(y, m)).unwrap_or(today);
        let end_ts = chrono::FixedOffset::east_opt(8 * 3600)
            .and_then(|tz| tz.from_local_datetime(&end.and_hms_opt(23, 59, 59)?).single())
            .map(|t| t.timestamp())
            .unwrap_or(now.timestamp());
        Ok(Month { y, m, live, as_of: end_ts.min(now.timestamp()), today: if live { today } else { end + chrono::Duration::days(1) } })
    }

    pub fn code(&self) -> String {
        month_code(self.y, self.m)
    }
    fn first(&self) -> String {
        format!("{}-01", self.code())
    }
    fn last(&self) -> String {
        format!("{}-{:02}", self.code(), last_day(self.y, self.m))
    }
    /// The first day of the 12 months that end with this one.
    fn year_back_first(&self) -> String {
        let (y, m) = months_back(self.y, self.m, 11);
        format!("{}-01", month_code(y, m))
    }
}

/// A district or 街道 by id (404 when unknown).
pub async fn area(conn: &mut crate::db::Conn, id: &str) -> Result<AreaRef, AppError> {
    let r: Option<(String, String, String, String, Option<String>, Option<String>)> = crate::db::query_as(
        "SELECT a.id, a.name, a.level, a.city, d.id, d.name FROM areas a LEFT JOIN areas d ON d.id = a.parent_id WHERE a.id = ?",
    )
    .bind(id.trim())
    .fetch_optional(&mut *conn)
    .await?;
    let (id, name, level, city, did, dname) = r.ok_or_else(|| AppError::NotFound(format!("没有这个区或街道：{id}")))?;
    Ok(match (did, dname) {
        (Some(did), Some(dname)) => AreaRef { id, name, level, district_id: did, district_name: dname, city },
        _ => AreaRef { district_id: id.clone(), district_name: name.clone(), id, name, level, city },
    })
}

/// What the indicators of one 街道 are made of.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Measures {
    pub places: i64,
    pub puhui_places: i64,
    pub community_places: i64,
    pub slots: i64,
    pub puhui_slots: i64,
    pub classes: i64,
    pub fresh_classes: i64,
    pub stale_places: i64,
    pub orgs: i64,
    pub orgs_filed: i64,
    pub population: Option<Population>,
    pub elders_served: i64,
    pub welfare_done: i64,
    pub welfare_due: i64,
    pub orders_completed: i64,
    pub evv_flagged: i64,
    pub sample: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Population {
    pub year: i32,
    pub resident: i64,
    pub age_0_3: i64,
    pub age_60: i64,
    pub age_65: i64,
    pub age_80: i64,
    pub communities: Option<i64>,
    pub source: String,
    pub sample: bool,
}

/// A district's 街道 (id, name) with their measures, and the district's own distinct counts
/// (organisations and older people can count in several 街道).
pub struct DistrictMeasures {
    pub streets: Vec<(String, String, Measures)>,
    pub orgs: i64,
    pub orgs_filed: i64,
    pub elders_served: i64,
}

type PlaceAgg = (String, i64, i64, i64, i64, i64, i64, i64, i64, bool);
type PopRow = (String, i64, i64, i64, i64, i64, i64, Option<i64>, String, bool);

pub async fn measures(conn: &mut crate::db::Conn, district: &str, month: &Month) -> Result<DistrictMeasures, AppError> {
    let streets: Vec<(String, String)> =
        crate::db::query_as("SELECT id, name FROM areas WHERE parent_id = ? ORDER BY sort_order, id").bind(district).fetch_all(&mut *conn).await?;
    let mut by: HashMap<String, Measures> = streets.iter().map(|(id, _)| (id.clone(), Measures::default())).collect();
    let fresh_since = month.as_of - FRESH_DAYS * 86_400;
    let places: Vec<PlaceAgg> = crate::db::query_as(
        "SELECT p.street_id, count(DISTINCT p.id), count(DISTINCT CASE WHEN p.puhui = TRUE THEN p.id END),
                count(DISTINCT CASE WHEN p.provider_type = 'community' THEN p.id END),
                CAST(coalesce(sum(c.capacity), 0) AS BIGINT), CAST(coalesce(sum(c.puhui_slots), 0) AS BIGINT), count(c.id),
                CAST(coalesce(sum(c.confirmed_at >= ?2), 0) AS BIGINT), count(DISTINCT CASE WHEN c.confirmed_at < ?2 THEN p.id END), max(p.is_sample)
           FROM places p LEFT JOIN classes c ON c.place_id = p.id
          WHERE p.district_id = ?1 AND p.closed_at IS NULL GROUP BY p.street_id",
    )
    .bind(district)
    .bind(fresh_since)
    .fetch_all(&mut *conn)
    .await?;
    for (sid, n, puhui, community, slots, puhui_slots, classes, fresh, stale, sample) in places {
        let e = by.entry(sid).or_default();
        (e.places, e.puhui_places, e.community_places, e.slots, e.puhui_slots) = (n, puhui, community, slots, puhui_slots);
        (e.classes, e.fresh_classes, e.stale_places, e.sample) = (classes, fresh, stale, sample);
    }
    const ORGS: &str = "SELECT {g} count(DISTINCT o.id), count(DISTINCT CASE WHEN o.beian_status = 'filed' THEN o.id END)
           FROM places p JOIN organisations o ON o.id = p.organisation_id WHERE p.district_id = ?1 AND p.closed_at IS NULL {group}";
    let orgs: Vec<(String, i64, i64)> =
        crate::db::query_as(&ORGS.replace("{g}", "p.street_id,").replace("{group}", "GROUP BY p.street_id")).bind(district).fetch_all(&mut *conn).await?;
    for (sid, n, filed) in orgs {
        let e = by.entry(sid).or_default();
        (e.orgs, e.orgs_filed) = (n, filed);
    }
    let (orgs, orgs_filed): (i64, i64) =
        crate::db::query_as(&ORGS.replace("{g}", "").replace("{group}", "")).bind(district).fetch_one(&mut *conn).await?;
    // Population: per 街道 the latest year not after the month's (else the earliest there is).
    let pops: Vec<PopRow> = crate::db::query_as(
        "SELECT street_id, year, resident, age_0_3, age_60, age_65, age_80, communities, source, is_sample FROM population
          WHERE street_id IN (SELECT id FROM areas WHERE parent_id = ?) ORDER BY street_id, year",
    )
    .bind(district)
    .fetch_all(&mut *conn)
    .await?;
    let mut years: HashMap<String, Vec<Population>> = HashMap::new();
    for (sid, year, resident, a03, a60, a65, a80, communities, source, sample) in pops {
        let p = Population { year: year as i32, resident, age_0_3: a03, age_60: a60, age_65: a65, age_80: a80, communities, source, sample };
        years.entry(sid).or_default().push(p);
    }
    for (sid, ps) in years {
        // rows come by year: the last one not after the month, else the first
        let pick = ps.iter().rev().find(|p| p.year <= month.y).or(ps.first()).cloned();
        by.entry(sid).or_default().population = pick;
    }
    let in_district = "IN (SELECT id FROM areas WHERE parent_id = ?1)";
    const SERVED: &str = "SELECT {g} count(DISTINCT o.elder_name || '|' || coalesce(json_extract(o.elder, '$.phone'), ''))
           FROM orders o WHERE o.street_id {in} AND o.status = 'completed' AND o.visit_date BETWEEN ?2 AND ?3 {group}";
    let served = SERVED.replace("{in}", in_district);
    let rows: Vec<(String, i64)> = crate::db::query_as(&served.replace("{g}", "o.street_id,").replace("{group}", "GROUP BY o.street_id"))
        .bind(district)
        .bind(month.year_back_first())
        .bind(month.last())
        .fetch_all(&mut *conn)
        .await?;
    for (sid, n) in rows {
        by.entry(sid).or_default().elders_served = n;
    }
    let elders_served: i64 = crate::db::query_scalar(&served.replace("{g}", "").replace("{group}", ""))
        .bind(district)
        .bind(month.year_back_first())
        .bind(month.last())
        .fetch_one(&mut *conn)
        .await?;
    let rows: Vec<(String, i64, i64)> = crate::db::query_as(&format!(
        "SELECT wp.street_id, CAST(coalesce(sum(v.status = 'done'), 0) AS BIGINT), CAST(coalesce(sum(v.status = 'done' OR v.due_on < ?4), 0) AS BIGINT)
           FROM welfare_visits v JOIN welfare_plans wp ON wp.id = v.plan_id
          WHERE wp.street_id {in_district} AND v.due_on BETWEEN ?2 AND ?3 GROUP BY wp.street_id"
    ))
    .bind(district)
    .bind(month.first())
    .bind(month.last())
    .bind(month.today.format("%Y-%m-%d").to_string())
    .fetch_all(&mut *conn)
    .await?;
    for (sid, done, due) in rows {
        let e = by.entry(sid).or_default();
        (e.welfare_done, e.welfare_due) = (done, due);
    }
    let rows: Vec<(String, i64, i64)> = crate::db::query_as(&format!(
        "SELECT o.street_id, count(*), CAST(coalesce(sum({FLAGGED}), 0) AS BIGINT) FROM orders o
          WHERE o.street_id {in_district} AND o.status = 'completed' AND o.visit_date BETWEEN ?2 AND ?3 GROUP BY o.street_id"
    ))
    .bind(district)
    .bind(month.first())
    .bind(month.last())
    .fetch_all(&mut *conn)
    .await?;
    for (sid, n, flagged) in rows {
        let e = by.entry(sid).or_default();
        (e.orders_completed, e.evv_flagged) = (n, flagged);
    }
    let streets = streets.into_iter().map(|(id, name)| { let m = by.remove(&id).unwrap_or_default(); (id, name, m) }).collect();
    Ok(DistrictMeasures { streets, orgs, orgs_filed, elders_served })
}

/// Every indicator of an area from its 街道's measures (`street`: one 街道 of the district).
pub fn figures(dm: &DistrictMeasures, street: Option<&str>, month: &Month, targets: &[Target]) -> (Vec<Figure>, PopulationUsed, bool) {
    let rows: Vec<&(String, String, Measures)> = dm.streets.iter().filter(|(id, _, _)| street.is_none_or(|s| s == id)).collect();
    let sum = |f: &dyn Fn(&Measures) -> i64| rows.iter().map(|(_, _, m)| f(m)).sum::<i64>() as f64;
    let mut pop = PopulationUsed::default();
    for (_, name, m) in &rows {
        match &m.population {
            Some(p) => {
                pop.year = Some(pop.year.map_or(p.year, |y| y.max(p.year)));
                pop.resident += p.resident;
                pop.age_0_3 += p.age_0_3;
                pop.age_60 += p.age_60;
                pop.age_65 += p.age_65;
                pop.age_80 += p.age_80;
                pop.sample |= p.sample;
                if !pop.source.contains(&p.source) {
                    pop.source = if pop.source.is_empty() { p.source.clone() } else { format!("{}；{}", pop.source, p.source) };
                }
            }
            None => pop.streets_missing.push(name.clone()),
        }
    }
    let known = pop.year.is_some();
    let den = |v: i64| known.then_some(v as f64);
    let (orgs, filed, served) = match street {
        None => (dm.orgs as f64, dm.orgs_filed as f64, dm.elders_served as f64),
        Some(_) => (sum(&|m| m.orgs), sum(&|m| m.orgs_filed), sum(&|m| m.elders_served)),
    };
    let with_communities: Vec<&Measures> = rows.iter().map(|r| &r.2).filter(|m| m.population.as_ref().is_some_and(|p| p.communities.is_some())).collect();
    let communities: i64 = with_communities.iter().filter_map(|m| m.population.as_ref()?.communities).sum();
    let community_counted: i64 = with_communities.iter().map(|m| m.community_places.min(m.population.as_ref().and_then(|p| p.communities).unwrap_or(0))).sum();
    let missing_note = (!pop.streets_missing.is_empty() && known).then(|| format!("缺少 {} 的人口数据，未计入分母", pop.streets_missing.join("、")));
    let no_pop = (!known).then(|| "没有人口数据：请管理员导入各街道人口".to_string());
    let pop_note = || no_pop.clone().or(missing_note.clone());
    let mut out = Vec::new();
    let mut push = |i: Indicator, num: f64, den: Option<f64>, note: Option<String>| {
        let target = targets.iter().find(|t| t.indicator == Some(i)).cloned();
        out.push(Figure { indicator: i, value: i.value(num, den), numerator: num, denominator: den, target, as_of: month.as_of, note });
    };
    let slots = sum(&|m| m.slots);
    push(Indicator::SlotsPerThousand, slots, den(pop.resident), pop_note());
    push(Indicator::Slots, slots, None, None);
    push(Indicator::PuhuiShare, sum(&|m| m.puhui_slots), Some(slots), None);
    push(Indicator::PuhuiStreetCoverage, rows.iter().filter(|r| r.2.puhui_places > 0).count() as f64, Some(rows.len() as f64), None);
    push(Indicator::BeianRate, filed, Some(orgs), None);
    push(
        Indicator::CommunityCoverage,
        community_counted as f64,
        (!with_communities.is_empty()).then_some(communities as f64),
        Some(if with_communities.is_empty() { "没有社区（村）数：人口数据中未填写".into() } else { "估算：点位未登记所在社区，每个社区托育点计一个社区".into() }),
    );
    push(Indicator::FreshShare, sum(&|m| m.fresh_classes), Some(sum(&|m| m.classes)), None);
    push(Indicator::HomeServiceCoverage, served, den(pop.age_60), pop_note());
    push(Indicator::WelfareVisitRate, sum(&|m| m.welfare_done), Some(sum(&|m| m.welfare_due)), None);
    push(Indicator::OrdersCompleted, sum(&|m| m.orders_completed), None, None);
    push(Indicator::EvvExceptionShare, sum(&|m| m.evv_flagged), Some(sum(&|m| m.orders_completed)), None);
    let sample = rows.iter().any(|r| r.2.sample) || pop.sample;
    (out, pop, sample)
}

/// Past months: the stocks as that month's snapshot holds them (none: no value, and why).
async fn stocks_from_snapshot(conn: &mut crate::db::Conn, area: &str, month: &Month, figures: &mut [Figure]) -> Result<(), AppError> {
    let snaps: Vec<(String, Option<f64>, f64, Option<f64>, i64)> =
        crate::db::query_as("SELECT indicator, value, numerator, denominator, computed_at FROM indicator_snapshots WHERE area_id = ? AND month = ?")
            .bind(area)
            .bind(month.code())
            .fetch_all(&mut *conn)
            .await?;
    for f in figures.iter_mut().filter(|f| f.indicator.is_stock()) {
        match snaps.iter().find(|s| s.0 == f.indicator.code()) {
            Some(s) => {
                (f.value, f.numerator, f.denominator, f.as_of) = (s.1, s.2, s.3, s.4);
                f.note = Some(format!("{} 月的快照", month.code()));
            }
            None => {
                (f.value, f.numerator, f.denominator) = (None, 0.0, None);
                f.note = Some(format!("{} 月没有快照：托位、备案等存量指标只在当月记录", month.code()));
            }
        }
    }
    Ok(())
}

/// `GET /api/v1/supervise/indicators`.
pub async fn indicators(conn: &mut crate::db::Conn, area: AreaRef, month: Month) -> Result<IndicatorsResponse, AppError> {
    let targets = crate::db::targets::for_district(conn, &area.district_id).await?;
    let dm = measures(conn, &area.district_id, &month).await?;
    let street = (area.level == "street").then_some(area.id.as_str());
    let (mut figures, population, sample) = figures(&dm, street, &month, &targets);
    if !month.live {
        stocks_from_snapshot(conn, &area.id, &month, &mut figures).await?;
    }
    let other_targets = targets.into_iter().filter(|t| t.indicator.is_none()).collect();
    Ok(IndicatorsResponse { month: month.code(), live: month.live, as_of: month.as_of, sample, population, figures, other_targets, area })
}

/// `GET /api/v1/supervise/streets`: each 街道 of a district.
pub async fn streets(conn: &mut crate::db::Conn, district: AreaRef, month: Month) -> Result<app::model::supervise::StreetsResponse, AppError> {
    let dm = measures(conn, &district.id, &month).await?;
    let mut rows = Vec::new();
    let mut sample = false;
    for (id, name, m) in &dm.streets {
        let (f, _, s) = figures(&dm, Some(id), &month, &[]);
        sample |= s;
        let v = |i: Indicator| f.iter().find(|x| x.indicator == i).and_then(|x| x.value);
        rows.push(StreetRow {
            street_id: id.clone(),
            name: name.clone(),
            resident: m.population.as_ref().map(|p| p.resident),
            age_60: m.population.as_ref().map(|p| p.age_60),
            places: m.places,
            slots: m.slots,
            puhui_slots: m.puhui_slots,
            slots_per_thousand: v(Indicator::SlotsPerThousand),
            puhui_share: v(Indicator::PuhuiShare),
            fresh_share: v(Indicator::FreshShare),
            stale_places: m.stale_places,
            elders_served: m.elders_served,
            home_service_coverage: v(Indicator::HomeServiceCoverage),
            welfare_done: m.welfare_done,
            welfare_due: m.welfare_due,
            welfare_visit_rate: v(Indicator::WelfareVisitRate),
            orders_completed: m.orders_completed,
            evv_exceptions: m.evv_flagged,
        });
    }
    Ok(app::model::supervise::StreetsResponse { month: month.code(), as_of: month.as_of, sample, rows, district })
}

fn area_filter(area: &AreaRef, col: &str) -> String {
    if area.level == "street" { format!("{col}street_id = ?1") } else { format!("{col}district_id = ?1") }
}

/// `GET /api/v1/supervise/places`: places whose figures are stale, worst first, and the map.
pub async fn places(conn: &mut crate::db::Conn, area: AreaRef, now: i64) -> Result<PlacesOverview, AppError> {
    let fresh_since = now - FRESH_DAYS * 86_400;
    let rows: Vec<(i64, String, String, String, String, String, f64, f64, bool, bool, i64, i64, i64, i64, i64)> = crate::db::query_as(&format!(
        "SELECT p.id, p.name, o.name, p.street_id, s.name, p.phone, p.lat, p.lng, p.puhui, p.is_sample,
                coalesce(min(c.confirmed_at), p.updated_at), CAST(coalesce(sum(c.confirmed_at < ?2), 0) AS BIGINT), count(c.id),
                CAST(coalesce(sum(c.vacancies), 0) AS BIGINT), CAST(coalesce(sum(c.capacity), 0) AS BIGINT)
           FROM places p JOIN organisations o ON o.id = p.organisation_id JOIN areas s ON s.id = p.street_id
           LEFT JOIN classes c ON c.place_id = p.id
          WHERE {} AND p.closed_at IS NULL GROUP BY p.id, o.name, s.name ORDER BY p.id",
        area_filter(&area, "p.")
    ))
    .bind(&area.id)
    .bind(fresh_since)
    .fetch_all(&mut *conn)
    .await?;
    let mut stale = Vec::new();
    let mut map = Vec::new();
    for (id, name, org, sid, sname, phone, lat, lng, puhui, sample, oldest, stale_n, classes, vacancies, capacity) in rows {
        if stale_n > 0 {
            stale.push(StalePlace {
                place_id: id,
                name: name.clone(),
                organisation: org,
                street_id: sid.clone(),
                street_name: sname,
                phone,
                oldest_confirmed_at: oldest,
                stale_classes: stale_n,
                classes,
                vacancies,
                sample,
            });
        }
        map.push(MapPlace { place_id: id, name, street_id: sid, lat, lng, capacity, vacancies, oldest_confirmed_at: oldest, puhui });
    }
    stale.sort_by_key(|s| (s.oldest_confirmed_at, s.place_id));
    Ok(PlacesOverview { area, as_of: now, stale, places: map })
}

/// `GET /api/v1/supervise/orders`: 12 months by item, and the month's EVV exceptions.
pub async fn service(conn: &mut crate::db::Conn, area: AreaRef, month: Month) -> Result<ServiceOverview, AppError> {
    let months: Vec<String> = (0..12).rev().map(|b| { let (y, m) = months_back(month.y, month.m, b); month_code(y, m) }).collect();
    let street_in = if area.level == "street" { "o.street_id = ?1".to_string() } else { "o.street_id IN (SELECT id FROM areas WHERE parent_id = ?1)".to_string() };
    let rows: Vec<(String, String, i64, i64)> = crate::db::query_as(&format!(
        "SELECT o.service_item, substr(o.visit_date, 1, 7) AS ym, count(*), CAST(coalesce(sum(o.status = 'completed'), 0) AS BIGINT)
           FROM orders o WHERE {street_in} AND o.status NOT IN ('cancelled', 'declined') AND o.visit_date BETWEEN ?2 AND ?3
          GROUP BY o.service_item, ym"
    ))
    .bind(&area.id)
    .bind(month.year_back_first())
    .bind(month.last())
    .fetch_all(&mut *conn)
    .await?;
    let mut items: Vec<ItemMonths> = Vec::new();
    for (code, ym, n, done) in rows {
        let Some(item) = ServiceItem::from_code(&code) else { return Err(crate::db::unknown("service item", &code)) };
        let Some(k) = months.iter().position(|x| *x == ym) else { continue };
        let row = match items.iter().position(|r| r.item == item) {
            Some(i) => &mut items[i],
            None => {
                items.push(ItemMonths { item, ordered: vec![0; 12], completed: vec![0; 12] });
                items.last_mut().expect("pushed")
            }
        };
        row.ordered[k] = n;
        row.completed[k] = done;
    }
    items.sort_by_key(|r| r.item);
    let ex: Vec<(String, String, String, String, String, Option<String>, Option<i64>, Option<i64>, Option<f64>, Option<f64>)> = crate::db::query_as(&format!(
        "SELECT o.id, p.name, o.service_item, o.visit_date, coalesce(s.name, ''), c.name, o.check_in_at, o.check_out_at,
                o.check_in_distance_m, o.check_out_distance_m
           FROM orders o JOIN providers p ON p.id = o.provider_id LEFT JOIN areas s ON s.id = o.street_id LEFT JOIN carers c ON c.id = o.carer_id
          WHERE {street_in} AND o.status = 'completed' AND o.visit_date BETWEEN ?2 AND ?3 AND {FLAGGED}
          ORDER BY o.visit_date DESC, o.id LIMIT 500"
    ))
    .bind(&area.id)
    .bind(month.first())
    .bind(month.last())
    .fetch_all(&mut *conn)
    .await?;
    let mut exceptions = Vec::new();
    for (id, provider, code, date, street, carer, cin, cout, din, dout) in ex {
        let Some(item) = ServiceItem::from_code(&code) else { return Err(crate::db::unknown("service item", &code)) };
        let part = |what: &str, at: Option<i64>, d: Option<f64>| match (at, d) {
            (None, _) => Some(format!("未{what}")),
            (Some(_), None) => Some(format!("{what}无定位")),
            (Some(_), Some(d)) if d > app::model::orders::FAR_FROM_ADDRESS_M => Some(format!("{what}距地址 {} 米", d.round() as i64)),
            _ => None,
        };
        let reason = [part("签到", cin, din), part("签退", cout, dout)].into_iter().flatten().collect::<Vec<_>>().join("，");
        exceptions.push(EvvException { order_id: id, provider, item, visit_date: date, street_name: street, carer, check_in_m: din, check_out_m: dout, reason });
    }
    Ok(ServiceOverview { area, month: month.code(), as_of: month.as_of, months, items, exceptions })
}

/// `GET /api/v1/supervise/settlement`: per provider of the district, the month's completed
/// orders that count, priced as quoted by the rule table when ordered.
pub async fn settlement(conn: &mut crate::db::Conn, district: AreaRef, month: Month) -> Result<Settlement, AppError> {
    let rows: Vec<(i64, String, i64, i64, i64, i64, i64, i64, i64, bool)> = crate::db::query_as(&format!(
        "WITH x AS (
            SELECT o.provider_id, {FLAGGED} AS flagged,
                   CAST(json_extract(o.quote, '$.public_pays_yuan') AS BIGINT) > 0 AND o.category_confirmed_at IS NULL AS unverified,
                   CAST(json_extract(o.quote, '$.market_price_yuan') AS BIGINT) AS market, CAST(json_extract(o.quote, '$.public_pays_yuan') AS BIGINT) AS public,
                   CAST(json_extract(o.quote, '$.family_pays_yuan') AS BIGINT) AS family, json_extract(o.quote, '$.payer') AS payer
              FROM orders o JOIN providers p ON p.id = o.provider_id
             WHERE p.district_id = ?1 AND o.status = 'completed' AND o.visit_date BETWEEN ?2 AND ?3)
         SELECT p.id, p.name,
                CAST(coalesce(sum(NOT x.flagged AND NOT x.unverified), 0) AS BIGINT),
                CAST(coalesce(sum(CASE WHEN NOT x.flagged AND NOT x.unverified THEN x.market END), 0) AS BIGINT),
                CAST(coalesce(sum(CASE WHEN NOT x.flagged AND NOT x.unverified AND x.payer = 'government_purchase' THEN x.public END), 0) AS BIGINT),
                CAST(coalesce(sum(CASE WHEN NOT x.flagged AND NOT x.unverified AND x.payer = 'subsidy' THEN x.public END), 0) AS BIGINT),
                CAST(coalesce(sum(CASE WHEN NOT x.flagged AND NOT x.unverified THEN x.family END), 0) AS BIGINT),
                CAST(coalesce(sum(x.unverified AND NOT x.flagged), 0) AS BIGINT),
                CAST(coalesce(sum(x.flagged), 0) AS BIGINT),
                p.is_sample
           FROM x JOIN providers p ON p.id = x.provider_id GROUP BY p.id ORDER BY p.name, p.id"
    ))
    .bind(&district.id)
    .bind(month.first())
    .bind(month.last())
    .fetch_all(&mut *conn)
    .await?;
    let rows: Vec<SettlementRow> = rows
        .into_iter()
        .map(|r| SettlementRow {
            provider_id: r.0,
            provider: r.1,
            orders: r.2,
            market_yuan: r.3,
            government_purchase_yuan: r.4,
            subsidy_yuan: r.5,
            family_yuan: r.6,
            excluded_unverified: r.7,
            excluded_flagged: r.8,
            sample: r.9,
        })
        .collect();
    let mut total = SettlementRow { provider: "合计".into(), ..Default::default() };
    for r in &rows {
        total.orders += r.orders;
        total.market_yuan += r.market_yuan;
        total.government_purchase_yuan += r.government_purchase_yuan;
        total.subsidy_yuan += r.subsidy_yuan;
        total.family_yuan += r.family_yuan;
        total.excluded_unverified += r.excluded_unverified;
        total.excluded_flagged += r.excluded_flagged;
        total.sample |= r.sample;
    }
    Ok(Settlement { month: month.code(), as_of: month.as_of, rows, total, district })
}

/// `GET /api/v1/supervise/trends`: each indicator's last 12 months from the snapshots, the
/// current month as it stands.
pub async fn trends(conn: &mut crate::db::Conn, area: AreaRef, now: DateTime<Utc>) -> Result<app::model::supervise::TrendsResponse, AppError> {
    let current = Month::at(None, now)?;
    let live = indicators(conn, area.clone(), current).await?;
    let (fy, fm) = months_back(current.y, current.m, 11);
    let snaps: Vec<(String, String, Option<f64>, bool)> = crate::db::query_as(
        "SELECT month, indicator, value, backfilled FROM indicator_snapshots WHERE area_id = ? AND month >= ? AND month < ? ORDER BY month",
    )
    .bind(&area.id)
    .bind(month_code(fy, fm))
    .bind(current.code())
    .fetch_all(&mut *conn)
    .await?;
    let months: Vec<String> = (0..12).rev().map(|b| { let (y, m) = months_back(current.y, current.m, b); month_code(y, m) }).collect();
    let trends = live
        .figures
        .iter()
        .map(|f| Trend {
            indicator: f.indicator,
            target: f.target.as_ref().map(|t| t.target),
            points: months
                .iter()
                .map(|mo| {
                    if *mo == current.code() {
                        return TrendPoint { month: mo.clone(), value: f.value, backfilled: false };
                    }
                    let s = snaps.iter().find(|s| s.0 == *mo && s.1 == f.indicator.code());
                    TrendPoint { month: mo.clone(), value: s.and_then(|s| s.2), backfilled: s.is_some_and(|s| s.3) }
                })
                .collect(),
        })
        .collect();
    Ok(app::model::supervise::TrendsResponse { area, trends })
}

/// What one run of the snapshot job did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Snapshotted {
    pub written: u64,
    pub backfilled: u64,
}

/// The monthly snapshots: this month's figures of every district and 街道 (rewritten while
/// the month runs), and — with `backfill` — the flows of the last 11 months that have no
/// snapshot yet, counted from the records. Figures are read on `read`, written in one short
/// transaction on `write` per district.
pub async fn snapshot(read: &crate::db::Pool, write: &crate::db::Pool, now: DateTime<Utc>, backfill: bool) -> Result<Snapshotted, AppError> {
    let districts: Vec<String> = crate::db::query_scalar(
        "SELECT d.id FROM areas d WHERE d.level = 'district'
            AND (EXISTS (SELECT 1 FROM places p WHERE p.district_id = d.id)
              OR EXISTS (SELECT 1 FROM population x JOIN areas s ON s.id = x.street_id WHERE s.parent_id = d.id)
              OR EXISTS (SELECT 1 FROM providers v WHERE v.district_id = d.id))
          ORDER BY d.sort_order, d.id",
    )
    .fetch_all(&mut *read.acquire().await?)
    .await?;
    let mut done = Snapshotted::default();
    let current = Month::at(None, now)?;
    for d in districts {
        let mut rows: Vec<(String, String, Figure, bool)> = Vec::new();
        {
            let mut conn = read.acquire().await?;
            let targets = crate::db::targets::for_district(&mut conn, &d).await?;
            let mut months = vec![(current, false)];
            if backfill {
                for b in 1..12 {
                    let (y, m) = months_back(current.y, current.m, b);
                    months.push((Month::at(Some(&month_code(y, m)), now)?, true));
                }
            }
            for (month, past) in months {
                let dm = measures(&mut conn, &d, &month).await?;
                let areas = std::iter::once(None).chain(dm.streets.iter().map(|s| Some(s.0.clone())));
                for street in areas {
                    let (figs, _, _) = figures(&dm, street.as_deref(), &month, &targets);
                    for f in figs.into_iter().filter(|f| !past || !f.indicator.is_stock()) {
                        rows.push((street.clone().unwrap_or_else(|| d.clone()), month.code(), f, past));
                    }
                }
            }
        }
        let mut tx = write.begin().await?;
        for (area, month, f, past) in rows {
            let sql = if past {
                "INSERT INTO indicator_snapshots (area_id, month, indicator, value, numerator, denominator, computed_at, backfilled)
                 VALUES (?, ?, ?, ?, ?, ?, ?, TRUE) ON CONFLICT (area_id, month, indicator) DO NOTHING"
            } else {
                "INSERT INTO indicator_snapshots (area_id, month, indicator, value, numerator, denominator, computed_at, backfilled)
                 VALUES (?, ?, ?, ?, ?, ?, ?, FALSE) ON CONFLICT (area_id, month, indicator) DO UPDATE
                    SET value = excluded.value, numerator = excluded.numerator, denominator = excluded.denominator,
                        computed_at = excluded.computed_at, backfilled = FALSE"
            };
            let n = crate::db::query(sql)
                .bind(&area)
                .bind(&month)
                .bind(f.indicator.code())
                .bind(f.value)
                .bind(f.numerator)
                .bind(f.denominator)
                .bind(now.timestamp())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if past { done.backfilled += n } else { done.written += n }
        }
        tx.commit().await?;
    }
    Ok(done)
}
