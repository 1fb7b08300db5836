//! SQLite data access (sqlx). Times in the database are Unix seconds.

use crate::http::error::AppError;
use app::rules::geo::{bbox_around, BBox, LatLng, EARTH_RADIUS_M};
use app::rules::query::{Origin, PlaceQuery};
use app::model::*;
use chrono::{DateTime, Utc};
use sqlx::FromRow;
use std::collections::HashMap;

pub fn ts(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

// ------------------------------------------------------------------ writes

pub struct AreaSeed {
    pub id: String,
    pub parent_id: Option<String>,
    pub city: String,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub sort_order: i64,
}

pub struct OrgSeed {
    pub name: String,
    pub uscc: String,
    pub beian_status: BeianStatus,
    pub beian_number: Option<String>,
}

pub struct ClassSeed {
    pub age_band: AgeBand,
    pub care_mode: CareMode,
    pub capacity: u32,
    pub enrolled: u32,
    pub puhui_slots: u32,
    pub vacancies: u32,
    /// Seconds before load time that the vacancy figure was confirmed.
    pub confirmed_age_s: i64,
}

pub struct PlaceSeed {
    pub name: String,
    pub is_main: bool,
    pub provider_type: ProviderType,
    pub district_id: String,
    pub street_id: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub opening_hours: String,
    pub phone: String,
    pub puhui: bool,
    pub puhui_fee_yuan: Option<u32>,
    pub badges: Vec<Badge>,
    pub care_modes: Vec<(CareMode, u32)>,
    pub classes: Vec<ClassSeed>,
    /// Seconds before load time that the place's facts last changed.
    pub updated_age_s: i64,
}

pub async fn insert_area(tx: &mut crate::db::Tx, a: &AreaSeed) -> sqlx::Result<()> {
    crate::db::query(
        "INSERT INTO areas (id, parent_id, level, city, name, lat, lng, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(&a.id)
    .bind(&a.parent_id)
    .bind(if a.parent_id.is_some() { "street" } else { "district" })
    .bind(&a.city)
    .bind(&a.name)
    .bind(a.lat)
    .bind(a.lng)
    .bind(a.sort_order)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_org(tx: &mut crate::db::Tx, o: &OrgSeed, now: i64) -> sqlx::Result<i64> {
    let r = crate::db::query_scalar::<i64>(
        "INSERT INTO organisations (name, uscc, beian_status, beian_number, is_sample, created_at, updated_at)
         VALUES (?, ?, ?, ?, TRUE, ?, ?) RETURNING id",
    )
    .bind(&o.name)
    .bind(&o.uscc)
    .bind(o.beian_status.code())
    .bind(&o.beian_number)
    .bind(now)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    Ok(r)
}

pub async fn insert_place(tx: &mut crate::db::Tx, org_id: i64, p: &PlaceSeed, now: i64) -> sqlx::Result<i64> {
    let updated = now - p.updated_age_s;
    let r = crate::db::query_scalar::<i64>(
        "INSERT INTO places (organisation_id, is_main, name, provider_type, district_id, street_id, address, lat, lng,
                             opening_hours, phone, puhui, puhui_fee_yuan, is_sample, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?) RETURNING id",
    )
    .bind(org_id)
    .bind(p.is_main)
    .bind(&p.name)
    .bind(p.provider_type.code())
    .bind(&p.district_id)
    .bind(&p.street_id)
    .bind(&p.address)
    .bind(p.lat)
    .bind(p.lng)
    .bind(&p.opening_hours)
    .bind(&p.phone)
    .bind(p.puhui)
    .bind(p.puhui_fee_yuan)
    .bind(updated)
    .bind(updated)
    .fetch_one(&mut **tx)
    .await?;
    let id = r;
    for b in &p.badges {
        crate::db::query("INSERT INTO place_badges (place_id, badge) VALUES (?, ?)")
            .bind(id)
            .bind(b.code())
            .execute(&mut **tx)
            .await?;
    }
    for (m, fee) in &p.care_modes {
        crate::db::query("INSERT INTO place_care_modes (place_id, care_mode, fee_yuan, unit) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(m.code())
            .bind(fee)
            .bind(m.fee_unit().code())
            .execute(&mut **tx)
            .await?;
    }
    for c in &p.classes {
        let confirmed = now - c.confirmed_age_s;
        crate::db::query(
            "INSERT INTO classes (place_id, age_band, care_mode, capacity, enrolled, puhui_slots, vacancies, confirmed_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(c.age_band.code())
        .bind(c.care_mode.code())
        .bind(c.capacity)
        .bind(c.enrolled)
        .bind(c.puhui_slots)
        .bind(c.vacancies)
        .bind(confirmed)
        .bind(confirmed)
        .execute(&mut **tx)
        .await?;
    }
    Ok(id)
}

pub async fn place_count(pool: &crate::db::Pool) -> sqlx::Result<i64> {
    crate::db::query_scalar("SELECT count(*) FROM places").fetch_one(&mut *pool.acquire().await?).await
}

// ------------------------------------------------------------------ reads

/// Which places to load.
enum Select {
    /// Inside a bounding box (the R*Tree).
    BBox(BBox),
    One(i64),
    /// Every place of a district or street.
    Area(String),
    /// Places of these areas (district or street ids) changed after a sequence number.
    ChangedIn(Vec<String>, i64),
}

impl Select {
    /// The statement `text` with the selection's condition on `col` at `{}`, for both
    /// engines: the box is SQLite's R*Tree; on PostgreSQL the circle it was drawn around
    /// (centre and radius read back from the same four arguments, +1 % for the spheroid)
    /// goes to `ST_DWithin` over the GiST-indexed `places.geog`. Either way the exact
    /// distance is cut in Rust (`app::rules::search`).
    fn sql(&self, text: &str, col: &str) -> crate::db::Sql<'static> {
        let with = |clause: &str| text.replace("{}", clause);
        match self {
            Select::BBox(_) => crate::db::Sql::by_engine(
                with(&format!("{col} IN (SELECT id FROM place_geo WHERE min_lat >= ?1 AND max_lat <= ?2 AND min_lng >= ?3 AND max_lng <= ?4)")),
                with(&format!(
                    "{col} IN (SELECT id FROM places WHERE ST_DWithin(geog,
                        ST_SetSRID(ST_MakePoint((?3 + ?4) / 2, (?1 + ?2) / 2), 4326)::geography, radians((?2 - ?1) / 2) * {EARTH_RADIUS_M} * 1.01))"
                )),
            ),
            Select::One(_) => with(&format!("{col} = ?")).into(),
            Select::Area(_) => with(&format!("{col} IN (SELECT id FROM places WHERE district_id = ?1 OR street_id = ?1)")).into(),
            Select::ChangedIn(..) => crate::db::engine::json_lists(
                with(&format!(
                    "{col} IN (SELECT id FROM places WHERE change_seq > ?2 AND (district_id IN (SELECT value FROM json_each(?1))
                                                                         OR street_id IN (SELECT value FROM json_each(?1))))"
                )),
                &["text", "text"],
            ),
        }
    }
    fn bind<'q, O: crate::db::engine::Row>(
        &self,
        q: crate::db::engine::QueryAs<'q, O>,
    ) -> crate::db::engine::QueryAs<'q, O> {
        match self {
            Select::BBox(b) => q.bind(b.min_lat).bind(b.max_lat).bind(b.min_lng).bind(b.max_lng),
            Select::One(id) => q.bind(*id),
            Select::Area(a) => q.bind(a.clone()),
            Select::ChangedIn(areas, since) => {
                q.bind(serde_json::to_string(areas).unwrap_or_else(|_| "[]".into())).bind(*since)
            }
        }
    }
}

