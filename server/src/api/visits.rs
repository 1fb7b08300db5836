//! The visit itself: the carer's list and check-in / check-out (the tap's time is kept
//! even when it reaches the server later; the position's distance from the address is
//! kept and flagged beyond 100 m), the family's rating and rescheduling, and the weekly
//! 探访 the 宿城区 rule requires (plans, generation once per week, missed weeks).

use utoipa_axum::{router::OpenApiRouter, routes};
use crate::api::auth::Session;
use crate::http::device::DeviceHash;
use crate::http::error::AppError;
use crate::http::audit::{self, About};
use crate::http::write::{Tx, Write};
use crate::api::desk::{may_read, may_write, Id};
use crate::api::orders::{order, provider_order, provider_org, timeslot_problem, Row, ORDER_SELECT};
use crate::api::requests::ReqId;
use crate::AppState;
use app::elder::ElderProfile;
use app::geo::{distance_m, LatLng};
use app::orders::{
    date_problem, move_problem, welfare_reason, week_start, CheckIn, CheckOut, NewRating, OrderStatus, ProviderOrder, ProviderWelfareVisit,
    RecordWelfareVisit, Reschedule, WelfarePlan, WelfarePlansResponse, WelfareVisit,
};
use app::requests::beijing_today;
use app::types::{ServiceItem, WelfareMode, WelfareStatus};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqlitePool};

/// How far a phone's clock may run ahead of the server's.
const CLOCK_SKEW_S: i64 = 10 * 60;
/// How long a tap may wait on a phone before it reaches the server.
const TAP_MAX_AGE_DAYS: i64 = 7;

fn tap_problem(at: DateTime<Utc>, now: DateTime<Utc>) -> Option<&'static str> {
    if (at - now).num_seconds() > CLOCK_SKEW_S {
        Some("记录的时间晚于现在，请检查手机的日期和时间")
    } else if (now - at).num_days() > TAP_MAX_AGE_DAYS {
        Some("这条记录保存在手机上已超过 7 天，请联系机构补录")
    } else {
        None
    }
}

fn json(v: impl serde::Serialize) -> Result<serde_json::Value, AppError> {
    Ok(serde_json::to_value(v).map_err(anyhow::Error::from)?)
}

// ------------------------------------------------------------------ the carer's phone

fn carer_of(session: &Session) -> Result<i64, AppError> {
    session.user.carer_id.ok_or_else(|| AppError::Forbidden("只有护理员账号有上门任务".into()))
}

/// A carer sees what the visit needs, not the family's declared categories.
fn for_carer(mut o: ProviderOrder) -> ProviderOrder {
    o.elder.categories.clear();
    o.elder.consent_categories = false;
    // who pays (and under which rule) would tell the categories again
    o.order.quote = app::elder::Quote {
        market_price_yuan: 0,
        public_pays_yuan: 0,
        family_pays_yuan: 0,
        rule_id: None,
        rule_name: None,
        payer: None,
        explanation: String::new(),
        needs_confirmation: false,
    };
    o.order.category_confirmed = false;
    o
}

/// `GET /api/v1/carer/visits` — this carer's visits from yesterday to a week ahead, and
/// any still in service, in time order.
#[utoipa::path(get, path = "/api/v1/carer/visits", responses((status = 200, body = [ProviderOrder]), (status = 401), (status = 403)), tag = "carer")]
pub async fn carer_visits(State(st): State<AppState>, session: Session) -> Result<Json<Vec<ProviderOrder>>, AppError> {
    let carer = carer_of(&session)?;
    let today = beijing_today(st.clock.now());
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{ORDER_SELECT} WHERE o.carer_id = ? AND o.status IN ('assigned', 'in_service', 'completed')
           AND (o.status = 'in_service' OR o.visit_date BETWEEN ? AND ?)
         ORDER BY o.visit_date, t.start_min LIMIT 200"
    ))
    .bind(carer)
    .bind((today - chrono::Duration::days(1)).format("%Y-%m-%d").to_string())
    .bind((today + chrono::Duration::days(7)).format("%Y-%m-%d").to_string())
    .fetch_all(&st.read)
    .await?;
    Ok(Json(rows.into_iter().map(|r| provider_order(r).map(for_carer)).collect::<Result<_, _>>()?))
}

