//! Home-care orders as stored, and their views for the family, the provider and the carer.

use crate::http::error::AppError;
use app::model::orders::{carer_level_label, CarerView, OrderStatus, OrderView};
use app::model::requests::hhmm;
use app::model::{MealMode, ServiceItem};
use app::model::orders::ProviderOrder;

/// Orders holding a timeslot on a date, other than `except` (an order being moved).
pub(crate) async fn booked(conn: &mut crate::db::Conn, timeslot_id: i64, date: &str, except: &str) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar(
        &format!("SELECT count(*) FROM orders WHERE timeslot_id = ? AND visit_date = ? AND id != ?
           AND status IN ({ORDERS_HOLDING_TIMESLOT})", ORDERS_HOLDING_TIMESLOT = &*crate::db::ORDERS_HOLDING_TIMESLOT),
    )
    .bind(timeslot_id)
    .bind(date)
    .bind(except)
    .fetch_one(&mut *conn)
    .await?)
}

#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) provider_id: i64,
    pub(crate) provider_name: String,
    pub(crate) provider_phone: String,
    pub(crate) is_sample: bool,
    pub(crate) cancel_window_h: i64,
    pub(crate) service_item: String,
    pub(crate) meal_mode: Option<String>,
    pub(crate) visit_date: String,
    pub(crate) start_min: i64,
    pub(crate) end_min: i64,
    pub(crate) elder_name: String,
    pub(crate) quote: String,
    pub(crate) category_confirmed_at: Option<i64>,
    pub(crate) elder: String,
    pub(crate) status: String,
    pub(crate) carer_id: Option<i64>,
    pub(crate) carer_name: Option<String>,
    pub(crate) carer_level: Option<String>,
    pub(crate) carer_certificate: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) check_in_at: Option<i64>,
    pub(crate) check_in_received_at: Option<i64>,
    pub(crate) check_in_distance_m: Option<f64>,
    pub(crate) check_out_at: Option<i64>,
    pub(crate) check_out_received_at: Option<i64>,
    pub(crate) check_out_distance_m: Option<f64>,
    pub(crate) tasks: Option<String>,
    pub(crate) carer_note: Option<String>,
    pub(crate) rating: Option<i64>,
    pub(crate) rating_comment: Option<String>,
    pub(crate) device_hash: String,
}

pub(crate) const ORDER_SELECT: &str = "SELECT o.id, o.provider_id, p.name AS provider_name, p.phone AS provider_phone, p.is_sample,
        p.cancel_window_h, o.service_item, o.meal_mode, o.visit_date, t.start_min, t.end_min, o.elder_name, o.quote,
        o.category_confirmed_at, o.elder, o.status, o.carer_id, c.name AS carer_name, c.level AS carer_level,
        c.certificate_no AS carer_certificate, o.message, o.created_at, o.updated_at,
        o.check_in_at, o.check_in_received_at, o.check_in_distance_m, o.check_out_at, o.check_out_received_at,
        o.check_out_distance_m, o.tasks, o.carer_note, o.rating, o.rating_comment, o.device_hash
     FROM orders o JOIN providers p ON p.id = o.provider_id JOIN provider_timeslots t ON t.id = o.timeslot_id
     LEFT JOIN carers c ON c.id = o.carer_id";

