//! Weekly 探访 plans and visits as stored, and the job that generates each week's visits
//! (and marks missed ones) and prunes expired records.

use crate::http::device::DeviceHash;
use crate::http::error::AppError;
use app::model::elder::ElderProfile;
use app::rules::geo::LatLng;
use app::model::orders::{
    welfare_reason, week_start, WelfareVisit,
};
use app::model::requests::beijing_today;
use app::model::{ServiceItem, WelfareMode, WelfareStatus};
use chrono::{DateTime, NaiveDate, Utc};

pub(crate) fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Starts (or refreshes) the weekly 探访 of the person an order is for, when the rule applies,
/// the family consented to it with this order (`consent`: the order and the version of the
/// wording), and the provider ordered from offers 探访 at the address. The plan follows the
/// provider its consent names: a plan with another provider moves to this one only with this
/// new consent (the earlier consent is then marked withdrawn), and an order without the
/// consent changes no plan. This week's visit is generated at once.
pub(crate) async fn ensure_plan(
    tx: &mut crate::db::Conn,
    device: &DeviceHash,
    elder: &ElderProfile,
    (ordered_from, provider_name): (i64, &str),
    (order_id, consent): (&str, app::model::privacy::ConsentGiven),
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let today = beijing_today(now);
    let Some(reason) = welfare_reason(elder) else { return Ok(()) };
    let serving = crate::db::services::serving(tx, LatLng::new(elder.lat, elder.lng), &elder.street_id, Some(ServiceItem::WelfareVisit)).await?;
    let Some(provider) = serving.iter().find(|p| p.id == ordered_from) else { return Ok(()) };
    let to = crate::db::privacy::Recipient { code: format!("provider:{}", provider.id), name: provider_name };
    let ids = crate::db::privacy::record(tx, &device.0, ("order", order_id), &[consent], &to, "每周探访", now.timestamp()).await?;
    let Some(&(_, consent_id)) = ids.first() else { return Ok(()) };
    // the consent the plan followed so far, if another: it no longer applies
    crate::db::query(
        "UPDATE consents SET withdrawn_at = ?1 WHERE withdrawn_at IS NULL AND id <> ?2 AND id IN
            (SELECT consent_id FROM welfare_plans WHERE device_hash = ?3 AND elder_name = ?4 AND elder_phone = ?5)",
    )
    .bind(now.timestamp())
    .bind(consent_id)
    .bind(&device.0)
    .bind(elder.name.trim())
    .bind(elder.phone.trim())
    .execute(&mut *tx)
    .await?;
    crate::db::query(
        "INSERT INTO welfare_plans (device_hash, elder_name, elder_phone, elder, reason, provider_id, started_on, created_at, updated_at, street_id, consent_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, (SELECT id FROM areas WHERE id = ?9), ?10)
         ON CONFLICT (device_hash, elder_name, elder_phone) DO UPDATE
            SET elder = excluded.elder, street_id = excluded.street_id, reason = excluded.reason, provider_id = excluded.provider_id,
                consent_id = excluded.consent_id,
                started_on = CASE WHEN welfare_plans.ended_on IS NOT NULL OR welfare_plans.provider_id <> excluded.provider_id
                                  THEN excluded.started_on ELSE welfare_plans.started_on END,
                ended_on = NULL, updated_at = ?8",
    )
    .bind(&device.0)
    .bind(elder.name.trim())
    .bind(elder.phone.trim())
    .bind(serde_json::to_string(elder).map_err(anyhow::Error::from)?)
    .bind(&reason)
    .bind(provider.id)
    .bind(ymd(today))
    .bind(now.timestamp())
    .bind(elder.street_id.trim())
    .bind(consent_id)
    .execute(&mut *tx)
    .await?;
    generate_with(tx, now).await?;
    Ok(())
}

/// How far back `generate` fills weeks it did not run in.
pub(crate) const BACKFILL_WEEKS: i64 = 8;

/// What `generate` did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub created: u64,
    pub missed: u64,
}

