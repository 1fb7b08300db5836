//! Registry imports: the uploads kept between preview and apply, what the database holds for
//! the organisations and districts a file names, and the writes that applying makes.

use crate::http::error::AppError;
use crate::import::places::{ClassRecord, OrgRecord, PlaceRecord};
use app::model::{AgeBand, Badge, BeianStatus, CareMode, ProviderType};
use sqlx::FromRow;
use std::collections::HashMap;

fn json_list<T: serde::Serialize>(v: &[T]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// Every district and 街道: (id, parent id, city, name, lat, lng).
pub async fn areas(conn: &mut crate::db::Conn) -> Result<Vec<(String, Option<String>, String, String, f64, f64)>, AppError> {
    Ok(crate::db::query_as("SELECT id, parent_id, city, name, lat, lng FROM areas ORDER BY level, sort_order").fetch_all(&mut *conn).await?)
}

/// Whether the database holds sample (示例) organisations, places or providers: real records
/// are never imported next to them.
pub async fn holds_sample(conn: &mut crate::db::Conn) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM organisations WHERE is_sample = TRUE) OR EXISTS (SELECT 1 FROM places WHERE is_sample = TRUE)
             OR EXISTS (SELECT 1 FROM providers WHERE is_sample = TRUE)",
    )
    .fetch_one(&mut *conn)
    .await?)
}

/// An organisation as the database holds it.
#[derive(Clone, Debug, FromRow)]
pub struct ExistingOrg {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    pub beian_status: String,
    pub beian_number: Option<String>,
}

/// A place as the database holds it, with its organisation's 统一社会信用代码.
#[derive(Clone, Debug, FromRow)]
pub struct ExistingPlace {
    pub id: i64,
    pub organisation_id: i64,
    pub uscc: String,
    pub org_name: String,
    pub registry_code: Option<String>,
    pub name: String,
    pub is_main: bool,
    pub provider_type: String,
    pub district_id: String,
    pub street_id: String,
    pub street_name: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub location_unverified: bool,
    pub phone: String,
    pub opening_hours: String,
    pub puhui: bool,
    pub puhui_fee_yuan: Option<i64>,
    pub closed: bool,
    #[sqlx(skip)]
    pub care_modes: Vec<(CareMode, u32)>,
    #[sqlx(skip)]
    pub badges: Vec<Badge>,
    /// (class id, the class as a file would give it).
    #[sqlx(skip)]
    pub classes: Vec<(i64, ClassRecord)>,
}