#[derive(FromRow)]
struct PlaceRow {
    id: i64,
    organisation_id: i64,
    name: String,
    provider_type: String,
    puhui: bool,
    puhui_fee_yuan: Option<i64>,
    district_id: String,
    district_name: String,
    street_id: String,
    street_name: String,
    address: String,
    lat: f64,
    lng: f64,
    is_sample: bool,
    location_unverified: bool,
    updated_at: i64,
    change_seq: i64,
}

#[derive(FromRow)]
struct ClassRow {
    id: i64,
    place_id: i64,
    age_band: String,
    care_mode: String,
    capacity: i64,
    enrolled: i64,
    puhui_slots: i64,
    vacancies: i64,
    confirmed_at: i64,
    updated_at: i64,
    change_seq: i64,
}

async fn load_summaries(conn: &mut crate::db::Conn, sel: Select) -> Result<Vec<PlaceSummary>, AppError> {
    let places: Vec<PlaceRow> = sel
        .bind(crate::db::query_as(sel.sql(
            "SELECT p.id, p.organisation_id, p.name, p.provider_type, p.puhui, p.puhui_fee_yuan,
                    p.district_id, d.name AS district_name, p.street_id, s.name AS street_name,
                    p.address, p.lat, p.lng, p.is_sample, p.location_unverified, p.updated_at, p.change_seq
             FROM places p JOIN areas d ON d.id = p.district_id JOIN areas s ON s.id = p.street_id
             WHERE p.closed_at IS NULL AND {}",
            "p.id",
        )))
        .fetch_all(&mut *conn)
        .await?;
    if places.is_empty() {
        return Ok(vec![]);
    }
    let badges: Vec<(i64, String)> = sel
        .bind(crate::db::query_as(sel.sql(
            "SELECT place_id, badge FROM place_badges WHERE {} ORDER BY place_id, badge",
            "place_id",
        )))
        .fetch_all(&mut *conn)
        .await?;
    let modes: Vec<(i64, String, i64, String)> = sel
        .bind(crate::db::query_as(sel.sql(
            "SELECT place_id, care_mode, fee_yuan, unit FROM place_care_modes WHERE {}",
            "place_id",
        )))
        .fetch_all(&mut *conn)
        .await?;
    let classes: Vec<ClassRow> = sel
        .bind(crate::db::query_as(sel.sql(
            "SELECT id, place_id, age_band, care_mode, capacity, enrolled, puhui_slots, vacancies, confirmed_at, updated_at, change_seq
             FROM classes WHERE {}",
            "place_id",
        )))
        .fetch_all(&mut *conn)
        .await?;

    let mut badge_map: HashMap<i64, Vec<Badge>> = HashMap::new();
    for (pid, b) in badges {
        badge_map.entry(pid).or_default().push(Badge::from_code(&b).ok_or_else(|| super::unknown("badge", &b))?);
    }
    let mut mode_map: HashMap<i64, Vec<CareModeFee>> = HashMap::new();
    for (pid, m, fee, unit) in modes {
        mode_map.entry(pid).or_default().push(CareModeFee {
            care_mode: CareMode::from_code(&m).ok_or_else(|| super::unknown("care_mode", &m))?,
            fee_yuan: fee as u32,
            unit: FeeUnit::from_code(&unit).ok_or_else(|| super::unknown("unit", &unit))?,
        });
    }
    let mut class_map: HashMap<i64, Vec<ClassVacancy>> = HashMap::new();
    for c in classes {
        class_map.entry(c.place_id).or_default().push(ClassVacancy {
            id: c.id,
            age_band: AgeBand::from_code(&c.age_band).ok_or_else(|| super::unknown("age_band", &c.age_band))?,
            care_mode: CareMode::from_code(&c.care_mode).ok_or_else(|| super::unknown("care_mode", &c.care_mode))?,
            capacity: c.capacity as u32,
            enrolled: c.enrolled as u32,
            puhui_slots: c.puhui_slots as u32,
            vacancies: c.vacancies as u32,
            confirmed_at: ts(c.confirmed_at),
            updated_at: ts(c.updated_at),
            change_seq: c.change_seq,
        });
    }
    places
        .into_iter()
        .map(|p| {
            let mut care_modes = mode_map.remove(&p.id).unwrap_or_default();
            care_modes.sort_by_key(|c| c.care_mode);
            let mut classes = class_map.remove(&p.id).unwrap_or_default();
            classes.sort_by_key(|c| (c.care_mode, c.age_band));
            Ok(PlaceSummary {
                id: p.id,
                organisation_id: p.organisation_id,
                provider_type: ProviderType::from_code(&p.provider_type)
                    .ok_or_else(|| super::unknown("provider_type", &p.provider_type))?,
                name: p.name,
                badges: badge_map.remove(&p.id).unwrap_or_default(),
                puhui: p.puhui,
                puhui_fee_yuan: p.puhui_fee_yuan.map(|f| f as u32),
                district_id: p.district_id,
                district_name: p.district_name,
                street_id: p.street_id,
                street_name: p.street_name,
                address: p.address,
                lat: p.lat,
                lng: p.lng,
                care_modes,
                classes,
                is_sample: p.is_sample,
                location_unverified: p.location_unverified,
                updated_at: ts(p.updated_at),
                change_seq: p.change_seq,
            })
        })
        .collect()
}