pub(crate) async fn generate_with(conn: &mut crate::db::Conn, now: DateTime<Utc>) -> Result<Generated, AppError> {
    let today = beijing_today(now);
    let monday = week_start(today);
    let sunday = monday + chrono::Duration::days(6);
    let missed = crate::db::query("UPDATE welfare_visits SET status = 'missed', updated_at = ? WHERE status = 'due' AND due_on < ?")
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
        created += crate::db::query(
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

/// Runs `generate` (a new week starts at Beijing midnight), the retention job and the
/// indicators' monthly snapshots (back-filled on the first run) now and then every hour.
pub fn spawn_generator(read: crate::db::Pool, pool: crate::db::Pool, clock: crate::clock::Clock) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        let mut first = true;
        loop {
            tick.tick().await;
            let started = std::time::Instant::now();
            // each job on one server at a time when several share the database
            use crate::db::once_across_servers as once;
            match once(&pool, "indicator-snapshots", || crate::db::supervise::snapshot(&read, &pool, clock.now(), first)).await {
                Ok(Some(s)) => tracing::info!(written = s.written, backfilled = s.backfilled, ms = started.elapsed().as_millis() as u64, "indicator snapshots"),
                Ok(None) => tracing::info!("indicator snapshots: another server is making them"),
                Err(e) => tracing::warn!("indicator snapshots failed: {e:?}"),
            }
            first = false;
            match once(&pool, "weekly-visits", || generate(&pool, clock.now())).await {
                Ok(Some(g)) if g.created + g.missed > 0 => tracing::info!(created = g.created, missed = g.missed, "weekly 探访"),
                Ok(_) => {}
                Err(e) => tracing::warn!("weekly 探访 generation failed: {e:?}"),
            }
            // the retention job, hourly too (each run deletes only what has just expired)
            match once(&pool, "retention", || crate::db::places::prune(&pool, clock.unix())).await {
                Ok(Some(p)) if p != crate::db::places::Pruned::default() => tracing::info!(?p, "pruned expired records"),
                Ok(_) => {}
                Err(e) => tracing::warn!("pruning failed: {e:?}"),
            }
        }
    });
}

pub(crate) type VisitRow = (i64, String, String, String, Option<String>, Option<i64>, Option<String>, Option<String>);

/// A week's visit; a due week whose Sunday has passed reads as missed (binds: today).
pub(crate) const VISIT_COLS: &str = "v.id, v.week_start, v.due_on,
        CASE WHEN v.status = 'due' AND v.due_on < ? THEN 'missed' ELSE v.status END AS st,
        v.mode, v.done_at, c.name, v.note";