/// The organisations with these codes, and the places of those organisations (closed ones
/// too: a file may list one again) and every open real place of these districts (what a
/// file that covers a district no longer lists).
pub async fn existing(
    conn: &mut crate::db::Conn,
    usccs: &[String],
    districts: &[String],
) -> Result<(HashMap<String, ExistingOrg>, Vec<ExistingPlace>), AppError> {
    let orgs: Vec<ExistingOrg> = crate::db::query_as(
        crate::db::engine::json_lists("SELECT id, uscc, name, beian_status, beian_number FROM organisations WHERE uscc IN (SELECT value FROM json_each(?))", &["text"]),
    )
    .bind(json_list(usccs))
    .fetch_all(&mut *conn)
    .await?;
    let mut places: Vec<ExistingPlace> = crate::db::query_as(
        crate::db::engine::json_lists("SELECT p.id, p.organisation_id, o.uscc, o.name AS org_name, p.registry_code, p.name, p.is_main, p.provider_type,
                p.district_id, p.street_id, s.name AS street_name, p.address, p.lat, p.lng, p.location_unverified, p.phone,
                p.opening_hours, p.puhui, p.puhui_fee_yuan, p.closed_at IS NOT NULL AS closed
         FROM places p JOIN organisations o ON o.id = p.organisation_id JOIN areas s ON s.id = p.street_id
         WHERE o.uscc IN (SELECT value FROM json_each(?1))
            OR (p.district_id IN (SELECT value FROM json_each(?2)) AND p.closed_at IS NULL AND p.is_sample = FALSE)
         ORDER BY p.id", &["text", "text"]),
    )
    .bind(json_list(usccs))
    .bind(json_list(districts))
    .fetch_all(&mut *conn)
    .await?;
    let ids = json_list(&places.iter().map(|p| p.id).collect::<Vec<_>>());
    let modes: Vec<(i64, String, i64)> =
        crate::db::query_as(crate::db::engine::json_lists("SELECT place_id, care_mode, fee_yuan FROM place_care_modes WHERE place_id IN (SELECT value FROM json_each(?))", &["bigint"]))
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
    let badges: Vec<(i64, String)> =
        crate::db::query_as(crate::db::engine::json_lists("SELECT place_id, badge FROM place_badges WHERE place_id IN (SELECT value FROM json_each(?))", &["bigint"]))
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
    let classes: Vec<(i64, i64, String, String, i64, i64, i64, i64)> = crate::db::query_as(
        crate::db::engine::json_lists("SELECT id, place_id, age_band, care_mode, capacity, enrolled, vacancies, puhui_slots FROM classes
         WHERE place_id IN (SELECT value FROM json_each(?))", &["bigint"]),
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let at: HashMap<i64, usize> = places.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    for (pid, m, fee) in modes {
        let mode = CareMode::from_code(&m).ok_or_else(|| super::unknown("care_mode", &m))?;
        places[at[&pid]].care_modes.push((mode, fee as u32));
    }
    for (pid, b) in badges {
        places[at[&pid]].badges.push(Badge::from_code(&b).ok_or_else(|| super::unknown("badge", &b))?);
    }
    for (id, pid, band, mode, capacity, enrolled, vacancies, puhui_slots) in classes {
        let class = ClassRecord {
            row: 0,
            age_band: AgeBand::from_code(&band).ok_or_else(|| super::unknown("age_band", &band))?,
            care_mode: CareMode::from_code(&mode).ok_or_else(|| super::unknown("care_mode", &mode))?,
            capacity: capacity as u32,
            enrolled: enrolled as u32,
            vacancies: vacancies as u32,
            puhui_slots: puhui_slots as u32,
        };
        places[at[&pid]].classes.push((id, class));
    }
    for p in &mut places {
        p.care_modes.sort_by_key(|(m, _)| *m);
        p.badges.sort();
        p.classes.sort_by_key(|(_, c)| (c.care_mode, c.age_band));
    }
    Ok((orgs.into_iter().map(|o| (o.uscc.clone(), o)).collect(), places))
}

impl ExistingOrg {
    pub fn beian(&self) -> Result<BeianStatus, AppError> {
        BeianStatus::from_code(&self.beian_status).ok_or_else(|| super::unknown("beian_status", &self.beian_status))
    }
}

impl ExistingPlace {
    pub fn provider_type(&self) -> Result<ProviderType, AppError> {
        ProviderType::from_code(&self.provider_type).ok_or_else(|| super::unknown("provider_type", &self.provider_type))
    }
}

// ------------------------------------------------------------------ writes

/// A new real organisation; its id.
pub async fn insert_org(conn: &mut crate::db::Conn, o: &OrgRecord, now: i64) -> Result<i64, AppError> {
    let r = crate::db::query_scalar::<i64>(
        "INSERT INTO organisations (name, uscc, beian_status, beian_number, is_sample, created_at, updated_at)
         VALUES (?, ?, ?, ?, FALSE, ?, ?) RETURNING id",
    )
    .bind(&o.name)
    .bind(&o.uscc)
    .bind(o.beian_status.code())
    .bind(&o.beian_number)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(r)
}

pub async fn update_org(conn: &mut crate::db::Conn, id: i64, o: &OrgRecord, now: i64) -> Result<(), AppError> {
    crate::db::query("UPDATE organisations SET name = ?, beian_status = ?, beian_number = ?, updated_at = ? WHERE id = ?")
        .bind(&o.name)
        .bind(o.beian_status.code())
        .bind(&o.beian_number)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A new real place (open, not sample) with its care modes, badges and classes; its id.
pub async fn insert_place(conn: &mut crate::db::Conn, org_id: i64, p: &PlaceRecord, is_main: bool, now: i64) -> Result<i64, AppError> {
    let r = crate::db::query_scalar::<i64>(
        "INSERT INTO places (organisation_id, is_main, name, provider_type, district_id, street_id, address, lat, lng,
                             opening_hours, phone, puhui, puhui_fee_yuan, is_sample, created_at, updated_at, registry_code,
                             location_unverified)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?, ?) RETURNING id",
    )
    .bind(org_id)
    .bind(is_main)
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
    .bind(now)
    .bind(now)
    .bind(&p.registry_code)
    .bind(p.location_unverified)
    .fetch_one(&mut *conn)
    .await?;
    let id = r;
    replace_lists(conn, id, p).await?;
    for c in p.classes.iter().flatten() {
        insert_class(conn, id, c, now).await?;
    }
    Ok(id)
}

/// A place's facts as the file gives them (reopened if it was closed); its classes are
/// brought to the file's when the file lists any (changed figures count as confirmed now).
pub async fn update_place(
    conn: &mut crate::db::Conn,
    existing: &ExistingPlace,
    p: &PlaceRecord,
    is_main: bool,
    now: i64,
) -> Result<(), AppError> {
    crate::db::query(
        "UPDATE places SET is_main = ?, name = ?, provider_type = ?, district_id = ?, street_id = ?, address = ?, lat = ?, lng = ?,
                           opening_hours = ?, phone = ?, puhui = ?, puhui_fee_yuan = ?, registry_code = ?,
                           location_unverified = ?, closed_at = NULL, updated_at = ?
         WHERE id = ?",
    )
    .bind(is_main)
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
    .bind(&p.registry_code)
    .bind(p.location_unverified)
    .bind(now)
    .bind(existing.id)
    .execute(&mut *conn)
    .await?;
    if existing.care_modes != p.care_modes || existing.badges != p.badges {
        crate::db::query("DELETE FROM place_care_modes WHERE place_id = ?").bind(existing.id).execute(&mut *conn).await?;
        crate::db::query("DELETE FROM place_badges WHERE place_id = ?").bind(existing.id).execute(&mut *conn).await?;
        replace_lists(conn, existing.id, p).await?;
    }
    let Some(classes) = &p.classes else { return Ok(()) };
    for (id, old) in &existing.classes {
        match classes.iter().find(|c| c.age_band == old.age_band && c.care_mode == old.care_mode) {
            None => {
                crate::db::query("DELETE FROM classes WHERE id = ?").bind(id).execute(&mut *conn).await?;
            }
            Some(c) if !same_figures(c, old) => {
                crate::db::query(
                    "UPDATE classes SET capacity = ?, enrolled = ?, vacancies = ?, puhui_slots = ?, confirmed_at = ?, updated_at = ?,
                                        version = version + 1
                     WHERE id = ?",
                )
                .bind(c.capacity)
                .bind(c.enrolled)
                .bind(c.vacancies)
                .bind(c.puhui_slots)
                .bind(now)
                .bind(now)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            }
            Some(_) => {}
        }
    }
    for c in classes {
        if !existing.classes.iter().any(|(_, o)| o.age_band == c.age_band && o.care_mode == c.care_mode) {
            insert_class(conn, existing.id, c, now).await?;
        }
    }
    Ok(())
}

pub fn same_figures(a: &ClassRecord, b: &ClassRecord) -> bool {
    (a.capacity, a.enrolled, a.vacancies, a.puhui_slots) == (b.capacity, b.enrolled, b.vacancies, b.puhui_slots)
}

async fn replace_lists(conn: &mut crate::db::Conn, id: i64, p: &PlaceRecord) -> Result<(), AppError> {
    for (m, fee) in &p.care_modes {
        crate::db::query("INSERT INTO place_care_modes (place_id, care_mode, fee_yuan, unit) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(m.code())
            .bind(fee)
            .bind(m.fee_unit().code())
            .execute(&mut *conn)
            .await?;
    }
    for b in &p.badges {
        crate::db::query("INSERT INTO place_badges (place_id, badge) VALUES (?, ?)").bind(id).bind(b.code()).execute(&mut *conn).await?;
    }
    Ok(())
}

async fn insert_class(conn: &mut crate::db::Conn, place_id: i64, c: &ClassRecord, now: i64) -> Result<(), AppError> {
    crate::db::query(
        "INSERT INTO classes (place_id, age_band, care_mode, capacity, enrolled, puhui_slots, vacancies, confirmed_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(place_id)
    .bind(c.age_band.code())
    .bind(c.care_mode.code())
    .bind(c.capacity)
    .bind(c.enrolled)
    .bind(c.puhui_slots)
    .bind(c.vacancies)
    .bind(now)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Closes a place: parents no longer find it, and their caches drop it at the next sync.
pub async fn close_place(conn: &mut crate::db::Conn, id: i64, now: i64) -> Result<bool, AppError> {
    let r = crate::db::query("UPDATE places SET closed_at = ?, updated_at = ? WHERE id = ? AND closed_at IS NULL AND is_sample = FALSE")
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

// ------------------------------------------------------------------ uploads

/// An upload as kept between preview and apply.
#[derive(Clone, Debug, FromRow)]
pub struct Upload {
    pub id: String,
    pub kind: String,
    pub file_name: String,
    pub encoding: String,
    pub content: Vec<u8>,
    pub sha256: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub applied_at: Option<i64>,
    pub result: Option<String>,
}

/// Keeps an upload under its id; the same id again is the same upload only with the same
/// bytes and kind (`Ok(false)`: the id is taken by another file).
pub async fn save_upload(conn: &mut crate::db::Conn, u: &Upload) -> Result<bool, AppError> {
    crate::db::query(
        "INSERT INTO imports (id, kind, file_name, encoding, content, sha256, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&u.id)
    .bind(&u.kind)
    .bind(&u.file_name)
    .bind(&u.encoding)
    .bind(&u.content)
    .bind(&u.sha256)
    .bind(u.created_by)
    .bind(u.created_at)
    .execute(&mut *conn)
    .await?;
    let kept: (String, String, String) =
        crate::db::query_as("SELECT kind, sha256, encoding FROM imports WHERE id = ?").bind(&u.id).fetch_one(&mut *conn).await?;
    Ok(kept == (u.kind.clone(), u.sha256.clone(), u.encoding.clone()))
}

pub async fn upload(conn: &mut crate::db::Conn, id: &str) -> Result<Option<Upload>, AppError> {
    Ok(crate::db::query_as("SELECT * FROM imports WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?)
}

pub async fn mark_applied(conn: &mut crate::db::Conn, id: &str, now: i64, result: &str) -> Result<(), AppError> {
    crate::db::query("UPDATE imports SET applied_at = ?, result = ? WHERE id = ?").bind(now).bind(result).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// A fresh upload id (the command line makes its own; the admin desk sends one).
pub fn new_id() -> String {
    app::offline::store::uuid_v4(rand::random())
}

/// A 街道's district and centre (`None`: not a 街道).
pub async fn street(conn: &mut crate::db::Conn, street_id: &str) -> Result<Option<(String, f64, f64)>, AppError> {
    Ok(crate::db::query_as("SELECT parent_id, lat, lng FROM areas WHERE id = ? AND level = 'street'").bind(street_id).fetch_optional(&mut *conn).await?)
}

/// An organisation's code (`None`: no such organisation).
pub async fn organisation_code(conn: &mut crate::db::Conn, org_id: i64) -> Result<Option<(String, bool)>, AppError> {
    Ok(crate::db::query_as("SELECT uscc, is_sample FROM organisations WHERE id = ?").bind(org_id).fetch_optional(&mut *conn).await?)
}

/// An organisation's open places, main first.
pub async fn open_places_of(conn: &mut crate::db::Conn, org_id: i64) -> Result<Vec<app::model::OperatorPlace>, AppError> {
    let rows: Vec<(i64, String, String)> = crate::db::query_as(
        "SELECT p.id, p.name, s.name FROM places p JOIN areas s ON s.id = p.street_id
         WHERE p.organisation_id = ? AND p.closed_at IS NULL ORDER BY p.is_main DESC, p.id",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, name, street_name)| app::model::OperatorPlace { id, name, street_name }).collect())
}

/// The organisation of an open place (`None`: no such open place).
pub async fn open_place_org(conn: &mut crate::db::Conn, place_id: i64) -> Result<Option<i64>, AppError> {
    Ok(crate::db::query_scalar("SELECT organisation_id FROM places WHERE id = ? AND closed_at IS NULL").bind(place_id).fetch_optional(&mut *conn).await?)
}