/// The centre of a district or street.
pub async fn area_centre(conn: &mut crate::db::Conn, id: &str) -> Result<Option<LatLng>, AppError> {
    let row: Option<(f64, f64)> =
        crate::db::query_as("SELECT lat, lng FROM areas WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?;
    Ok(row.map(|(lat, lng)| LatLng::new(lat, lng)))
}

/// Nearby search: candidates from the R*Tree bounding box, then the shared filter
/// rules (`app::rules::search`), exact distance, sort and limit. One connection throughout.
pub async fn search_places(pool: &crate::db::Pool, q: &PlaceQuery) -> Result<PlacesResponse, AppError> {
    let mut conn = pool.acquire().await?;
    let origin = match &q.origin {
        Origin::Point(p) => *p,
        Origin::Area(id) => area_centre(&mut conn, id).await?.ok_or_else(|| unknown_area("area", id))?,
    };
    let candidates = load_summaries(&mut conn, Select::BBox(bbox_around(origin, q.radius_m as f64))).await?;
    let (places, total) = app::rules::search::search(&candidates, origin, q.radius_m, &q.filters, q.limit);
    Ok(PlacesResponse {
        origin_lat: origin.lat,
        origin_lng: origin.lng,
        radius_m: q.radius_m,
        age_months: q.filters.age_months,
        places,
        total,
        generated_at: Utc::now(),
        from_cache: None,
    })
}

#[derive(FromRow)]
struct PlaceExtraRow {
    is_main: bool,
    opening_hours: String,
    phone: String,
    org_id: i64,
    org_name: String,
    uscc: String,
    beian_status: String,
    beian_number: Option<String>,
    org_sample: bool,
}

/// One place with its organisation and siblings, on one connection (never a second one
/// from the pool while this one is held: under load that deadlocks the pool).
pub async fn place_detail(pool: &crate::db::Pool, id: i64) -> Result<Option<PlaceDetail>, AppError> {
    let mut conn = pool.acquire().await?;
    let Some(summary) = load_summaries(&mut conn, Select::One(id)).await?.pop() else {
        return Ok(None);
    };
    let x: PlaceExtraRow = crate::db::query_as(
        "SELECT p.is_main, p.opening_hours, p.phone, o.id AS org_id, o.name AS org_name, o.uscc, o.beian_status,
                o.beian_number, o.is_sample AS org_sample
         FROM places p JOIN organisations o ON o.id = p.organisation_id WHERE p.id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let siblings: Vec<(i64, String, String, bool)> = crate::db::query_as(
        "SELECT p.id, p.name, s.name, p.is_main FROM places p JOIN areas s ON s.id = p.street_id
         WHERE p.organisation_id = ? AND p.id <> ? AND p.closed_at IS NULL ORDER BY p.is_main DESC, p.id",
    )
    .bind(x.org_id)
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(PlaceDetail {
        summary,
        is_main: x.is_main,
        opening_hours: x.opening_hours,
        phone: x.phone,
        organisation: Organisation {
            id: x.org_id,
            name: x.org_name,
            uscc: x.uscc,
            beian_status: BeianStatus::from_code(&x.beian_status).ok_or_else(|| super::unknown("beian_status", &x.beian_status))?,
            beian_number: x.beian_number,
            is_sample: x.org_sample,
        },
        siblings: siblings
            .into_iter()
            .map(|(id, name, street_name, is_main)| SiblingPlace { id, name, street_name, is_main })
            .collect(),
        generated_at: Utc::now(),
        from_cache: None,
        partial: false,
    }))
}

/// The last area list made, with the change number it was made at: every change to a place or
/// class moves that number, so a list made at the current number is the list the database
/// holds (on any server), and is answered without counting again.
/// (Per database: a process may open several, as the tests do.)
static AREAS: std::sync::LazyLock<std::sync::Mutex<HashMap<String, (i64, AreasResponse)>>> = std::sync::LazyLock::new(Default::default);

pub async fn areas(pool: &crate::db::Pool) -> Result<AreasResponse, AppError> {
    let mut conn = pool.acquire().await?;
    let seq = current_seq(&mut conn).await?;
    let db = pool.identity();
    if let Some((at, list)) = AREAS.lock().unwrap_or_else(|p| p.into_inner()).get(&db) {
        if *at == seq {
            return Ok(list.clone());
        }
    }
    let list = count_areas(&mut conn).await?;
    AREAS.lock().unwrap_or_else(|p| p.into_inner()).insert(db, (seq, list.clone()));
    Ok(list)
}

async fn count_areas(conn: &mut crate::db::Conn) -> Result<AreasResponse, AppError> {
    #[derive(FromRow)]
    struct AreaRow {
        id: String,
        parent_id: Option<String>,
        city: String,
        name: String,
        lat: f64,
        lng: f64,
        place_count: i64,
    }
    let rows: Vec<AreaRow> = crate::db::query_as(
        "SELECT a.id, a.parent_id, a.city, a.name, a.lat, a.lng,
                (SELECT count(*) FROM places p WHERE p.street_id = a.id AND p.closed_at IS NULL) AS place_count
         FROM areas a ORDER BY a.level, a.sort_order, a.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut districts: Vec<District> = Vec::new();
    for r in rows {
        match r.parent_id {
            None => districts.push(District { id: r.id, name: r.name, city: r.city, lat: r.lat, lng: r.lng, streets: vec![] }),
            Some(parent) => {
                if let Some(d) = districts.iter_mut().find(|d| d.id == parent) {
                    d.streets.push(Street { id: r.id, name: r.name, lat: r.lat, lng: r.lng, place_count: r.place_count as u32 });
                }
            }
        }
    }
    Ok(AreasResponse { districts })
}

// ------------------------------------------------------------------ sync

pub async fn current_seq(conn: &mut crate::db::Conn) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar("SELECT value FROM change_counter WHERE id = TRUE").fetch_one(&mut *conn).await?)
}