pub(crate) fn visit_from(r: VisitRow) -> WelfareVisit {
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

/// Makes this week's 探访 for every running plan (at most one per plan per week, however
/// often it runs) and marks last weeks' undone visits as missed. Weeks run Monday to
/// Sunday in Beijing time: at `now` = Sunday 16:00Z the next week has begun.
pub async fn generate(pool: &crate::db::Pool, now: DateTime<Utc>) -> Result<Generated, AppError> {
    let mut tx = pool.begin().await?;
    let g = generate_with(&mut tx, now).await?;
    tx.commit().await?;
    Ok(g)
}

/// This device's weekly 探访 plans (running; with `ended` also the ended): id, elder, reason,
/// provider (id, name, phone), start, sample, the consent it follows, end.
pub(crate) type FamilyPlanRow = (i64, String, String, i64, String, String, String, bool, Option<i64>, Option<String>);

pub(crate) async fn family_plans(conn: &mut crate::db::Conn, device: &DeviceHash, ended: bool) -> Result<Vec<FamilyPlanRow>, AppError> {
    Ok(crate::db::query_as(
        "SELECT w.id, w.elder_name, w.reason, p.id, p.name, p.phone, w.started_on, p.is_sample, w.consent_id, w.ended_on
         FROM welfare_plans w JOIN providers p ON p.id = w.provider_id
         WHERE w.device_hash = ? AND (w.ended_on IS NULL OR ?) ORDER BY w.id",
    )
    .bind(&device.0)
    .bind(ended)
    .fetch_all(&mut *conn)
    .await?)
}

/// A plan's last eight weeks, newest first.
pub(crate) async fn recent_visits(conn: &mut crate::db::Conn, plan_id: i64, today: NaiveDate) -> Result<Vec<VisitRow>, AppError> {
    Ok(crate::db::query_as(&format!(
        "SELECT {VISIT_COLS} FROM welfare_visits v LEFT JOIN carers c ON c.id = v.carer_id
         WHERE v.plan_id = ? ORDER BY v.week_start DESC LIMIT 8"
    ))
    .bind(ymd(today))
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// A week's visit as a provider's list reads it: the visit, its plan, the reason, the person (JSON)
/// and the family's device.
pub(crate) type ProviderVisitRow = (i64, String, String, String, Option<String>, Option<i64>, Option<String>, Option<String>, i64, String, String, String);

/// A provider's view of a week's visit: with the person (binds: today, then the WHERE's).
fn provider_visit_select() -> String {
    format!(
        "SELECT {VISIT_COLS}, v.plan_id, w.reason, w.elder, w.device_hash
         FROM welfare_visits v JOIN welfare_plans w ON w.id = v.plan_id LEFT JOIN carers c ON c.id = v.carer_id"
    )
}

/// A provider's list: missed weeks first, then due ones, then done ones of weeks from
/// `done_since` on; nothing before `since`.
pub(crate) async fn provider_visits(conn: &mut crate::db::Conn, provider_id: i64, today: &str, since: &str, done_since: &str) -> Result<Vec<ProviderVisitRow>, AppError> {
    Ok(crate::db::query_as(&format!(
        "{}
         WHERE w.provider_id = ? AND w.ended_on IS NULL AND v.week_start >= ? AND NOT (v.status = 'done' AND v.week_start < ?)
         ORDER BY CASE CASE WHEN v.status = 'due' AND v.due_on < ? THEN 'missed' ELSE v.status END WHEN 'missed' THEN 0 WHEN 'due' THEN 1 ELSE 2 END,
                  v.week_start DESC, v.id
         LIMIT 500",
        provider_visit_select()
    ))
    .bind(today)
    .bind(provider_id)
    .bind(since)
    .bind(done_since)
    .bind(today)
    .fetch_all(&mut *conn)
    .await?)
}

pub(crate) async fn provider_visit(conn: &mut crate::db::Conn, id: i64, today: &str) -> Result<ProviderVisitRow, AppError> {
    Ok(crate::db::query_as(&format!("{} WHERE v.id = ?", provider_visit_select())).bind(today).bind(id).fetch_one(&mut *conn).await?)
}

/// A visit's plan and week: (provider, week start, due on, done at).
pub(crate) async fn visit_week(conn: &mut crate::db::Conn, id: i64) -> Result<Option<(i64, String, String, Option<i64>)>, AppError> {
    Ok(crate::db::query_as(
        "SELECT w.provider_id, v.week_start, v.due_on, v.done_at FROM welfare_visits v JOIN welfare_plans w ON w.id = v.plan_id WHERE v.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A visit made, as recorded.
pub(crate) struct Recorded<'a> {
    pub(crate) id: i64,
    pub(crate) in_week: bool,
    pub(crate) mode: &'a str,
    pub(crate) done_at: i64,
    pub(crate) carer_id: Option<i64>,
    pub(crate) note: Option<&'a str>,
    pub(crate) recorded_by: i64,
    pub(crate) now: i64,
}

pub(crate) async fn record(conn: &mut crate::db::Conn, r: Recorded<'_>) -> Result<(), AppError> {
    crate::db::query(
        "UPDATE welfare_visits SET status = ?, mode = ?, done_at = ?, carer_id = ?, note = ?, recorded_by = ?, updated_at = ?
         WHERE id = ?",
    )
    .bind(if r.in_week { "done" } else { "missed" })
    .bind(r.mode)
    .bind(r.done_at)
    .bind(r.carer_id)
    .bind(r.note)
    .bind(r.recorded_by)
    .bind(r.now)
    .bind(r.id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
