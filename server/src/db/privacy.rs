//! Personal information as stored (PIPL): consents on record, withdrawal, a family's data
//! (export) and its erasure, phones that share or hand over a family's records, and the
//! access log's rows for a family.

use crate::http::device::sha256_hex;
use crate::http::error::AppError;
use app::model::privacy::{AccessEntry, ConsentGiven, ConsentRecord, Erased, Purpose};
use chrono::{DateTime, Utc};

/// The device erased records are kept under (no key hashes to it; migration 0014).
pub const ERASED_DEVICE: &str = "erased";

/// Who receives a consent: a place (`place:<id>`) or a provider (`provider:<id>`), and its name.
pub struct Recipient<'a> {
    pub code: String,
    pub name: &'a str,
}

/// Records the consents a write carries for `subject` (a request or an order); returns the
/// id of each purpose's row. A purpose recorded before for the subject keeps its row.
pub async fn record(
    conn: &mut crate::db::Conn,
    device_hash: &str,
    (subject_kind, subject_id): (&str, &str),
    given: &[ConsentGiven],
    to: &Recipient<'_>,
    matter: &str,
    now: i64,
) -> Result<Vec<(Purpose, i64)>, AppError> {
    let mut out = Vec::with_capacity(given.len());
    for g in given {
        let Some(t) = app::model::privacy::text(g.purpose, g.version) else { continue };
        let covers = serde_json::to_string(g.purpose.covers()).map_err(anyhow::Error::from)?;
        crate::db::query(
            "INSERT INTO consents (device_hash, subject_kind, subject_id, purpose, text_version, text, covers, recipient, recipient_name, given_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (subject_kind, subject_id, purpose) DO NOTHING",
        )
        .bind(device_hash)
        .bind(subject_kind)
        .bind(subject_id)
        .bind(g.purpose.code())
        .bind(g.version as i64)
        .bind(t.render(to.name, matter))
        .bind(covers)
        .bind(&to.code)
        .bind(to.name)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        let id: i64 = crate::db::query_scalar("SELECT id FROM consents WHERE subject_kind = ? AND subject_id = ? AND purpose = ?")
            .bind(subject_kind)
            .bind(subject_id)
            .bind(g.purpose.code())
            .fetch_one(&mut *conn)
            .await?;
        out.push((g.purpose, id));
    }
    Ok(out)
}

type ConsentRow = (i64, String, i64, String, String, String, String, String, i64, Option<i64>);

const CONSENT_COLS: &str = "id, purpose, text_version, text, covers, recipient_name, subject_kind, subject_id, given_at, withdrawn_at";

fn consent_from(r: ConsentRow) -> Option<ConsentRecord> {
    let (id, purpose, version, text, covers, recipient, subject_kind, subject_id, given_at, withdrawn_at) = r;
    Some(ConsentRecord {
        id,
        purpose: Purpose::from_code(&purpose)?,
        version: version as u16,
        text,
        covers: serde_json::from_str(&covers).unwrap_or_default(),
        recipient,
        subject_kind,
        subject_id,
        given_at: crate::db::places::ts(given_at),
        withdrawn_at: withdrawn_at.map(crate::db::places::ts),
    })
}

/// A device's consents, newest first.
pub async fn consents(conn: &mut crate::db::Conn, device_hash: &str) -> Result<Vec<ConsentRecord>, AppError> {
    let rows: Vec<ConsentRow> = crate::db::query_as(&format!("SELECT {CONSENT_COLS} FROM consents WHERE device_hash = ? ORDER BY given_at DESC, id DESC"))
        .bind(device_hash)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().filter_map(consent_from).collect())
}