pub async fn area_exists(conn: &mut crate::db::Conn, id: &str) -> Result<bool, AppError> {
    let n: i64 = crate::db::query_scalar("SELECT count(*) FROM areas WHERE id = ?").bind(id).fetch_one(&mut *conn).await?;
    Ok(n > 0)
}

fn unknown_area(field: &str, id: &str) -> AppError {
    AppError::field(field, format!("没有编号为“{id}”的区域，请从区域列表中选择"))
}

/// Every place of a district or street, with the sequence number the snapshot is
/// consistent with (one read transaction).
pub async fn area_places(pool: &crate::db::Pool, area_id: &str) -> Result<Option<AreaPlacesResponse>, AppError> {
    let mut tx = pool.begin_snapshot().await?;
    if !area_exists(&mut tx, area_id).await? {
        return Ok(None);
    }
    let seq = current_seq(&mut tx).await?;
    let places = load_summaries(&mut tx, Select::Area(area_id.to_string())).await?;
    tx.commit().await?;
    Ok(Some(AreaPlacesResponse { area_id: area_id.to_string(), seq, places, generated_at: Utc::now() }))
}

/// More changes than this: the client refetches its areas instead.
pub const MAX_CHANGES: usize = 2_000;

/// Places of `areas` changed after `since`, place deletions after `since`, and the
/// sequence number now (one read transaction, so nothing falls between two calls).
pub async fn changes(pool: &crate::db::Pool, since: i64, areas: &[String]) -> Result<ChangesResponse, AppError> {
    let mut tx = pool.begin_snapshot().await?;
    for a in areas {
        if !area_exists(&mut tx, a).await? {
            return Err(unknown_area("areas", a));
        }
    }
    let seq = current_seq(&mut tx).await?;
    let horizon: i64 = crate::db::query_scalar("SELECT value FROM sync_meta WHERE key = 'tombstone_horizon'")
        .fetch_one(&mut *tx)
        .await?;
    let changed: i64 = crate::db::query_scalar(
        crate::db::engine::json_lists("SELECT count(*) FROM places WHERE change_seq > ?2 AND (district_id IN (SELECT value FROM json_each(?1))
                                                           OR street_id IN (SELECT value FROM json_each(?1)))", &["text", "text"]),
    )
    .bind(serde_json::to_string(areas).unwrap_or_default())
    .bind(since)
    .fetch_one(&mut *tx)
    .await?;
    let reset = since < horizon || since > seq || changed as usize > MAX_CHANGES;
    let (places, deleted_places) = if reset {
        (vec![], vec![])
    } else {
        let places = load_summaries(&mut tx, Select::ChangedIn(areas.to_vec(), since)).await?;
        // A closed place is gone for parents just like a deleted one.
        let deleted: Vec<String> = crate::db::query_scalar(
            "SELECT entity_id FROM (SELECT entity_id, change_seq FROM tombstones WHERE entity = 'place' AND change_seq > ?1
                                    UNION ALL
                                    SELECT CAST(id AS TEXT), change_seq FROM places WHERE closed_at IS NOT NULL AND change_seq > ?1) AS gone
             ORDER BY change_seq",
        )
        .bind(since)
        .fetch_all(&mut *tx)
        .await?;
        (places, deleted.iter().filter_map(|s| s.parse().ok()).collect())
    };
    tx.commit().await?;
    Ok(ChangesResponse { seq, reset, places, deleted_places, generated_at: Utc::now() })
}

