//! A provider's items, home-care timeslots and service area as its desk keeps them.

use crate::http::error::AppError;
use app::model::requests::hhmm;
use app::model::service_desk::{HomeSlot, HomeSlotCreate, ItemOffer, ItemSet, ProviderService, ServiceArea, StreetChoice};
use app::model::{MealMode, ProviderItem, ServiceItem};

fn slot(id: i64, item: &str, weekday: i64, start: i64, end: i64, capacity: i64, active: bool) -> Result<HomeSlot, AppError> {
    Ok(HomeSlot {
        id,
        item: ServiceItem::from_code(item).ok_or_else(|| super::unknown("service item", item))?,
        weekday: weekday as u8,
        start: hhmm(start as u32),
        end: hhmm(end as u32),
        capacity: capacity as u32,
        active,
    })
}

/// Everything the desk shows of a provider's service (`None`: no such provider).
pub async fn service(conn: &mut crate::db::Conn, provider_id: i64) -> Result<Option<ProviderService>, AppError> {
    let Some((district, radius)): Option<(String, Option<i64>)> =
        crate::db::query_as("SELECT district_id, serve_radius_m FROM providers WHERE id = ?").bind(provider_id).fetch_optional(&mut *conn).await?
    else {
        return Ok(None);
    };
    let items: Vec<(String, i64, i64, String, bool)> = crate::db::query_as(
        "SELECT service_item, duration_min, market_price_yuan, meal_modes, active FROM provider_items WHERE provider_id = ?",
    )
    .bind(provider_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut items = items
        .into_iter()
        .map(|(item, minutes, price, modes, offered)| {
            let item = ServiceItem::from_code(&item).ok_or_else(|| super::unknown("service item", &item))?;
            let meal_modes: Vec<MealMode> = serde_json::from_str(&modes).unwrap_or_default();
            Ok(ItemOffer { item: ProviderItem { item, duration_min: minutes as u32, market_price_yuan: price as u32, meal_modes }, offered })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    items.sort_by_key(|i| i.item.item);
    let slots: Vec<(i64, String, i64, i64, i64, i64, bool)> = crate::db::query_as(
        "SELECT id, service_item, weekday, start_min, end_min, capacity, active FROM provider_timeslots
         WHERE provider_id = ? ORDER BY active DESC, weekday, start_min, service_item, id",
    )
    .bind(provider_id)
    .fetch_all(&mut *conn)
    .await?;
    let timeslots = slots.into_iter().map(|(id, item, w, s, e, c, a)| slot(id, &item, w, s, e, c, a)).collect::<Result<Vec<_>, _>>()?;
    let street_ids: Vec<String> = if radius.is_some() {
        vec![]
    } else {
        crate::db::query_scalar("SELECT street_id FROM provider_streets WHERE provider_id = ? ORDER BY street_id").bind(provider_id).fetch_all(&mut *conn).await?
    };
    let streets: Vec<(String, String)> =
        crate::db::query_as("SELECT id, name FROM areas WHERE parent_id = ? ORDER BY sort_order, id").bind(&district).fetch_all(&mut *conn).await?;
    Ok(Some(ProviderService {
        provider_id,
        items,
        timeslots,
        area: ServiceArea { radius_m: radius.map(|m| m as u32), street_ids },
        streets: streets.into_iter().map(|(id, name)| StreetChoice { id, name }).collect(),
    }))
}

/// Offers `item` at this duration and price, or stops offering it (its timeslots stay, unbookable).
pub async fn set_item(conn: &mut crate::db::Conn, provider_id: i64, set: &ItemSet) -> Result<(), AppError> {
    let item = set.item;
    let mut modes = set.meal_modes.clone();
    modes.sort();
    modes.dedup();
    crate::db::query(
        "INSERT INTO provider_items (provider_id, service_item, duration_min, market_price_yuan, meal_modes, active) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (provider_id, service_item) DO UPDATE SET duration_min = excluded.duration_min,
             market_price_yuan = excluded.market_price_yuan, meal_modes = excluded.meal_modes, active = excluded.active",
    )
    .bind(provider_id)
    .bind(item.code())
    .bind(set.duration_min as i64)
    .bind(set.market_price_yuan as i64)
    .bind(serde_json::to_string(&modes).map_err(anyhow::Error::from)?)
    .bind(set.offered)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the provider offers `item` now.
pub async fn offers(conn: &mut crate::db::Conn, provider_id: i64, item: ServiceItem) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM provider_items WHERE provider_id = ? AND service_item = ? AND active = TRUE")
        .bind(provider_id)
        .bind(item.code())
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn insert_slot(conn: &mut crate::db::Conn, provider_id: i64, new: &HomeSlotCreate, (start, end): (u32, u32), now: i64) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar::<i64>(
        "INSERT INTO provider_timeslots (provider_id, service_item, weekday, start_min, end_min, capacity, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(provider_id)
    .bind(new.item.code())
    .bind(new.weekday as i64)
    .bind(start as i64)
    .bind(end as i64)
    .bind(new.capacity as i64)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?)
}

/// A timeslot and its provider.
pub async fn one_slot(conn: &mut crate::db::Conn, id: i64) -> Result<Option<(i64, HomeSlot)>, AppError> {
    let row: Option<(i64, i64, String, i64, i64, i64, i64, bool)> = crate::db::query_as(
        "SELECT provider_id, id, service_item, weekday, start_min, end_min, capacity, active FROM provider_timeslots WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(pid, id, item, w, s, e, c, a)| Ok((pid, slot(id, &item, w, s, e, c, a)?))).transpose()
}

/// No new bookings in a timeslot; booked visits stand.
pub async fn deactivate_slot(conn: &mut crate::db::Conn, id: i64) -> Result<(), AppError> {
    crate::db::query("UPDATE provider_timeslots SET active = FALSE WHERE id = ?").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// The 街道 ids of the provider's district among `ids` that are not its district's.
pub async fn foreign_streets(conn: &mut crate::db::Conn, provider_id: i64, ids: &[String]) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for id in ids {
        let ok: bool = crate::db::query_scalar(
            "SELECT count(*) > 0 FROM areas a JOIN providers p ON p.district_id = a.parent_id WHERE p.id = ? AND a.id = ?",
        )
        .bind(provider_id)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        if !ok {
            out.push(id.clone());
        }
    }
    Ok(out)
}

pub async fn set_area(conn: &mut crate::db::Conn, provider_id: i64, area: &ServiceArea) -> Result<(), AppError> {
    crate::db::query("UPDATE providers SET serve_radius_m = ? WHERE id = ?").bind(area.radius_m.map(|m| m as i64)).bind(provider_id).execute(&mut *conn).await?;
    crate::db::query("DELETE FROM provider_streets WHERE provider_id = ?").bind(provider_id).execute(&mut *conn).await?;
    if area.radius_m.is_none() {
        for s in &area.street_ids {
            crate::db::query("INSERT INTO provider_streets (provider_id, street_id) VALUES (?, ?) ON CONFLICT DO NOTHING").bind(provider_id).bind(s).execute(&mut *conn).await?;
        }
    }
    Ok(())
}
