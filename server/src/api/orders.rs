//! Orders for 居家上门服务, the family's side: a provider's openings for an item, ordering
//! (the provider must serve the address and offer the item; a timeslot is never
//! over-booked; the price comes from the rule table), the device's orders, and cancelling
//! within the provider's window.

use crate::db::orders::{self, booked, view, order};
use crate::http::device::DeviceHash;
use crate::http::error::{AppError, FieldErrors};
use crate::http::write::{NoBody, Tx, Write};
use crate::http::extract::Id;
use crate::http::extract::ReqId;
use crate::AppState;
use app::model::elder::quote;
use app::rules::geo::LatLng;
use app::model::orders::{NewOrder, OrderStatus, OrderView, OrdersResponse};
use app::model::requests::{beijing_today, TimeslotsResponse};
use app::model::ServiceItem;
use app::model::privacy::Purpose;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{NaiveDate, Utc};



/// Why an order cannot have this timeslot on this date (the `timeslot` field's message):
/// not the provider's for the item, switched off, the wrong weekday, already started, or
/// full. Run inside the write transaction, so the count cannot change underneath.
pub(crate) async fn timeslot_problem(
    conn: &mut crate::db::Conn,
    now: chrono::DateTime<Utc>,
    provider_id: i64,
    item: ServiceItem,
    timeslot_id: i64,
    date: &str,
    except: &str,
) -> Result<Option<String>, AppError> {
    // its bookings are counted, then one is added: one booking of a timeslot at a time
    crate::db::engine::lock_row(conn, "provider_timeslots", timeslot_id).await?;
    let Some(rule) = orders::slot_rule(conn, timeslot_id, provider_id, item).await? else { return Ok(Some("没有这个时段".into())) };
    let Ok(d) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else { return Ok(Some("请选择一个时段".into())) };
    let taken = booked(conn, timeslot_id, date, except).await?;
    Ok(rule.problem(d, now, taken).map(String::from))
}

/// `GET /api/v1/providers/{id}/openings?item=` — the item's timeslots in the next two weeks.
#[utoipa::path(get, path = "/api/v1/providers/{id}/openings", params(("id" = i64, Path,), ("item" = ServiceItem, Query,)),
    responses((status = 200, body = TimeslotsResponse), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "home services")]
pub async fn openings(State(st): State<AppState>, Id(provider_id): Id, RawQuery(raw): RawQuery) -> Result<Json<TimeslotsResponse>, AppError> {
    let pairs = crate::http::query_pairs(raw.as_deref());
    let item = pairs
        .iter()
        .find(|(k, _)| k == "item")
        .and_then(|(_, v)| ServiceItem::from_code(v))
        .ok_or_else(|| AppError::field("item", "请指定服务项目"))?;
    let mut conn = st.read.acquire().await?;
    if !orders::provider_exists(&mut conn, provider_id).await? {
        return Err(AppError::NotFound("没有这个服务机构".into()));
    }
    let now = st.clock.now();
    let windows = orders::weekly_windows(&mut conn, provider_id, item).await?;
    let counts = orders::booked_from(&mut conn, provider_id, item, beijing_today(now)).await?;
    let openings = app::model::requests::openings(&windows, now, |id, d| counts.get(&(id, d.to_string())).copied().unwrap_or(0) as u32);
    Ok(Json(TimeslotsResponse { place_id: provider_id, openings, generated_at: now }))
}

/// `GET /api/v1/orders` — this device's orders, newest first.
#[utoipa::path(get, path = "/api/v1/orders", responses((status = 200, body = OrdersResponse), (status = 401)), tag = "home services")]
pub async fn list(State(st): State<AppState>, device: DeviceHash) -> Result<Json<OrdersResponse>, AppError> {
    let mut conn = st.read.acquire().await?;
    let rows = orders::by_device(&mut conn, &device.0, 200).await?;
    Ok(Json(OrdersResponse { orders: rows.into_iter().map(view).collect::<Result<_, _>>()?, generated_at: st.clock.now() }))
}

/// `POST /api/v1/orders` — an order from the family's device.
#[utoipa::path(post, path = "/api/v1/orders", request_body = NewOrder,
    responses((status = 201, body = OrderView), (status = 200, description = "Sent before: the same order", body = OrderView),
        (status = 409, body = app::model::ErrorBody), (status = 422, body = app::model::ErrorBody)), tag = "home services")]