/// Raises the horizon to the current change number: a device that synced before it is
/// told to refetch its areas (`reset: true`). Returns that number.
pub async fn sync_reset(pool: &crate::db::Pool) -> Result<i64, AppError> {
    let mut tx = super::begin_write(pool).await?;
    // A number of its own: a device that refetches gets it with its snapshot and is then
    // at the horizon, not behind it.
    crate::db::query("UPDATE change_counter SET value = value + 1 WHERE id = TRUE").execute(&mut *tx).await?;
    let seq = current_seq(&mut tx).await?;
    crate::db::query("UPDATE sync_meta SET value = max(value, ?) WHERE key = 'tombstone_horizon'").bind(seq).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(seq)
}

/// How long records that only serve the protocol are kept (README, 数据保留).
pub const KEEP_IDEMPOTENCY_S: i64 = 90 * 86_400;
pub const KEEP_LOGIN_ATTEMPTS_S: i64 = 30 * 86_400;
pub const KEEP_IDLE_DEVICE_S: i64 = 365 * 86_400;
/// The address an anonymous write came from counts towards its limit for a minute; it is
/// cleared from the stored record after a day.
pub const KEEP_ADDRESS_S: i64 = 86_400;

/// A stored write answer (it may hold phones and addresses) is kept whole for 7 days — a
/// phone's outbox retries within hours or days —, then only its status and request hash: a
/// later replay is still recognised and answered with its status, without the content.
pub const KEEP_ANSWER_BODY_S: i64 = 7 * 86_400;