/// Withdraws one of the device's consents: the part it covers is taken out of what the
/// recipient sees at once (the capability level or the categories from the order's profile
/// and the person's weekly 探访 plan), and a weekly 探访 ends today. Withdrawing again is a
/// no-op; the consents that end only with their request or order are refused (422).
pub async fn withdraw(conn: &mut crate::db::Conn, device_hash: &str, id: i64, now: DateTime<Utc>) -> Result<ConsentRecord, AppError> {
    let row: Option<ConsentRow> = crate::db::query_as(&format!("SELECT {CONSENT_COLS} FROM consents WHERE id = ? AND device_hash = ?"))
        .bind(id)
        .bind(device_hash)
        .fetch_optional(&mut *conn)
        .await?;
    let c = row.and_then(consent_from).ok_or_else(|| AppError::NotFound("没有这项同意记录".into()))?;
    if c.withdrawn_at.is_some() {
        return Ok(c);
    }
    if !c.purpose.withdrawable() {
        return Err(AppError::field(
            "id",
            "这项同意随申请或订单结束：请取消该申请或订单，或在「我的信息」删除全部信息",
        ));
    }
    let t = now.timestamp();
    crate::db::query("UPDATE consents SET withdrawn_at = ? WHERE id = ?").bind(t).bind(id).execute(&mut *conn).await?;
    let (path, empty) = match c.purpose {
        Purpose::ElderHealth => ("$.capability_level", "null"),
        Purpose::ElderCategories => ("$.categories", "[]"),
        _ => ("", ""),
    };
    if !path.is_empty() {
        let flag = if c.purpose == Purpose::ElderHealth { "$.consent_health" } else { "$.consent_categories" };
        // the order it was given with, and the plans of the same person on this device
        let sql = format!("SET elder = json_set(elder, '{path}', json('{empty}'), '{flag}', json('false')), updated_at = ?");
        let (key, flag_key) = (&path[2..], &flag[2..]);
        let pg = format!("SET elder = (CAST(elder AS jsonb) || jsonb_build_object('{key}', CAST('{empty}' AS jsonb), '{flag_key}', false))::text, updated_at = ?");
        crate::db::query(crate::db::Sql::by_engine(
            format!("UPDATE orders {sql} WHERE id = ? AND device_hash = ?"),
            format!("UPDATE orders {pg} WHERE id = ? AND device_hash = ?"),
        ))
            .bind(t)
            .bind(&c.subject_id)
            .bind(device_hash)
            .execute(&mut *conn)
            .await?;
        let plans = |set: &str| format!("UPDATE welfare_plans {set} WHERE device_hash = ? AND elder_name = (SELECT elder_name FROM orders WHERE id = ? AND device_hash = ?)");
        crate::db::query(crate::db::Sql::by_engine(plans(&sql), plans(&pg)))
        .bind(t)
        .bind(device_hash)
        .bind(&c.subject_id)
        .bind(device_hash)
        .execute(&mut *conn)
        .await?;
    }
    if c.purpose == Purpose::WeeklyVisit {
        let today = crate::db::welfare::ymd(app::model::requests::beijing_today(now));
        crate::db::query("UPDATE welfare_plans SET ended_on = ?, updated_at = ? WHERE consent_id = ? AND ended_on IS NULL")
            .bind(today)
            .bind(t)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        // this week's visit not yet made is not due any more
        crate::db::query("DELETE FROM welfare_visits WHERE status = 'due' AND plan_id IN (SELECT id FROM welfare_plans WHERE consent_id = ?)")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    let row: ConsentRow = crate::db::query_as(&format!("SELECT {CONSENT_COLS} FROM consents WHERE id = ?")).bind(id).fetch_one(&mut *conn).await?;
    consent_from(row).ok_or_else(|| AppError::NotFound("没有这项同意记录".into()))
}

/// Who read this device's data, newest first (the last 200).
pub async fn views(conn: &mut crate::db::Conn, device_hash: &str) -> Result<Vec<AccessEntry>, AppError> {
    let rows: Vec<(i64, String, String, String, Option<String>)> = crate::db::query_as(
        "SELECT at, who, what, why, subject_id FROM access_log WHERE device_hash = ? ORDER BY at DESC, id DESC LIMIT 200",
    )
    .bind(device_hash)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, who, what, why, subject_id)| AccessEntry {
            at: crate::db::places::ts(at),
            who,
            what: crate::http::access::Read::from_code(&what).map(|r| r.label()).unwrap_or("信息").into(),
            why,
            subject_id,
        })
        .collect())
}