pub(crate) fn view(r: Row) -> Result<OrderView, AppError> {
    let start = app::model::orders::visit_start(&r.visit_date, r.start_min as u32).ok_or_else(|| super::unknown("visit date", &r.visit_date))?;
    Ok(OrderView {
        item: ServiceItem::from_code(&r.service_item).ok_or_else(|| super::unknown("item", &r.service_item))?,
        meal_mode: r.meal_mode.as_deref().and_then(MealMode::from_code),
        status: OrderStatus::from_code(&r.status).ok_or_else(|| super::unknown("status", &r.status))?,
        quote: serde_json::from_str(&r.quote).map_err(|e| AppError::Internal(e.into()))?,
        category_confirmed: r.category_confirmed_at.is_some(),
        carer: r.carer_id.map(|id| CarerView {
            id,
            name: r.carer_name.clone().unwrap_or_default(),
            level: carer_level_label(r.carer_level.as_deref().unwrap_or_default()).into(),
            certificate_no: r.carer_certificate.clone().unwrap_or_default(),
        }),
        cancel_until: start - chrono::Duration::hours(r.cancel_window_h),
        start: hhmm(r.start_min as u32),
        end: hhmm(r.end_min as u32),
        id: r.id,
        provider_id: r.provider_id,
        provider_name: r.provider_name,
        provider_phone: r.provider_phone,
        date: r.visit_date,
        elder_name: r.elder_name,
        message: r.message,
        created_at: crate::db::places::ts(r.created_at),
        updated_at: crate::db::places::ts(r.updated_at),
        is_sample: r.is_sample,
        check_in: stamp(r.check_in_at, r.check_in_received_at, r.check_in_distance_m),
        check_out: stamp(r.check_out_at, r.check_out_received_at, r.check_out_distance_m),
        tasks: match r.tasks.as_deref() {
            Some(t) => serde_json::from_str(t).map_err(|e| AppError::Internal(e.into()))?,
            None => vec![],
        },
        carer_note: r.carer_note,
        rating: r.rating.map(|x| x as u8),
        rating_comment: r.rating_comment,
    })
}

pub(crate) fn stamp(at: Option<i64>, received: Option<i64>, distance_m: Option<f64>) -> Option<app::model::orders::VisitStamp> {
    Some(app::model::orders::VisitStamp::new(crate::db::places::ts(at?), crate::db::places::ts(received.unwrap_or(at?)), distance_m))
}

/// An order that must exist (404 otherwise).
pub(crate) async fn order(conn: &mut crate::db::Conn, id: &str) -> Result<OrderView, AppError> {
    one(conn, id).await?.ok_or_else(|| AppError::NotFound("没有这个订单".into()))
}

pub(crate) async fn one(conn: &mut crate::db::Conn, id: &str) -> Result<Option<OrderView>, AppError> {
    let row: Option<Row> = crate::db::query_as(&format!("{ORDER_SELECT} WHERE o.id = ?")).bind(id).fetch_optional(&mut *conn).await?;
    row.map(view).transpose()
}

pub(crate) async fn provider_org(conn: &mut crate::db::Conn, provider_id: i64) -> Result<i64, AppError> {
    crate::db::query_scalar("SELECT organisation_id FROM providers WHERE id = ?")
        .bind(provider_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| AppError::NotFound("没有这个服务机构".into()))
}

/// Who read the order's profile, for the access log.
pub(crate) fn subject(r: &Row) -> crate::http::access::Subject {
    crate::http::access::Subject { kind: "order", id: r.id.clone(), device: Some(r.device_hash.clone()) }
}

/// The profile as the provider's desk sees it: the phone and the house number only once the
/// order is accepted (before, the street is enough to decide).
pub(crate) fn masked_for_provider(mut o: ProviderOrder) -> ProviderOrder {
    use app::model::orders::OrderStatus as S;
    if !matches!(o.order.status, S::Accepted | S::Assigned | S::InService | S::Completed) {
        o.elder.phone = app::model::requests::mask_phone(&o.elder.phone);
        o.elder.address_detail = "（接单后显示）".into();
    }
    o
}

/// An order with the profile the family shared.
pub(crate) fn provider_order(r: Row) -> Result<ProviderOrder, AppError> {
    let elder = serde_json::from_str(&r.elder).map_err(|e| AppError::Internal(e.into()))?;
    Ok(ProviderOrder { order: view(r)?, elder })
}

/// The device an order id belongs to.
pub(crate) async fn owner(conn: &mut crate::db::Conn, id: &str) -> Result<Option<String>, AppError> {
    Ok(crate::db::query_scalar("SELECT device_hash FROM orders WHERE id = ?").bind(id).fetch_optional(&mut *conn).await?)
}

