//! 居家上门服务 as stored: the subsidy rule table and the providers that serve an address
//! (a radius around the provider, or its list of 街道), nearest first.

use crate::http::error::AppError;
use app::model::elder::{ProviderHit, ProviderItem, RuleCondition, SubsidyRule};
use app::model::{MealMode, Payer, ProviderKind, ServiceItem};
use app::rules::geo::{distance_m, LatLng};
use std::collections::HashMap;

/// The active rules, by priority.
pub async fn rules(conn: &mut crate::db::Conn) -> Result<Vec<SubsidyRule>, AppError> {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(i64, i64, String, String, String, String, i64, Option<i64>, bool)> = crate::db::query_as(
        "SELECT id, priority, name, explanation, condition, payer, share_percent, cap_yuan, is_sample
         FROM subsidy_rules WHERE active = TRUE ORDER BY priority, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, priority, name, explanation, condition, payer, share, cap, is_sample)| {
            Ok(SubsidyRule {
                id,
                priority,
                name,
                explanation,
                condition: serde_json::from_str::<RuleCondition>(&condition)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("rule {id}: bad condition: {e}")))?,
                payer: Payer::from_code(&payer).ok_or_else(|| AppError::Internal(anyhow::anyhow!("rule {id}: payer {payer}")))?,
                share_percent: share.clamp(0, 100) as u8,
                cap_yuan: cap.map(|c| c as u32),
                is_sample,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct ProviderRow {
    id: i64,
    name: String,
    kind: String,
    address: String,
    street_name: String,
    lat: f64,
    lng: f64,
    phone: String,
    emergency_phone: String,
    serve_radius_m: Option<i64>,
    cancel_window_h: i64,
    is_sample: bool,
}

const PROVIDER_SELECT: &str = "SELECT p.id, p.name, p.kind, p.address, s.name AS street_name, p.lat, p.lng, p.phone, p.emergency_phone,
        p.serve_radius_m, p.cancel_window_h, p.is_sample
     FROM providers p JOIN areas s ON s.id = p.street_id";

async fn items_of(conn: &mut crate::db::Conn, ids: &[i64]) -> Result<HashMap<i64, Vec<ProviderItem>>, AppError> {
    let mut out: HashMap<i64, Vec<ProviderItem>> = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let list = ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let rows: Vec<(i64, String, i64, i64, String)> = crate::db::query_as(&format!(
        "SELECT provider_id, service_item, duration_min, market_price_yuan, meal_modes FROM provider_items WHERE provider_id IN ({list}) AND active = TRUE"
    ))
    .fetch_all(&mut *conn)
    .await?;
    for (pid, item, minutes, price, modes) in rows {
        let Some(item) = ServiceItem::from_code(&item) else { continue };
        out.entry(pid).or_default().push(ProviderItem {
            item,
            duration_min: minutes as u32,
            market_price_yuan: price as u32,
            meal_modes: serde_json::from_str::<Vec<MealMode>>(&modes).unwrap_or_default(),
        });
    }
    for v in out.values_mut() {
        v.sort_by_key(|i| i.item);
    }
    Ok(out)
}

fn hit(r: ProviderRow, distance: f64, items: Vec<ProviderItem>) -> Result<ProviderHit, AppError> {
    Ok(ProviderHit {
        id: r.id,
        kind: ProviderKind::from_code(&r.kind).ok_or_else(|| AppError::Internal(anyhow::anyhow!("provider kind {}", r.kind)))?,
        serves: match r.serve_radius_m {
            Some(m) if m >= 1000 => format!("{} 公里内上门", m as f64 / 1000.0),
            Some(m) => format!("{m} 米内上门"),
            None => format!("服务{}", r.street_name),
        },
        name: r.name,
        address: r.address,
        street_name: r.street_name,
        distance_m: (distance * 10.0).round() / 10.0,
        phone: r.phone,
        emergency_phone: r.emergency_phone,
        items,
        cancel_window_h: r.cancel_window_h as u32,
        is_sample: r.is_sample,
    })
}

/// Providers that serve a point in a 街道, nearest first; only those offering `item` if given.
pub async fn serving(
    conn: &mut crate::db::Conn,
    at: LatLng,
    street_id: &str,
    item: Option<ServiceItem>,
) -> Result<Vec<ProviderHit>, AppError> {
    // Candidates: within 50 km (no provider serves farther), then the exact rule.
    let (dlat, dlng) = (0.45, 0.45 / at.lat.to_radians().cos().max(0.1));
    let rows: Vec<ProviderRow> = crate::db::query_as(&format!(
        "{PROVIDER_SELECT}
         WHERE p.lat BETWEEN ? AND ? AND p.lng BETWEEN ? AND ? AND p.closed_at IS NULL
           AND (p.serve_radius_m IS NOT NULL OR EXISTS (SELECT 1 FROM provider_streets x WHERE x.provider_id = p.id AND x.street_id = ?))
           AND (? IS NULL OR EXISTS (SELECT 1 FROM provider_items i WHERE i.provider_id = p.id AND i.service_item = ? AND i.active = TRUE))"
    ))
    .bind(at.lat - dlat)
    .bind(at.lat + dlat)
    .bind(at.lng - dlng)
    .bind(at.lng + dlng)
    .bind(street_id)
    .bind(item.map(|i| i.code()))
    .bind(item.map(|i| i.code()))
    .fetch_all(&mut *conn)
    .await?;
    let mut found: Vec<(f64, ProviderRow)> = rows
        .into_iter()
        .filter_map(|r| {
            let d = distance_m(at, LatLng::new(r.lat, r.lng));
            r.serve_radius_m.is_none_or(|m| d <= m as f64).then_some((d, r))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    let ids: Vec<i64> = found.iter().map(|(_, r)| r.id).collect();
    let mut items = items_of(conn, &ids).await?;
    found.into_iter().map(|(d, r)| {
        let it = items.remove(&r.id).unwrap_or_default();
        hit(r, d, it)
    }).collect()
}

/// One open provider with its items.
pub async fn provider(conn: &mut crate::db::Conn, id: i64) -> Result<Option<ProviderHit>, AppError> {
    let row: Option<ProviderRow> = crate::db::query_as(&format!("{PROVIDER_SELECT} WHERE p.id = ? AND p.closed_at IS NULL"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut items = items_of(conn, &[id]).await?;
    Ok(Some(hit(row, 0.0, items.remove(&id).unwrap_or_default())?))
}