/// Who read a family's data is kept three years (PIPL art. 55: records of processing
/// sensitive information are kept at least three years), then deleted.
pub const KEEP_ACCESS_LOG_S: i64 = 3 * 365 * 86_400;

/// Closed requests, orders and ended weekly 探访 plans are anonymised this long after they
/// closed: `RETENTION_CLOSED_MONTHS` (default 12) months of 30 days. What subsidy settlement
/// and the supervisors' figures need stays: dates, item, provider, 街道, price and who paid,
/// the check-in/out distances (not the positions).
pub fn keep_closed_s() -> i64 {
    static MONTHS: std::sync::LazyLock<i64> = std::sync::LazyLock::new(|| {
        std::env::var("RETENTION_CLOSED_MONTHS").ok().and_then(|v| v.trim().parse().ok()).filter(|m: &i64| *m >= 1).unwrap_or(12)
    });
    *MONTHS * 30 * 86_400
}

/// Shown instead of a name that retention removed.
pub const ANONYMISED: &str = "（已匿名）";

/// What `prune` removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pruned {
    pub idempotency_keys: u64,
    pub login_attempts: u64,
    pub devices: u64,
    pub addresses: u64,
    pub answer_bodies: u64,
    pub sessions: u64,
    pub requests_anonymised: u64,
    pub orders_anonymised: u64,
    pub plans_anonymised: u64,
    pub access_log: u64,
}