/// Erases what the server holds for a device (`DELETE /api/v1/me/data`): open requests and
/// orders are cancelled first (a held place goes back to the class; an order being served
/// refuses: 409), requests and saved places are deleted, orders and weekly 探访 plans keep
/// only what subsidy settlement and the indicators need (item, date, price, who paid, 街道,
/// the visit's times and distances) under no device and no name, consents are marked
/// withdrawn, the access log forgets whose data it was, stored write answers lose their bodies.
pub async fn erase(conn: &mut crate::db::Conn, device_hash: &str, now: DateTime<Utc>) -> Result<Erased, AppError> {
    use app::model::orders::OrderStatus;
    let t = now.timestamp();
    let serving: i64 = crate::db::query_scalar("SELECT count(*) FROM orders WHERE device_hash = ? AND status = ?")
        .bind(device_hash)
        .bind(OrderStatus::InService.code())
        .fetch_one(&mut *conn)
        .await?;
    if serving > 0 {
        return Err(AppError::Conflict("护理员正在上门服务，请服务结束后再删除".into()));
    }
    let mut cancelled = 0u32;
    let offered: Vec<Option<i64>> = crate::db::query_scalar("SELECT class_id FROM requests WHERE device_hash = ? AND status = 'offered'")
        .bind(device_hash)
        .fetch_all(&mut *conn)
        .await?;
    for class in offered {
        crate::db::requests::release_place(conn, t, class).await?;
    }
    cancelled += crate::db::query(&format!(
        "UPDATE requests SET status = 'cancelled', updated_at = ? WHERE device_hash = ? AND status IN ({})",
        *crate::db::REQUESTS_OPEN
    ))
    .bind(t)
    .bind(device_hash)
    .execute(&mut *conn)
    .await?
    .rows_affected() as u32;
    cancelled += crate::db::query(&format!(
        "UPDATE orders SET status = 'cancelled', message = '家属已删除个人信息，订单取消', updated_at = ? WHERE device_hash = ? AND status IN ({})",
        *crate::db::ORDERS_HOLDING_TIMESLOT
    ))
    .bind(t)
    .bind(device_hash)
    .execute(&mut *conn)
    .await?
    .rows_affected() as u32;
    let requests_erased = crate::db::query("DELETE FROM requests WHERE device_hash = ?").bind(device_hash).execute(&mut *conn).await?.rows_affected() as u32;
    let anonymised = crate::db::places::ANONYMISED;
    let orders = |erased: &str| format!("UPDATE orders SET device_hash = '{ERASED_DEVICE}', elder_name = ?1, {erased}, updated_at = ?2 WHERE device_hash = ?3");
    let orders_anonymised = crate::db::query(crate::db::Sql::by_engine(orders(ORDER_ELDER_ERASED), orders(ORDER_ELDER_ERASED_PG)))
    .bind(anonymised)
    .bind(t)
    .bind(device_hash)
    .execute(&mut *conn)
    .await?
    .rows_affected() as u32;
    let today = crate::db::welfare::ymd(app::model::requests::beijing_today(now));
    crate::db::query("DELETE FROM welfare_visits WHERE status = 'due' AND plan_id IN (SELECT id FROM welfare_plans WHERE device_hash = ? AND ended_on IS NULL)")
        .bind(device_hash)
        .execute(&mut *conn)
        .await?;
    crate::db::query("UPDATE welfare_visits SET note = NULL WHERE plan_id IN (SELECT id FROM welfare_plans WHERE device_hash = ?)")
        .bind(device_hash)
        .execute(&mut *conn)
        .await?;
    let plans = |erased: &str| {
        format!(
            "UPDATE welfare_plans SET device_hash = '{ERASED_DEVICE}', elder_name = ?1 || id, elder_phone = '', reason = '', {erased},
                ended_on = coalesce(ended_on, ?2), updated_at = ?3
          WHERE device_hash = ?4"
        )
    };
    let plans_ended = crate::db::query(crate::db::Sql::by_engine(plans(PLAN_ELDER_ERASED), plans(PLAN_ELDER_ERASED_PG)))
    .bind(anonymised)
    .bind(&today)
    .bind(t)
    .bind(device_hash)
    .execute(&mut *conn)
    .await?
    .rows_affected() as u32;
    let saved_places_erased = crate::db::query("DELETE FROM favorites WHERE device_hash = ?").bind(device_hash).execute(&mut *conn).await?.rows_affected() as u32;
    crate::db::query(&format!("UPDATE consents SET device_hash = '{ERASED_DEVICE}', withdrawn_at = coalesce(withdrawn_at, ?) WHERE device_hash = ?"))
        .bind(t)
        .bind(device_hash)
        .execute(&mut *conn)
        .await?;
    crate::db::query("UPDATE access_log SET device_hash = NULL WHERE device_hash = ?").bind(device_hash).execute(&mut *conn).await?;
    crate::db::query("UPDATE idempotency_keys SET response = 'null' WHERE device_hash = ?").bind(device_hash).execute(&mut *conn).await?;
    crate::db::query("DELETE FROM transfer_codes WHERE device_hash = ?").bind(device_hash).execute(&mut *conn).await?;
    crate::db::query("DELETE FROM device_links WHERE owner_hash = ?1 OR member_hash = ?1").bind(device_hash).execute(&mut *conn).await?;
    Ok(Erased { cancelled, requests_erased, orders_anonymised, plans_ended, saved_places_erased })
}

