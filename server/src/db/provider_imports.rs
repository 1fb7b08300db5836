//! Registry import of home-care providers: what the database holds for the organisations and
//! districts a providers file names, and the writes applying makes (the provider, the 街道 it
//! serves, its items with prices, its carers).

use crate::http::error::AppError;
use crate::import::providers::{CarerRecord, ItemRecord, ProviderRecord, Serves};
use app::model::{CarerCreate, CarerLevel, MealMode, ProviderKind, ServiceItem};
use sqlx::FromRow;
use std::collections::HashMap;

fn json_list<T: serde::Serialize>(v: &[T]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

/// A provider as the database holds it, with its organisation's 统一社会信用代码.
#[derive(Clone, Debug, FromRow)]
pub struct ExistingProvider {
    pub id: i64,
    pub organisation_id: i64,
    pub uscc: String,
    pub org_name: String,
    pub registry_code: Option<String>,
    pub name: String,
    pub kind: String,
    pub district_id: String,
    pub street_id: String,
    pub street_name: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub location_unverified: bool,
    pub phone: String,
    pub emergency_phone: String,
    pub serve_radius_m: Option<i64>,
    pub cancel_window_h: i64,
    pub closed: bool,
    /// The 街道 it serves when it has no radius (ids, sorted).
    #[sqlx(skip)]
    pub streets: Vec<String>,
    #[sqlx(skip)]
    pub items: Vec<ItemRecord>,
    /// (carer id, the carer as a file would give them).
    #[sqlx(skip)]
    pub carers: Vec<(i64, CarerRecord)>,
}

impl ExistingProvider {
    pub fn kind(&self) -> Result<ProviderKind, AppError> {
        ProviderKind::from_code(&self.kind).ok_or_else(|| super::unknown("provider kind", &self.kind))
    }

    pub fn serves(&self) -> Serves {
        match self.serve_radius_m {
            Some(m) => Serves::Radius(m as u32),
            None => Serves::Streets(self.streets.clone()),
        }
    }
}

/// Organisations by code: (id, name).
pub type Orgs = HashMap<String, (i64, String)>;

/// The organisations with these codes, their providers (closed ones too) and every open real
/// provider of these districts (what a file covering a district no longer lists).
pub async fn existing(conn: &mut crate::db::Conn, usccs: &[String], districts: &[String]) -> Result<(Orgs, Vec<ExistingProvider>), AppError> {
    let orgs: Vec<(String, i64, String)> =
        crate::db::query_as(crate::db::engine::json_lists("SELECT uscc, id, name FROM organisations WHERE uscc IN (SELECT value FROM json_each(?))", &["text"]))
            .bind(json_list(usccs))
            .fetch_all(&mut *conn)
            .await?;
    let mut providers: Vec<ExistingProvider> = crate::db::query_as(
        crate::db::engine::json_lists("SELECT p.id, p.organisation_id, o.uscc, o.name AS org_name, p.registry_code, p.name, p.kind, p.district_id, p.street_id,
                s.name AS street_name, p.address, p.lat, p.lng, p.location_unverified, p.phone, p.emergency_phone, p.serve_radius_m,
                p.cancel_window_h, p.closed_at IS NOT NULL AS closed
         FROM providers p JOIN organisations o ON o.id = p.organisation_id JOIN areas s ON s.id = p.street_id
         WHERE o.uscc IN (SELECT value FROM json_each(?1))
            OR (p.district_id IN (SELECT value FROM json_each(?2)) AND p.closed_at IS NULL AND p.is_sample = FALSE)
         ORDER BY p.id", &["text", "text"]),
    )
    .bind(json_list(usccs))
    .bind(json_list(districts))
    .fetch_all(&mut *conn)
    .await?;
    let ids = json_list(&providers.iter().map(|p| p.id).collect::<Vec<_>>());
    let at: HashMap<i64, usize> = providers.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let streets: Vec<(i64, String)> =
        crate::db::query_as(crate::db::engine::json_lists("SELECT provider_id, street_id FROM provider_streets WHERE provider_id IN (SELECT value FROM json_each(?))", &["bigint"]))
            .bind(&ids)
            .fetch_all(&mut *conn)
            .await?;
    for (pid, s) in streets {
        providers[at[&pid]].streets.push(s);
    }
    let items: Vec<(i64, String, i64, i64, String, bool)> = crate::db::query_as(
        crate::db::engine::json_lists("SELECT provider_id, service_item, duration_min, market_price_yuan, meal_modes, active FROM provider_items
         WHERE provider_id IN (SELECT value FROM json_each(?))", &["bigint"]),
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    for (pid, item, minutes, price, modes, active) in items {
        let mut meal_modes: Vec<MealMode> = serde_json::from_str(&modes).unwrap_or_default();
        meal_modes.sort();
        providers[at[&pid]].items.push(ItemRecord {
            row: 0,
            active,
            item: ServiceItem::from_code(&item).ok_or_else(|| super::unknown("service item", &item))?,
            duration_min: minutes as u32,
            price_yuan: price as u32,
            meal_modes,
        });
    }
    let carers: Vec<(i64, i64, String, String, String, String, Option<String>)> = crate::db::query_as(
        crate::db::engine::json_lists("SELECT id, provider_id, name, phone, level, certificate_no, certificate_expires_on FROM carers
         WHERE provider_id IN (SELECT value FROM json_each(?)) ORDER BY active DESC, id DESC", &["bigint"]),
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    for (id, pid, name, phone, level, certificate_no, expires) in carers {
        let p = &mut providers[at[&pid]];
        // One carer per certificate: the active (or latest) one.
        if p.carers.iter().any(|(_, c)| c.carer.certificate_no == certificate_no) {
            continue;
        }
        let level = CarerLevel::from_code(&level).ok_or_else(|| super::unknown("carer level", &level))?;
        let carer = CarerCreate { name, phone, level, certificate_no, certificate_expires_on: expires.unwrap_or_default() };
        p.carers.push((id, CarerRecord { row: 0, carer }));
    }
    for p in &mut providers {
        p.streets.sort();
        p.items.sort_by_key(|i| i.item);
    }
    Ok((orgs.into_iter().map(|(u, id, name)| (u, (id, name))).collect(), providers))
}

// ------------------------------------------------------------------ writes

/// A new real organisation that runs home-care providers (托育 备案 does not apply: 未备案).
pub async fn insert_org(conn: &mut crate::db::Conn, uscc: &str, name: &str, now: i64) -> Result<i64, AppError> {
    let r = crate::db::query_scalar::<i64>(
        "INSERT INTO organisations (name, uscc, beian_status, beian_number, is_sample, created_at, updated_at)
         VALUES (?, ?, 'not_filed', NULL, FALSE, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(uscc)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(r)
}

pub async fn rename_org(conn: &mut crate::db::Conn, id: i64, name: &str, now: i64) -> Result<(), AppError> {
    crate::db::query("UPDATE organisations SET name = ?, updated_at = ? WHERE id = ?").bind(name).bind(now).bind(id).execute(&mut *conn).await?;
    Ok(())
}

fn radius(p: &ProviderRecord) -> Option<i64> {
    match p.serves {
        Serves::Radius(m) => Some(m as i64),
        Serves::Streets(_) => None,
    }
}

/// A new real provider (open, not sample) with the 街道 it serves, its items and carers; its id.
pub async fn insert_provider(conn: &mut crate::db::Conn, org_id: i64, p: &ProviderRecord, now: i64) -> Result<i64, AppError> {
    let id = crate::db::query_scalar::<i64>(
        "INSERT INTO providers (organisation_id, name, kind, district_id, street_id, address, lat, lng, phone, emergency_phone,
                                serve_radius_m, cancel_window_h, is_sample, created_at, registry_code, location_unverified)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?) RETURNING id",
    )
    .bind(org_id)
    .bind(&p.name)
    .bind(p.kind.code())
    .bind(&p.district_id)
    .bind(&p.street_id)
    .bind(&p.address)
    .bind(p.lat)
    .bind(p.lng)
    .bind(&p.phone)
    .bind(&p.emergency_phone)
    .bind(radius(p))
    .bind(p.cancel_window_h as i64)
    .bind(now)
    .bind(&p.registry_code)
    .bind(p.location_unverified)
    .fetch_one(&mut *conn)
    .await?;
    write_parts(conn, id, p, &[], now).await?;
    Ok(id)
}

/// Brings a provider to what the file gives: its facts, the 街道 it serves, the items and
/// carers the file lists (others are left as they are). Reopens it if it was closed.
pub async fn update_provider(conn: &mut crate::db::Conn, e: &ExistingProvider, p: &ProviderRecord, now: i64) -> Result<(), AppError> {
    crate::db::query(
        "UPDATE providers SET name = ?, kind = ?, district_id = ?, street_id = ?, address = ?, lat = ?, lng = ?, phone = ?,
                emergency_phone = ?, serve_radius_m = ?, cancel_window_h = ?, registry_code = ?, location_unverified = ?, closed_at = NULL
         WHERE id = ?",
    )
    .bind(&p.name)
    .bind(p.kind.code())
    .bind(&p.district_id)
    .bind(&p.street_id)
    .bind(&p.address)
    .bind(p.lat)
    .bind(p.lng)
    .bind(&p.phone)
    .bind(&p.emergency_phone)
    .bind(radius(p))
    .bind(p.cancel_window_h as i64)
    .bind(&p.registry_code)
    .bind(p.location_unverified)
    .bind(e.id)
    .execute(&mut *conn)
    .await?;
    crate::db::query("DELETE FROM provider_streets WHERE provider_id = ?").bind(e.id).execute(&mut *conn).await?;
    write_parts(conn, e.id, p, &e.carers, now).await
}

async fn write_parts(conn: &mut crate::db::Conn, id: i64, p: &ProviderRecord, carers: &[(i64, CarerRecord)], now: i64) -> Result<(), AppError> {
    if let Serves::Streets(streets) = &p.serves {
        for s in streets {
            crate::db::query("INSERT INTO provider_streets (provider_id, street_id) VALUES (?, ?)").bind(id).bind(s).execute(&mut *conn).await?;
        }
    }
    for i in &p.items {
        let modes = serde_json::to_string(&i.meal_modes).map_err(anyhow::Error::from)?;
        crate::db::query(
            "INSERT INTO provider_items (provider_id, service_item, duration_min, market_price_yuan, meal_modes, active) VALUES (?, ?, ?, ?, ?, TRUE)
             ON CONFLICT (provider_id, service_item) DO UPDATE SET duration_min = excluded.duration_min,
                 market_price_yuan = excluded.market_price_yuan, meal_modes = excluded.meal_modes, active = TRUE",
        )
        .bind(id)
        .bind(i.item.code())
        .bind(i.duration_min as i64)
        .bind(i.price_yuan as i64)
        .bind(modes)
        .execute(&mut *conn)
        .await?;
    }
    for c in &p.carers {
        match carers.iter().find(|(_, x)| x.carer.certificate_no == c.carer.certificate_no) {
            Some((cid, _)) => {
                crate::db::query("UPDATE carers SET name = ?, phone = ?, level = ?, certificate_expires_on = ? WHERE id = ?")
                    .bind(c.carer.name.trim())
                    .bind(c.carer.phone.trim())
                    .bind(c.carer.level.code())
                    .bind(c.carer.certificate_expires_on.trim())
                    .bind(cid)
                    .execute(&mut *conn)
                    .await?;
            }
            None => {
                super::carers::insert(conn, id, &c.carer, now).await?;
            }
        }
    }
    Ok(())
}

/// Closes a provider: no new orders; orders and plans keep pointing at it. `false`: already closed.
pub async fn close_provider(conn: &mut crate::db::Conn, id: i64, now: i64) -> Result<bool, AppError> {
    let r = crate::db::query("UPDATE providers SET closed_at = ? WHERE id = ? AND closed_at IS NULL").bind(now).bind(id).execute(&mut *conn).await?;
    Ok(r.rows_affected() > 0)
}