/// Removes stored write answers older than 90 days (a phone's outbox retries within days;
/// after 90 days a replay is answered as a new request, which every write handles by its
/// client-made id), login attempts older than 30 days, and device keys unseen for a year
/// that nothing refers to any more.
pub async fn prune(pool: &crate::db::Pool, now: i64) -> Result<Pruned, AppError> {
    let mut tx = pool.begin().await?;
    let idempotency_keys = crate::db::query("DELETE FROM idempotency_keys WHERE created_at < ?").bind(now - KEEP_IDEMPOTENCY_S).execute(&mut *tx).await?.rows_affected();
    let addresses = crate::db::query("UPDATE idempotency_keys SET address_hash = NULL WHERE address_hash IS NOT NULL AND created_at < ?")
        .bind(now - KEEP_ADDRESS_S)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let login_attempts = crate::db::query("DELETE FROM login_attempts WHERE at < ?").bind(now - KEEP_LOGIN_ATTEMPTS_S).execute(&mut *tx).await?.rows_affected();
    let devices = crate::db::query(
        "DELETE FROM devices WHERE last_seen_at < ?1 AND key_hash <> 'erased'
           AND NOT EXISTS (SELECT 1 FROM idempotency_keys x WHERE x.device_hash = devices.key_hash)
           AND NOT EXISTS (SELECT 1 FROM favorites x WHERE x.device_hash = devices.key_hash)
           AND NOT EXISTS (SELECT 1 FROM requests x WHERE x.device_hash = devices.key_hash)
           AND NOT EXISTS (SELECT 1 FROM orders x WHERE x.device_hash = devices.key_hash)
           AND NOT EXISTS (SELECT 1 FROM welfare_plans x WHERE x.device_hash = devices.key_hash)
           AND NOT EXISTS (SELECT 1 FROM consents x WHERE x.device_hash = devices.key_hash)
           AND NOT EXISTS (SELECT 1 FROM transfer_codes x WHERE x.device_hash = devices.key_hash)
           AND NOT EXISTS (SELECT 1 FROM device_links x WHERE x.member_hash = devices.key_hash OR x.owner_hash = devices.key_hash)",
    )
    .bind(now - KEEP_IDLE_DEVICE_S)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let answer_bodies = crate::db::query("UPDATE idempotency_keys SET response = 'null' WHERE response <> 'null' AND created_at < ?")
        .bind(now - KEEP_ANSWER_BODY_S)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let sessions = crate::db::query("DELETE FROM sessions WHERE expires_at < ?1 OR revoked_at < ?1").bind(now).execute(&mut *tx).await?.rows_affected();
    let closed_before = now - keep_closed_s();
    let requests_anonymised = crate::db::query(&format!(
        "UPDATE requests SET contact_name = ?1, contact_phone = '', child_birth_month = NULL, priority_grounds = '[]', message = NULL
          WHERE contact_name <> ?1 AND updated_at < ?2
            AND (status IN ({}) OR (timeslot_date IS NOT NULL AND timeslot_date < date(?2, 'unixepoch')))",
        *crate::db::REQUESTS_CLOSED
    ))
    .bind(ANONYMISED)
    .bind(closed_before)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let orders = |erased: &str| {
        format!(
            "UPDATE orders SET elder_name = ?1, {erased}
          WHERE elder_name <> ?1 AND status IN ({}) AND updated_at < ?2",
            *crate::db::ORDERS_CLOSED
        )
    };
    let orders_anonymised = crate::db::query(crate::db::Sql::by_engine(
        orders(crate::db::privacy::ORDER_ELDER_ERASED),
        orders(crate::db::privacy::ORDER_ELDER_ERASED_PG),
    ))
    .bind(ANONYMISED)
    .bind(closed_before)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let plans = |erased: &str| {
        format!(
            "UPDATE welfare_plans SET elder_name = ?1 || id, elder_phone = '', reason = '', {erased}
          WHERE elder_name NOT LIKE ?1 || '%' AND ended_on IS NOT NULL AND ended_on < date(?2, 'unixepoch')"
        )
    };
    let plans_anonymised = crate::db::query(crate::db::Sql::by_engine(
        plans(crate::db::privacy::PLAN_ELDER_ERASED),
        plans(crate::db::privacy::PLAN_ELDER_ERASED_PG),
    ))
    .bind(ANONYMISED)
    .bind(closed_before)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    crate::db::query("UPDATE welfare_visits SET note = NULL WHERE note IS NOT NULL AND plan_id IN (SELECT id FROM welfare_plans WHERE elder_name LIKE ? || '%')")
        .bind(ANONYMISED)
        .execute(&mut *tx)
        .await?;
    // codes: wrong attempts after their window, used or expired codes after a day
    crate::db::query("DELETE FROM code_attempts WHERE at < ?").bind(now - 86_400).execute(&mut *tx).await?;
    crate::db::query("DELETE FROM transfer_codes WHERE (used_at IS NOT NULL AND used_at < ?1) OR (expires_at IS NOT NULL AND expires_at < ?1)")
        .bind(now - 86_400)
        .execute(&mut *tx)
        .await?;
    let access_log = crate::db::query("DELETE FROM access_log WHERE at < ?").bind(now - KEEP_ACCESS_LOG_S).execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(Pruned { access_log, idempotency_keys, login_attempts, devices, addresses, answer_bodies, sessions, requests_anonymised, orders_anonymised, plans_anonymised })
}