/// The carer's own order with the address's position; 404 for anyone else's.
async fn own_order(tx: &mut SqliteConnection, id: &str, carer: i64) -> Result<(app::orders::OrderView, ElderProfile), AppError> {
    let row: Option<Row> = sqlx::query_as(&format!("{ORDER_SELECT} WHERE o.id = ? AND o.carer_id = ?")).bind(id).bind(carer).fetch_optional(&mut *tx).await?;
    let o = provider_order(row.ok_or_else(|| AppError::NotFound("没有这个上门任务".into()))?)?;
    Ok((o.order, o.elder))
}

fn distance_from(elder: &ElderProfile, lat: Option<f64>, lng: Option<f64>) -> Option<f64> {
    Some(distance_m(LatLng::new(lat?, lng?), LatLng::new(elder.lat, elder.lng)))
}

/// `POST /api/v1/carer/orders/{id}/check-in` — at the door: 已派单 → 服务中.
#[utoipa::path(post, path = "/api/v1/carer/orders/{id}/check-in", params(("id" = String, Path,)), request_body = CheckIn,
    responses((status = 200, body = app::orders::OrderView), (status = 401), (status = 403), (status = 404),
        (status = 409, body = app::types::ErrorBody), (status = 422, body = app::types::ErrorBody)), tag = "carer")]
pub async fn check_in(
    State(st): State<AppState>,
    session: Session,
    ReqId(id): ReqId,
    w: Write<CheckIn>,
) -> Result<Response, AppError> {
    let carer = carer_of(&session)?;
    let c = &w.body;
    let errors = app::orders::position_errors(c.lat, c.lng);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let user = session.user.clone();
    let now = st.clock.now();
    // Checks that depend on the time run inside: a replay of a stored answer must not be
    // judged again days later.
    w.run_as(&st, &session, move |mut tx: Tx, c| async move {
        let (o, elder) = own_order(&mut tx, &id, carer).await?;
        if let Some(m) = tap_problem(c.tapped_at, now).or_else(|| (c.tapped_at < o.created_at).then_some("签到时间早于下单时间，请检查手机的日期和时间")) {
            return Err(AppError::field("tapped_at", m));
        }
        match o.status {
            OrderStatus::Assigned => {
                let distance = distance_from(&elder, c.lat, c.lng);
                sqlx::query(
                    "UPDATE orders SET status = 'in_service', check_in_at = ?, check_in_received_at = ?, check_in_lat = ?,
                            check_in_lng = ?, check_in_distance_m = ?, updated_at = ?
                     WHERE id = ?",
                )
                .bind(c.tapped_at.timestamp())
                .bind(now.timestamp())
                .bind(c.lat)
                .bind(c.lng)
                .bind(distance)
                .bind(now.timestamp())
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                let detail = serde_json::json!({ "order_id": id, "tapped_at": c.tapped_at, "distance_m": distance });
                audit::record(&mut tx, (&user, now), About::Organisation(user.organisation_id), "check_in", detail).await?;
            }
            // Checked in already (from this phone or another): the first tap stands.
            OrderStatus::InService | OrderStatus::Completed => {}
            s => return Err(AppError::Conflict(format!("订单已是“{}”，不能签到", s.label()))),
        }
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, json(v)?))
    })
    .await
}

/// `POST /api/v1/carer/orders/{id}/check-out` — leaving: the tasks, 服务中 → 已完成.
#[utoipa::path(post, path = "/api/v1/carer/orders/{id}/check-out", params(("id" = String, Path,)), request_body = CheckOut,
    responses((status = 200, body = app::orders::OrderView), (status = 401), (status = 403), (status = 404),
        (status = 409, body = app::types::ErrorBody), (status = 422, body = app::types::ErrorBody)), tag = "carer")]