/// Whether the provider exists and is open (a closed one takes no new orders).
pub(crate) async fn provider_exists(conn: &mut crate::db::Conn, provider_id: i64) -> Result<bool, AppError> {
    Ok(crate::db::query_scalar("SELECT count(*) > 0 FROM providers WHERE id = ? AND closed_at IS NULL").bind(provider_id).fetch_one(&mut *conn).await?)
}

/// What booking a provider's timeslot for an item must meet (`None`: not the provider's for it).
pub(crate) async fn slot_rule(
    conn: &mut crate::db::Conn,
    timeslot_id: i64,
    provider_id: i64,
    item: app::model::ServiceItem,
) -> Result<Option<app::model::requests::SlotRule>, AppError> {
    let slot: Option<(i64, i64, i64, bool)> = crate::db::query_as(
        "SELECT weekday, start_min, capacity, active FROM provider_timeslots WHERE id = ? AND provider_id = ? AND service_item = ?",
    )
    .bind(timeslot_id)
    .bind(provider_id)
    .bind(item.code())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(slot.map(|(weekday, start_min, capacity, active)| app::model::requests::SlotRule { weekday, start_min, capacity, active }))
}

/// A provider's active weekly timeslots for an item.
pub(crate) async fn weekly_windows(
    conn: &mut crate::db::Conn,
    provider_id: i64,
    item: app::model::ServiceItem,
) -> Result<Vec<app::model::requests::WeeklyWindow>, AppError> {
    let rows: Vec<(i64, i64, i64, i64, i64)> = crate::db::query_as(
        "SELECT id, weekday, start_min, end_min, capacity FROM provider_timeslots t
         WHERE provider_id = ? AND service_item = ? AND active = TRUE
           AND EXISTS (SELECT 1 FROM provider_items i WHERE i.provider_id = t.provider_id AND i.service_item = t.service_item AND i.active = TRUE)",
    )
    .bind(provider_id)
    .bind(item.code())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, weekday, start, end, cap)| app::model::requests::WeeklyWindow {
            id,
            kind: app::model::RequestKind::Visit,
            weekday: weekday as u8,
            start_min: start as u32,
            end_min: end as u32,
            capacity: cap as u32,
        })
        .collect())
}

/// Orders holding each (timeslot, date) of a provider's item from `from` on, in one query.
pub(crate) async fn booked_from(
    conn: &mut crate::db::Conn,
    provider_id: i64,
    item: app::model::ServiceItem,
    from: chrono::NaiveDate,
) -> Result<std::collections::HashMap<(i64, String), i64>, AppError> {
    let rows: Vec<(i64, String, i64)> = crate::db::query_as(&format!(
        "SELECT o.timeslot_id, o.visit_date, count(*) FROM orders o
         WHERE o.provider_id = ? AND o.service_item = ? AND o.visit_date >= ? AND o.status IN ({})
         GROUP BY o.timeslot_id, o.visit_date",
        &*crate::db::ORDERS_HOLDING_TIMESLOT
    ))
    .bind(provider_id)
    .bind(item.code())
    .bind(from.format("%Y-%m-%d").to_string())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(id, d, n)| ((id, d), n)).collect())
}

/// A new order as submitted, with the profile the family consented to share and the server's quote.
pub(crate) async fn insert(
    conn: &mut crate::db::Conn,
    new: &app::model::orders::NewOrder,
    device_hash: &str,
    elder: &app::model::elder::ElderProfile,
    quote: &app::model::elder::Quote,
    now: i64,
) -> Result<(), AppError> {
    crate::db::query(
        "INSERT INTO orders (id, device_hash, provider_id, service_item, meal_mode, timeslot_id, visit_date, elder, elder_name, quote,
                             status, created_at, updated_at, street_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'submitted', ?11, ?11, (SELECT id FROM areas WHERE id = ?12))",
    )
    .bind(&new.id)
    .bind(device_hash)
    .bind(new.provider_id)
    .bind(new.item.code())
    .bind(new.meal_mode.map(|m| m.code()))
    .bind(new.timeslot_id)
    .bind(&new.date)
    .bind(serde_json::to_string(elder).map_err(anyhow::Error::from)?)
    .bind(elder.name.trim())
    .bind(serde_json::to_string(quote).map_err(anyhow::Error::from)?)
    .bind(now)
    .bind(elder.street_id.trim())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A family's rating of a finished visit (sent again, it replaces the earlier one).