pub async fn create(State(st): State<AppState>, w: Write<NewOrder>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.now();
    w.run(&st, move |mut tx: Tx, new| async move {
        if let Some(owner) = orders::owner(&mut tx, &new.id).await? {
            if owner != dev.0 {
                return Err(AppError::Conflict("这个订单编号已被使用，请刷新页面后重新下单".into()));
            }
            let v = order(&mut tx, &new.id).await?;
            return Ok((tx, StatusCode::OK, v));
        }
        let mut errors = FieldErrors::from(new.validate(beijing_today(now)));
        // what the consents given allow: the level and categories only with their own
        let elder = new.shared_elder();
        // The provider must serve the address and offer the item.
        let serving = crate::db::services::serving(&mut tx, LatLng::new(elder.lat, elder.lng), &elder.street_id, Some(new.item)).await?;
        let Some(provider) = serving.into_iter().find(|p| p.id == new.provider_id) else {
            if !orders::provider_exists(&mut tx, new.provider_id).await? {
                return Err(AppError::NotFound("没有这个服务机构".into()));
            }
            errors.push("provider_id", "这家机构不为这个地址提供该服务，请选择其他机构");
            return Err(errors.into_error());
        };
        let offer = provider.items.iter().find(|i| i.item == new.item).cloned();
        if let (Some(o), Some(m)) = (&offer, new.meal_mode) {
            if !o.meal_modes.contains(&m) {
                errors.push("meal_mode", format!("这家机构不提供{}", m.label()));
            }
        }
        if !errors.has("timeslot") {
            if let Some(m) = timeslot_problem(&mut tx, now, new.provider_id, new.item, new.timeslot_id, &new.date, &new.id).await? {
                errors.push("timeslot", m);
            }
        }
        errors.into_result()?;
        let offer = offer.ok_or_else(|| AppError::field("item", "这家机构不提供这个服务"))?;
        let rules = crate::db::services::rules(&mut tx).await?;
        let q = quote(&rules, &elder, new.item, offer.market_price_yuan);
        orders::insert(&mut tx, &new, &dev.0, &elder, &q, now.timestamp()).await?;
        let to = crate::db::privacy::Recipient { code: format!("provider:{}", new.provider_id), name: &provider.name };
        let given: Vec<_> = new.given_consents().into_iter().filter(|g| g.purpose != Purpose::WeeklyVisit).collect();
        crate::db::privacy::record(&mut tx, &dev.0, ("order", &new.id), &given, &to, new.item.label(), now.timestamp()).await?;
        // The weekly 探访 the rule gives this person, by this provider, with its own consent.
        if let Some(weekly) = new.given_consents().into_iter().find(|g| g.purpose == Purpose::WeeklyVisit) {
            crate::db::welfare::ensure_plan(&mut tx, &dev, &elder, (new.provider_id, &provider.name), (&new.id, weekly), now).await?;
        }
        let v = order(&mut tx, &new.id).await?;
        Ok((tx, StatusCode::CREATED, v))
    })
    .await
}

/// `POST /api/v1/orders/{id}/cancel` — by the ordering device, before the provider's window.
#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", params(("id" = String, Path,)),
    responses((status = 200, body = OrderView), (status = 404), (status = 409, body = app::model::ErrorBody), (status = 422, body = app::model::ErrorBody)),
    tag = "home services")]
pub async fn cancel(State(st): State<AppState>, ReqId(id): ReqId, w: Write<NoBody>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.now();
    w.run(&st, move |mut tx: Tx, _| async move {
        if orders::owner(&mut tx, &id).await?.as_deref() != Some(dev.0.as_str()) {
            return Err(AppError::NotFound("没有这个订单".into()));
        }
        let v = order(&mut tx, &id).await?;
        match v.status {
            OrderStatus::Cancelled => {}
            s if !matches!(s, OrderStatus::Submitted | OrderStatus::Accepted | OrderStatus::Assigned) => {
                return Err(AppError::Conflict(format!("订单已是“{}”，不能取消", s.label())));
            }
            _ if now > v.cancel_until => {
                return Err(AppError::field(
                    "id",
                    format!("距上门已不足机构规定的取消时间，请直接致电 {} {} 取消", v.provider_name, v.provider_phone),
                ));
            }
            _ => {
                orders::mark_cancelled(&mut tx, &id, now.timestamp()).await?;
            }
        }
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, v))
    })
    .await
}

crate::api::resource_routes!(openings; list, create; cancel);