pub async fn check_out(
    State(st): State<AppState>,
    session: Session,
    ReqId(id): ReqId,
    w: Write<CheckOut>,
) -> Result<Response, AppError> {
    let carer = carer_of(&session)?;
    let c = &w.body;
    let errors = c.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let user = session.user.clone();
    let now = st.clock.now();
    w.run_as(&st, &session, move |mut tx: Tx, c| async move {
        let (o, elder) = own_order(&mut tx, &id, carer).await?;
        if let Some(m) = tap_problem(c.tapped_at, now) {
            return Err(AppError::field("tapped_at", m));
        }
        match o.status {
            OrderStatus::InService => {
                if o.check_in.as_ref().is_some_and(|i| c.tapped_at < i.at) {
                    return Err(AppError::field("tapped_at", "签退时间早于签到时间，请检查手机的日期和时间"));
                }
                let distance = distance_from(&elder, c.lat, c.lng);
                let tasks: Vec<app::orders::VisitTask> = c
                    .tasks
                    .iter()
                    .map(|t| app::orders::VisitTask {
                        task: t.task.trim().to_string(),
                        done: t.done,
                        reason: t.reason.as_deref().map(str::trim).filter(|r| !r.is_empty() && !t.done).map(String::from),
                    })
                    .collect();
                sqlx::query(
                    "UPDATE orders SET status = 'completed', check_out_at = ?, check_out_received_at = ?, check_out_lat = ?,
                            check_out_lng = ?, check_out_distance_m = ?, tasks = ?, carer_note = ?, updated_at = ?
                     WHERE id = ?",
                )
                .bind(c.tapped_at.timestamp())
                .bind(now.timestamp())
                .bind(c.lat)
                .bind(c.lng)
                .bind(distance)
                .bind(serde_json::to_string(&tasks).map_err(anyhow::Error::from)?)
                .bind(c.note.as_deref().map(str::trim).filter(|n| !n.is_empty()))
                .bind(now.timestamp())
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                let detail = serde_json::json!({ "order_id": id, "tapped_at": c.tapped_at, "distance_m": distance,
                    "not_done": tasks.iter().filter(|t| !t.done).count() });
                audit::record(&mut tx, (&user, now), About::Organisation(user.organisation_id), "check_out", detail).await?;
            }
            OrderStatus::Completed => {}
            OrderStatus::Assigned => return Err(AppError::Conflict("还没有签到，请先签到再签退".into())),
            s => return Err(AppError::Conflict(format!("订单已是“{}”，不能签退", s.label()))),
        }
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, json(v)?))
    })
    .await
}

// ------------------------------------------------------------------ the family

async fn own_family_order(tx: &mut SqliteConnection, id: &str, dev: &DeviceHash) -> Result<app::orders::OrderView, AppError> {
    let owner: Option<String> = sqlx::query_scalar("SELECT device_hash FROM orders WHERE id = ?").bind(id).fetch_optional(&mut *tx).await?;
    if owner.as_deref() != Some(dev.0.as_str()) {
        return Err(AppError::NotFound("没有这个订单".into()));
    }
    order(tx, id).await
}

/// `POST /api/v1/orders/{id}/rating` — 1–5 stars and a comment, once the visit is done
/// (sent again, it replaces the earlier rating).
#[utoipa::path(post, path = "/api/v1/orders/{id}/rating", params(("id" = String, Path,)), request_body = NewRating,
    responses((status = 200, body = app::orders::OrderView), (status = 404), (status = 409, body = app::types::ErrorBody),
        (status = 422, body = app::types::ErrorBody)), tag = "home services")]
pub async fn rate(State(st): State<AppState>, ReqId(id): ReqId, w: Write<NewRating>) -> Result<Response, AppError> {
    let r = &w.body;
    let errors = r.validate();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let dev = w.device.clone();
    let now = st.clock.unix();
    w.run(&st, move |mut tx: Tx, r| async move {
        let o = own_family_order(&mut tx, &id, &dev).await?;
        if o.status != OrderStatus::Completed {
            return Err(AppError::Conflict(format!("订单是“{}”，服务完成后才能评价", o.status.label())));
        }
        sqlx::query("UPDATE orders SET rating = ?, rating_comment = ?, rated_at = ?3, updated_at = ?3 WHERE id = ?4")
            .bind(r.stars as i64)
            .bind(r.comment.as_deref().map(str::trim).filter(|c| !c.is_empty()))
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, json(v)?))
    })
    .await
}