/// The columns of an order that name or locate a person, set to nothing (binds: `?1` the
/// anonymised name). What settlement and the indicators count stays.
pub const ORDER_ELDER_ERASED: &str = "elder = json_set(elder, '$.name', ?1, '$.phone', '', '$.address_detail', '', '$.lat', 0, '$.lng', 0,
                             '$.capability_level', json('null'), '$.categories', json('[]')),
            check_in_lat = NULL, check_in_lng = NULL, check_out_lat = NULL, check_out_lng = NULL,
            tasks = NULL, carer_note = NULL, message = NULL, rating_comment = NULL";

/// [`ORDER_ELDER_ERASED`] on PostgreSQL (the JSON text merged with the emptied fields).
pub const ORDER_ELDER_ERASED_PG: &str = "elder = (CAST(elder AS jsonb) || jsonb_build_object('name', CAST(?1 AS text), 'phone', '', 'address_detail', '', 'lat', 0, 'lng', 0,
                             'capability_level', NULL, 'categories', CAST('[]' AS jsonb)))::text,
            check_in_lat = NULL, check_in_lng = NULL, check_out_lat = NULL, check_out_lng = NULL,
            tasks = NULL, carer_note = NULL, message = NULL, rating_comment = NULL";

/// [`PLAN_ELDER_ERASED`] on PostgreSQL.
pub const PLAN_ELDER_ERASED_PG: &str = "elder = (CAST(elder AS jsonb) || jsonb_build_object('name', CAST(?1 AS text), 'phone', '', 'address_detail', '', 'lat', 0, 'lng', 0,
                             'capability_level', NULL, 'categories', CAST('[]' AS jsonb)))::text";

/// The same for a weekly 探访 plan's profile.
pub const PLAN_ELDER_ERASED: &str = "elder = json_set(elder, '$.name', ?1, '$.phone', '', '$.address_detail', '', '$.lat', 0, '$.lng', 0,
                             '$.capability_level', json('null'), '$.categories', json('[]'))";

// ------------------------------------------------------------------ phones

/// The family a phone belongs to: its own hash, or the phone it shares with.
pub async fn household(conn: &mut crate::db::Conn, own: &str) -> Result<String, AppError> {
    let owner: Option<String> = crate::db::query_scalar("SELECT owner_hash FROM device_links WHERE member_hash = ?").bind(own).fetch_optional(&mut *conn).await?;
    Ok(owner.unwrap_or_else(|| own.to_string()))
}

/// How long a transfer code lives.
pub const TRANSFER_CODE_S: i64 = 600;
/// Wrong codes allowed per address (and per phone) in `CODE_WINDOW_S`.
pub const WRONG_CODES: i64 = 5;
pub const CODE_WINDOW_S: i64 = 900;

/// A random code of `len` characters from the code alphabet.
pub fn new_code(len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    let a = app::model::privacy::CODE_ALPHABET;
    (0..len).map(|_| a[rng.gen_range(0..a.len())] as char).collect()
}