/// Drops tombstones older than `keep_s` seconds and raises the horizon past them.
pub async fn prune_tombstones(pool: &crate::db::Pool, keep_s: i64) -> Result<u64, AppError> {
    let mut tx = super::begin_write(pool).await?;
    let cutoff = Utc::now().timestamp() - keep_s;
    let max: Option<i64> = crate::db::query_scalar("SELECT max(change_seq) FROM tombstones WHERE deleted_at < ?")
        .bind(cutoff)
        .fetch_one(&mut *tx)
        .await?;
    let Some(max) = max else {
        tx.commit().await?;
        return Ok(0);
    };
    let n = crate::db::query("DELETE FROM tombstones WHERE change_seq <= ?").bind(max).execute(&mut *tx).await?.rows_affected();
    crate::db::query("UPDATE sync_meta SET value = max(value, ?) WHERE key = 'tombstone_horizon'")
        .bind(max)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(n)
}

/// The organisation a place belongs to, or 404.
pub(crate) async fn place_org(tx: &mut crate::db::Conn, place_id: i64) -> Result<i64, AppError> {
    crate::db::query_scalar("SELECT organisation_id FROM places WHERE id = ?")
        .bind(place_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个托育机构".into()))
}

pub(crate) async fn class_state(tx: &mut crate::db::Conn, class_id: i64) -> Result<Option<ClassState>, AppError> {
    #[allow(clippy::type_complexity)]
    let row: Option<(i64, i64, String, String, i64, i64, i64, i64, i64, i64)> = crate::db::query_as(
        "SELECT id, place_id, age_band, care_mode, capacity, enrolled, vacancies, puhui_slots, version, confirmed_at FROM classes WHERE id = ?",
    )
    .bind(class_id)
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|(class_id, place_id, age_band, care_mode, capacity, enrolled, vacancies, puhui_slots, version, at)| ClassState {
        class_id,
        place_id,
        age_band: app::model::AgeBand::from_code(&age_band).unwrap_or(app::model::AgeBand::Mixed),
        care_mode: app::model::CareMode::from_code(&care_mode).unwrap_or_default(),
        capacity,
        enrolled,
        vacancies,
        puhui_slots,
        version,
        confirmed_at: crate::db::places::ts(at),
    }))
}