/// `POST /api/v1/orders/{id}/reschedule` — another timeslot of the same item, within
/// the provider's cancellation window. The order goes back to 已提交: the provider
/// confirms the new time and assigns a carer again.
#[utoipa::path(post, path = "/api/v1/orders/{id}/reschedule", params(("id" = String, Path,)), request_body = Reschedule,
    responses((status = 200, body = app::orders::OrderView), (status = 404), (status = 409, body = app::types::ErrorBody),
        (status = 422, body = app::types::ErrorBody)), tag = "home services")]
pub async fn reschedule(State(st): State<AppState>, ReqId(id): ReqId, w: Write<Reschedule>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.now();
    w.run(&st, move |mut tx: Tx, r| async move {
        let o = own_family_order(&mut tx, &id, &dev).await?;
        if !matches!(o.status, OrderStatus::Submitted | OrderStatus::Accepted | OrderStatus::Assigned) {
            return Err(AppError::Conflict(format!("订单已是“{}”，不能改期", o.status.label())));
        }
        if now > o.cancel_until {
            return Err(AppError::field("timeslot", format!("距上门已不足机构规定的时间，请直接致电 {} {} 改期", o.provider_name, o.provider_phone)));
        }
        let current: i64 = sqlx::query_scalar("SELECT timeslot_id FROM orders WHERE id = ?").bind(&id).fetch_one(&mut *tx).await?;
        if current == r.timeslot_id && o.date == r.date {
            return Ok((tx, StatusCode::OK, json(o)?));
        }
        let problem = match date_problem(&r.date, beijing_today(now)) {
            Some(m) => Some(m.to_string()),
            None => match timeslot_problem(&mut tx, now, o.provider_id, o.item, r.timeslot_id, &r.date, &id).await? {
                Some(m) => Some(m),
                None => {
                    let start: i64 = sqlx::query_scalar("SELECT start_min FROM provider_timeslots WHERE id = ?")
                        .bind(r.timeslot_id)
                        .fetch_one(&mut *tx)
                        .await?;
                    move_problem(&o, &r.date, &app::requests::hhmm(start as u32), now)
                }
            },
        };
        if let Some(m) = problem {
            return Err(AppError::field("timeslot", m));
        }
        sqlx::query(
            "UPDATE orders SET timeslot_id = ?, visit_date = ?, status = 'submitted', carer_id = NULL,
                    message = '家属已改期，请重新确认', updated_at = ?
             WHERE id = ?",
        )
        .bind(r.timeslot_id)
        .bind(&r.date)
        .bind(now.timestamp())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        let v = order(&mut tx, &id).await?;
        Ok((tx, StatusCode::OK, json(v)?))
    })
    .await
}

// ------------------------------------------------------------------ weekly 探访

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Starts (or refreshes) the weekly 探访 of the person an order is for, when the rule
/// applies and the provider ordered from offers 探访 at the address. This week's visit is
/// generated at once.
pub(crate) async fn ensure_plan(
    tx: &mut SqliteConnection,
    device: &DeviceHash,
    elder: &ElderProfile,
    ordered_from: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = beijing_today(now);
    let Some(reason) = welfare_reason(elder) else { return Ok(()) };
    // Only the provider the family ordered from (the order's consent names it), and only
    // when it offers 探访 for this address: the profile goes to no one else.
    let serving = crate::api::services::serving(tx, LatLng::new(elder.lat, elder.lng), &elder.street_id, Some(ServiceItem::WelfareVisit)).await?;
    let Some(provider) = serving.iter().find(|p| p.id == ordered_from) else { return Ok(()) };
    sqlx::query(
        "INSERT INTO welfare_plans (device_hash, elder_name, elder_phone, elder, reason, provider_id, started_on, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT (device_hash, elder_name, elder_phone) DO UPDATE
            SET elder = excluded.elder, reason = excluded.reason, ended_on = NULL, updated_at = ?8",
    )
    .bind(&device.0)
    .bind(elder.name.trim())
    .bind(elder.phone.trim())
    .bind(serde_json::to_string(elder).map_err(anyhow::Error::from)?)
    .bind(&reason)
    .bind(provider.id)
    .bind(ymd(today))
    .bind(now.timestamp())
    .execute(&mut *tx)
    .await?;
    generate_with(tx, now).await?;
    Ok(())
}