pub fn code_hash(code: &str) -> String {
    sha256_hex(format!("transfer code {code}").as_bytes())
}

/// Stores a new code for `device_hash` (the family's records): a transfer code replaces the
/// device's earlier unused ones; a recovery code replaces the earlier recovery code.
pub async fn store_code(conn: &mut crate::db::Conn, device_hash: &str, code: &str, mode: &str, now: i64, expires_at: Option<i64>) -> Result<(), AppError> {
    crate::db::query("DELETE FROM transfer_codes WHERE device_hash = ? AND (mode = ?2 OR (?2 <> 'recover' AND mode <> 'recover')) AND used_at IS NULL")
        .bind(device_hash)
        .bind(mode)
        .execute(&mut *conn)
        .await?;
    crate::db::query("INSERT INTO transfer_codes (code_hash, device_hash, mode, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
        .bind(code_hash(code))
        .bind(device_hash)
        .bind(mode)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether this address or phone entered too many wrong codes lately.
pub async fn too_many_wrong(conn: &mut crate::db::Conn, address_hash: &str, own: &str, now: i64) -> Result<bool, AppError> {
    let (by_address, by_device): (i64, i64) = crate::db::query_as(
        "SELECT (SELECT count(*) FROM code_attempts WHERE address_hash = ?1 AND at > ?3),
                (SELECT count(*) FROM code_attempts WHERE device_hash = ?2 AND at > ?3)",
    )
    .bind(address_hash)
    .bind(own)
    .bind(now - CODE_WINDOW_S)
    .fetch_one(&mut *conn)
    .await?;
    Ok(by_address >= WRONG_CODES || by_device >= WRONG_CODES)
}

/// A code entered on phone `own` (whose records are `household`): the family whose records
/// it moves or shares, and how — or `None` (wrong, used or expired: counted as wrong).
pub async fn use_code(conn: &mut crate::db::Conn, code: &str, now: i64) -> Result<Option<(String, String)>, AppError> {
    let hash = code_hash(code);
    let row: Option<(String, String)> = crate::db::query_as(
        "SELECT device_hash, mode FROM transfer_codes WHERE code_hash = ? AND used_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if row.is_some() {
        crate::db::query("UPDATE transfer_codes SET used_at = ? WHERE code_hash = ?").bind(now).bind(&hash).execute(&mut *conn).await?;
    }
    Ok(row)
}

pub async fn wrong_code(conn: &mut crate::db::Conn, address_hash: &str, own: &str, now: i64) -> Result<(), AppError> {
    crate::db::query("INSERT INTO code_attempts (address_hash, device_hash, at) VALUES (?, ?, ?)").bind(address_hash).bind(own).bind(now).execute(&mut *conn).await?;
    Ok(())
}

/// The tables whose rows belong to a family's device.
const FAMILY_TABLES: [&str; 5] = ["requests", "orders", "welfare_plans", "consents", "idempotency_keys"];

/// Moves every record of `from` to `to` (a takeover, or a phone that joins a family brings
/// its own records along). Saved places merge.
pub async fn move_records(conn: &mut crate::db::Conn, from: &str, to: &str) -> Result<(u32, u32), AppError> {
    if from == to {
        return Ok((0, 0));
    }
    let mut moved = [0u32; 2];
    for (i, table) in FAMILY_TABLES.iter().enumerate() {
        let sql = if *table == "idempotency_keys" {
            // a key sent by both phones stays with the phone that has it
            "UPDATE idempotency_keys SET device_hash = ?1
              WHERE device_hash = ?2 AND key NOT IN (SELECT key FROM idempotency_keys WHERE device_hash = ?1)"
                .to_string()
        } else {
            format!("UPDATE {table} SET device_hash = ?1 WHERE device_hash = ?2")
        };
        let n = crate::db::query(&sql).bind(to).bind(from).execute(&mut *conn).await?.rows_affected() as u32;
        if i < 2 {
            moved[i] = n;
        }
    }
    crate::db::query("INSERT INTO favorites (device_hash, place_id, created_at) SELECT ?1, place_id, created_at FROM favorites WHERE device_hash = ?2 ON CONFLICT DO NOTHING")
        .bind(to)
        .bind(from)
        .execute(&mut *conn)
        .await?;
    crate::db::query("DELETE FROM favorites WHERE device_hash = ?").bind(from).execute(&mut *conn).await?;
    crate::db::query("UPDATE access_log SET device_hash = ?1 WHERE device_hash = ?2").bind(to).bind(from).execute(&mut *conn).await?;
    crate::db::query("UPDATE transfer_codes SET device_hash = ?1 WHERE device_hash = ?2 AND mode = 'recover'").bind(to).bind(from).execute(&mut *conn).await?;
    crate::db::query("DELETE FROM transfer_codes WHERE device_hash = ?").bind(from).execute(&mut *conn).await?;
    // phones that shared with the old one now share with the new one
    crate::db::query("UPDATE device_links SET owner_hash = ?1 WHERE owner_hash = ?2").bind(to).bind(from).execute(&mut *conn).await?;
    crate::db::query("DELETE FROM device_links WHERE member_hash = owner_hash").execute(&mut *conn).await?;
    Ok((moved[0], moved[1]))
}

/// Phone `own` joins the family `owner`: its reads and writes become the family's.
pub async fn link(conn: &mut crate::db::Conn, own: &str, owner: &str, now: i64) -> Result<(), AppError> {
    crate::db::query("INSERT INTO devices (key_hash, created_at, last_seen_at) VALUES (?1, ?2, ?2) ON CONFLICT (key_hash) DO NOTHING")
        .bind(own)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    crate::db::query("INSERT INTO device_links (member_hash, owner_hash, created_at) VALUES (?, ?, ?)
                 ON CONFLICT (member_hash) DO UPDATE SET owner_hash = excluded.owner_hash, created_at = excluded.created_at")
        .bind(own)
        .bind(owner)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Ends sharing from this phone: a phone that joined leaves (the family's records stay with
/// the family); the family's own phone stops every phone that joined it.
pub async fn stop_sharing(conn: &mut crate::db::Conn, own: &str) -> Result<u32, AppError> {
    Ok(crate::db::query("DELETE FROM device_links WHERE member_hash = ?1 OR owner_hash = ?1").bind(own).execute(&mut *conn).await?.rows_affected() as u32)
}

/// Phones sharing the family's records besides this one, and whether a recovery code is set.
pub async fn sharing(conn: &mut crate::db::Conn, household: &str, own: &str) -> Result<(u32, bool), AppError> {
    let (n, recovery): (i64, bool) = crate::db::query_as(
        "SELECT (SELECT count(*) FROM (SELECT member_hash AS h FROM device_links WHERE owner_hash = ?1 UNION SELECT ?1) AS phones
                  WHERE h <> ?2 AND EXISTS (SELECT 1 FROM device_links WHERE owner_hash = ?1)),
                EXISTS (SELECT 1 FROM transfer_codes WHERE device_hash = ?1 AND mode = 'recover' AND used_at IS NULL)",
    )
    .bind(household)
    .bind(own)
    .fetch_one(&mut *conn)
    .await?;
    Ok((n as u32, recovery))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_migration_backfills_with_the_version_one_wordings() {
        let sql = include_str!("../../migrations/0014_personal_information.sql");
        for t in app::model::privacy::TEXTS.iter().filter(|t| t.version == 1) {
            assert!(sql.contains(t.text), "{:?} v1 differs from the migration's back-fill", t.purpose);
        }
    }
}

/// When a device was first and last seen.
pub async fn device_seen(conn: &mut crate::db::Conn, device_hash: &str) -> Result<Option<(i64, i64)>, AppError> {
    Ok(crate::db::query_as("SELECT created_at, last_seen_at FROM devices WHERE key_hash = ?").bind(device_hash).fetch_optional(&mut *conn).await?)
}

/// How many requests and orders a device's family holds.
pub async fn record_counts(conn: &mut crate::db::Conn, device_hash: &str) -> Result<(i64, i64), AppError> {
    Ok(crate::db::query_as("SELECT (SELECT count(*) FROM requests WHERE device_hash = ?1), (SELECT count(*) FROM orders WHERE device_hash = ?1)")
        .bind(device_hash)
        .fetch_one(&mut *conn)
        .await?)
}