pub(crate) async fn rate(conn: &mut crate::db::Conn, id: &str, r: &app::model::orders::NewRating, now: i64) -> Result<(), AppError> {
    crate::db::query("UPDATE orders SET rating = ?, rating_comment = ?, rated_at = ?3, updated_at = ?3 WHERE id = ?4")
        .bind(r.stars as i64)
        .bind(r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()))
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) async fn timeslot_id(conn: &mut crate::db::Conn, id: &str) -> Result<i64, AppError> {
    Ok(crate::db::query_scalar("SELECT timeslot_id FROM orders WHERE id = ?").bind(id).fetch_one(&mut *conn).await?)
}

/// When a provider's weekly timeslot starts (minutes of the Beijing day).
pub(crate) async fn provider_timeslot_start(conn: &mut crate::db::Conn, timeslot_id: i64) -> Result<u32, AppError> {
    let start: i64 = crate::db::query_scalar("SELECT start_min FROM provider_timeslots WHERE id = ?").bind(timeslot_id).fetch_one(&mut *conn).await?;
    Ok(start as u32)
}

/// 改期: the order moves to another timeslot and date and goes back to the provider to confirm
/// (any carer assigned is released).
pub(crate) async fn reschedule(conn: &mut crate::db::Conn, id: &str, timeslot_id: i64, date: &str, now: i64) -> Result<(), AppError> {
    crate::db::query(
        "UPDATE orders SET timeslot_id = ?, visit_date = ?, status = ?, carer_id = NULL,
                message = '家属已改期，请重新确认', updated_at = ?
         WHERE id = ?",
    )
    .bind(timeslot_id)
    .bind(date)
    .bind(OrderStatus::Submitted.code())
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// 签到 at the door: 已派单 → 服务中, with the tap's time and position, when it arrived, and how
/// far it was from the elder's home.
pub(crate) async fn check_in(conn: &mut crate::db::Conn, id: &str, c: &app::model::orders::CheckIn, distance_m: Option<f64>, now: i64) -> Result<(), AppError> {
    crate::db::query(
        "UPDATE orders SET status = ?, check_in_at = ?, check_in_received_at = ?, check_in_lat = ?,
                check_in_lng = ?, check_in_distance_m = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(OrderStatus::InService.code())
    .bind(c.tapped_at.timestamp())
    .bind(now)
    .bind(c.lat)
    .bind(c.lng)
    .bind(distance_m)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// 签退 on leaving: 服务中 → 已完成, with the tap, the tasks (done, or why not) and the carer's note.
pub(crate) async fn check_out(
    conn: &mut crate::db::Conn,
    id: &str,
    c: &app::model::orders::CheckOut,
    tasks: &[app::model::orders::VisitTask],
    distance_m: Option<f64>,
    now: i64,
) -> Result<(), AppError> {
    crate::db::query(
        "UPDATE orders SET status = ?, check_out_at = ?, check_out_received_at = ?, check_out_lat = ?,
                check_out_lng = ?, check_out_distance_m = ?, tasks = ?, carer_note = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(OrderStatus::Completed.code())
    .bind(c.tapped_at.timestamp())
    .bind(now)
    .bind(c.lat)
    .bind(c.lng)
    .bind(distance_m)
    .bind(serde_json::to_string(tasks).map_err(anyhow::Error::from)?)
    .bind(c.note.as_deref().map(str::trim).filter(|n| !n.is_empty()))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A device's orders, newest first (at most `limit`).
pub(crate) async fn by_device(conn: &mut crate::db::Conn, device_hash: &str, limit: i64) -> Result<Vec<Row>, AppError> {
    Ok(crate::db::query_as(&format!("{ORDER_SELECT} WHERE o.device_hash = ? ORDER BY o.created_at DESC, o.rowid DESC LIMIT ?"))
        .bind(device_hash)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
}

/// The family cancelled it.
pub(crate) async fn mark_cancelled(conn: &mut crate::db::Conn, id: &str, now: i64) -> Result<(), AppError> {
    crate::db::query("UPDATE orders SET status = 'cancelled', updated_at = ? WHERE id = ?").bind(now).bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// A carer's visits between two Beijing dates (and any still in service), in time order.
pub(crate) async fn carers_visits(conn: &mut crate::db::Conn, carer_id: i64, from: &str, to: &str) -> Result<Vec<Row>, AppError> {
    Ok(crate::db::query_as(&format!(
        "{ORDER_SELECT} WHERE o.carer_id = ? AND o.status IN ({ORDERS_ON_CARERS_LIST})
           AND (o.status = 'in_service' OR o.visit_date BETWEEN ? AND ?)
         ORDER BY o.visit_date, t.start_min LIMIT 200",
        ORDERS_ON_CARERS_LIST = &*crate::db::ORDERS_ON_CARERS_LIST
    ))
    .bind(carer_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?)
}

/// One order of this carer's.
pub(crate) async fn carers_order(conn: &mut crate::db::Conn, id: &str, carer_id: i64) -> Result<Option<Row>, AppError> {
    Ok(crate::db::query_as(&format!("{ORDER_SELECT} WHERE o.id = ? AND o.carer_id = ?")).bind(id).bind(carer_id).fetch_optional(&mut *conn).await?)
}

/// An organisation's providers: (id, name, kind).
pub(crate) async fn providers_of(conn: &mut crate::db::Conn, organisation_id: i64) -> Result<Vec<(i64, String, String)>, AppError> {
    Ok(crate::db::query_as("SELECT id, name, kind FROM providers WHERE organisation_id = ? ORDER BY id").bind(organisation_id).fetch_all(&mut *conn).await?)
}

/// A provider's orders: new ones first, then by visit.
pub(crate) async fn of_provider(conn: &mut crate::db::Conn, provider_id: i64) -> Result<Vec<Row>, AppError> {
    Ok(crate::db::query_as(&format!(
        "{ORDER_SELECT} WHERE o.provider_id = ?
         ORDER BY CASE o.status WHEN 'submitted' THEN 0 WHEN 'accepted' THEN 1 WHEN 'assigned' THEN 2 WHEN 'in_service' THEN 3 ELSE 4 END,
                  o.visit_date, t.start_min LIMIT 300"
    ))
    .bind(provider_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The provider's decision, as the order's new state.
pub(crate) struct Decided<'a> {
    pub(crate) id: &'a str,
    pub(crate) to: OrderStatus,
    pub(crate) carer_id: Option<i64>,
    pub(crate) message: Option<&'a str>,
    pub(crate) category_confirmed: bool,
    pub(crate) now: i64,
}

pub(crate) async fn decide(conn: &mut crate::db::Conn, d: Decided<'_>) -> Result<(), AppError> {
    crate::db::query(
        "UPDATE orders SET status = ?, carer_id = coalesce(?, carer_id), message = coalesce(?, message),
                category_confirmed_at = CASE WHEN ?4 THEN coalesce(category_confirmed_at, ?5) ELSE category_confirmed_at END,
                updated_at = ?5
         WHERE id = ?6",
    )
    .bind(d.to.code())
    .bind(d.carer_id)
    .bind(d.message)
    .bind(d.category_confirmed)
    .bind(d.now)
    .bind(d.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