/// How far back `generate` fills weeks it did not run in.
const BACKFILL_WEEKS: i64 = 8;

/// What `generate` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub created: u64,
    pub missed: u64,
}

/// Makes this week's 探访 for every running plan (at most one per plan per week, however
/// often it runs) and marks last weeks' undone visits as missed. Weeks run Monday to
/// Sunday in Beijing time: at `now` = Sunday 16:00Z the next week has begun.
pub async fn generate(pool: &SqlitePool, now: DateTime<Utc>) -> Result<Generated, AppError> {
    let mut tx = pool.begin().await?;
    let g = generate_with(&mut tx, now).await?;
    tx.commit().await?;
    Ok(g)
}

async fn generate_with(conn: &mut SqliteConnection, now: DateTime<Utc>) -> Result<Generated, AppError> {
    let today = beijing_today(now);
    let monday = week_start(today);
    let sunday = monday + chrono::Duration::days(6);
    let missed = sqlx::query("UPDATE welfare_visits SET status = 'missed', updated_at = ? WHERE status = 'due' AND due_on < ?")
        .bind(now.timestamp())
        .bind(ymd(today))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let mut created = 0;
    // This week, and any of the last eight weeks the generator did not run in (the server
    // was down): those weeks passed without a visit, so they are made as missed.
    for back in 0..=BACKFILL_WEEKS {
        let (mon, sun) = (monday - chrono::Duration::weeks(back), sunday - chrono::Duration::weeks(back));
        created += sqlx::query(
            "INSERT INTO welfare_visits (plan_id, week_start, due_on, status, created_at, updated_at)
             SELECT id, ?1, ?2, CASE WHEN ?2 < ?3 THEN 'missed' ELSE 'due' END, ?4, ?4 FROM welfare_plans
              WHERE ended_on IS NULL AND started_on <= ?2
             ON CONFLICT (plan_id, week_start) DO NOTHING",
        )
        .bind(ymd(mon))
        .bind(ymd(sun))
        .bind(ymd(today))
        .bind(now.timestamp())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(Generated { created, missed })
}

/// Runs `generate` (a new week starts at Beijing midnight) and the retention job now and then every hour.
pub fn spawn_generator(pool: SqlitePool, clock: crate::clock::Clock) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match generate(&pool, clock.now()).await {
                Ok(g) if g.created + g.missed > 0 => tracing::info!(created = g.created, missed = g.missed, "weekly 探访"),
                Ok(_) => {}
                Err(e) => tracing::warn!("weekly 探访 generation failed: {e:?}"),
            }
            // the retention job, hourly too (each run deletes only what has just expired)
            match crate::db::places::prune(&pool, clock.unix()).await {
                Ok(p) if p != crate::db::places::Pruned::default() => tracing::info!(?p, "pruned expired records"),
                Ok(_) => {}
                Err(e) => tracing::warn!("pruning failed: {e:?}"),
            }
        }
    });
}

type VisitRow = (i64, String, String, String, Option<String>, Option<i64>, Option<String>, Option<String>);

/// A week's visit; a due week whose Sunday has passed reads as missed (binds: today).
const VISIT_COLS: &str = "v.id, v.week_start, v.due_on,
        CASE WHEN v.status = 'due' AND v.due_on < ? THEN 'missed' ELSE v.status END AS st,
        v.mode, v.done_at, c.name, v.note";

fn visit_from(r: VisitRow) -> WelfareVisit {
    let (id, week_start, due_on, status, mode, done_at, carer_name, note) = r;
    WelfareVisit {
        id,
        week_start,
        due_on,
        status: WelfareStatus::from_code(&status).unwrap_or(WelfareStatus::Due),
        mode: mode.as_deref().and_then(WelfareMode::from_code),
        done_at: done_at.map(crate::db::places::ts),
        carer_name,
        note,
    }
}

/// A provider's view of a week's visit: with the person (binds: today, then the WHERE's).
fn provider_visit_select() -> String {
    format!(
        "SELECT {VISIT_COLS}, v.plan_id, w.reason, w.elder
         FROM welfare_visits v JOIN welfare_plans w ON w.id = v.plan_id LEFT JOIN carers c ON c.id = v.carer_id"
    )
}

type ProviderVisitRow = (i64, String, String, String, Option<String>, Option<i64>, Option<String>, Option<String>, i64, String, String);

/// The person as the provider sees them on the 探访 list (not the declared categories).
fn provider_visit_from(r: ProviderVisitRow) -> Result<ProviderWelfareVisit, AppError> {
    let (id, ws, due, status, mode, done_at, carer, note, plan_id, reason, elder) = r;
    let mut elder: ElderProfile = serde_json::from_str(&elder).map_err(|e| AppError::Internal(e.into()))?;
    elder.categories.clear();
    Ok(ProviderWelfareVisit { visit: visit_from((id, ws, due, status, mode, done_at, carer, note)), plan_id, reason, elder })
}

/// `GET /api/v1/welfare-visits` — the weekly 探访 of the people this device orders for,
/// the last eight weeks each.
#[utoipa::path(get, path = "/api/v1/welfare-visits", responses((status = 200, body = WelfarePlansResponse), (status = 401)), tag = "home services")]
pub async fn family_plans(State(st): State<AppState>, device: DeviceHash) -> Result<Json<WelfarePlansResponse>, AppError> {
    let now = st.clock.now();
    let today = beijing_today(now);
    let plans: Vec<(i64, String, String, i64, String, String, String, bool)> = sqlx::query_as(
        "SELECT w.id, w.elder_name, w.reason, p.id, p.name, p.phone, w.started_on, p.is_sample
         FROM welfare_plans w JOIN providers p ON p.id = w.provider_id
         WHERE w.device_hash = ? AND w.ended_on IS NULL ORDER BY w.id",
    )
    .bind(&device.0)
    .fetch_all(&st.read)
    .await?;
    let mut out = Vec::with_capacity(plans.len());
    for (id, elder_name, reason, provider_id, provider_name, provider_phone, started_on, is_sample) in plans {
        let visits: Vec<VisitRow> = sqlx::query_as(&format!(
            "SELECT {VISIT_COLS} FROM welfare_visits v LEFT JOIN carers c ON c.id = v.carer_id
             WHERE v.plan_id = ? ORDER BY v.week_start DESC LIMIT 8"
        ))
            .bind(ymd(today))
            .bind(id)
            .fetch_all(&st.read)
            .await?;
        out.push(WelfarePlan {
            id,
            elder_name,
            reason,
            provider_id,
            provider_name,
            provider_phone,
            started_on,
            visits: visits.into_iter().map(visit_from).collect(),
            is_sample,
        });
    }
    Ok(Json(WelfarePlansResponse { plans: out, generated_at: now }))
}

/// `GET /api/v1/operator/providers/{id}/welfare-visits` — missed weeks first, then this
/// week's due visits, then the last fortnight's done ones.
#[utoipa::path(get, path = "/api/v1/operator/providers/{id}/welfare-visits", params(("id" = i64, Path,)),
    responses((status = 200, body = [ProviderWelfareVisit]), (status = 401), (status = 403)), tag = "operator")]
pub async fn provider_visits(State(st): State<AppState>, session: Session, Id(provider_id): Id) -> Result<Json<Vec<ProviderWelfareVisit>>, AppError> {
    let mut conn = st.read.acquire().await?;
    let org = provider_org(&mut conn, provider_id).await?;
    may_read(&mut conn, &session.user, org).await?;
    let today = beijing_today(st.clock.now());
    let this_week = week_start(today);
    let rows: Vec<ProviderVisitRow> = sqlx::query_as(&format!(
        "{}
         WHERE w.provider_id = ? AND v.week_start >= ? AND NOT (st = 'done' AND v.week_start < ?)
         ORDER BY CASE st WHEN 'missed' THEN 0 WHEN 'due' THEN 1 ELSE 2 END, v.week_start DESC, v.id
         LIMIT 500",
        provider_visit_select()
    ))
    .bind(ymd(today))
    .bind(provider_id)
    .bind(ymd(this_week - chrono::Duration::weeks(8)))
    .bind(ymd(this_week - chrono::Duration::weeks(1)))
    .fetch_all(&mut *conn)
    .await?;
    let out = rows.into_iter().map(provider_visit_from).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(out))
}

/// `POST /api/v1/operator/welfare-visits/{id}` — the visit was made (by the provider's
/// desk or one of its carers). Made after its week, it is kept, and the week stays missed.
#[utoipa::path(post, path = "/api/v1/operator/welfare-visits/{id}", params(("id" = i64, Path,)), request_body = RecordWelfareVisit,
    responses((status = 200, body = ProviderWelfareVisit), (status = 401), (status = 403), (status = 404), (status = 422, body = app::types::ErrorBody)),
    tag = "operator")]
pub async fn record_visit(
    State(st): State<AppState>,
    session: Session,
    Id(id): Id,
    w: Write<RecordWelfareVisit>,
) -> Result<Response, AppError> {
    let r = &w.body;
    if r.note.as_deref().is_some_and(|n| n.chars().count() > 300) {
        return Err(AppError::field("note", "探访记录最多 300 个字"));
    }
    let user = session.user.clone();
    let now = st.clock.now();
    w.run_as(&st, &session, move |mut tx: Tx, r| async move {
        let plan: Option<(i64, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT w.provider_id, v.week_start, v.due_on, v.done_at FROM welfare_visits v JOIN welfare_plans w ON w.id = v.plan_id WHERE v.id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let (provider_id, week_start_on, due_on, done_before) = plan.ok_or_else(|| AppError::NotFound("没有这次探访".into()))?;
        let org = provider_org(&mut tx, provider_id).await?;
        // The desk records 探访 (a carer's account has no 探访 assigned to it: 403).
        may_write(&user, org)?;
        // Recorded once: a second record (another tablet, a late retry) does not replace it.
        if done_before.is_none() {
            if let Some(m) = tap_problem(r.done_at, now) {
                return Err(AppError::field("done_at", m));
            }
            let day = ymd(beijing_today(r.done_at));
            // One visit counts for the week it was made in, never for an earlier one.
            if day < week_start_on {
                return Err(AppError::field("done_at", "探访时间早于这一周，请记在当周的探访上"));
            }
            let in_week = day <= due_on;
            sqlx::query(
                "UPDATE welfare_visits SET status = ?, mode = ?, done_at = ?, carer_id = ?, note = ?, recorded_by = ?, updated_at = ?
                 WHERE id = ?",
            )
            .bind(if in_week { "done" } else { "missed" })
            .bind(r.mode.code())
            .bind(r.done_at.timestamp())
            .bind(user.carer_id)
            .bind(r.note.as_deref().map(str::trim).filter(|n| !n.is_empty()))
            .bind(user.id)
            .bind(now.timestamp())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let detail = serde_json::json!({ "welfare_visit_id": id, "mode": r.mode.code(), "done_at": r.done_at, "in_week": in_week });
            audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "welfare_visit", detail).await?;
        }
        let row: ProviderVisitRow = sqlx::query_as(&format!("{} WHERE v.id = ?", provider_visit_select()))
            .bind(ymd(beijing_today(now)))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        Ok((tx, StatusCode::OK, json(provider_visit_from(row)?)?))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taps_from_the_future_or_long_kept_are_refused() {
        let now = Utc::now();
        assert_eq!(tap_problem(now, now), None);
        assert_eq!(tap_problem(now - chrono::Duration::days(3), now), None, "kept offline for days: fine");
        assert!(tap_problem(now + chrono::Duration::minutes(30), now).is_some());
        assert!(tap_problem(now - chrono::Duration::days(8), now).is_some());
    }
}

/// This resource's routes: each path is the one its `#[utoipa::path]` names.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rate))
        .routes(routes!(reschedule))
        .routes(routes!(carer_visits))
        .routes(routes!(check_in))
        .routes(routes!(check_out))
        .routes(routes!(family_plans))
        .routes(routes!(provider_visits))
        .routes(routes!(record_visit))
}
