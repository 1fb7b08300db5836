//! The SQL behind `http::access` (who may read what) and `http::audit` (the audit trail) —
//! the decisions stay there; these only read and write rows.


/// Whether an organisation has a place, a provider, or a provider's service 街道 in a district.
pub async fn org_in_district(conn: &mut crate::db::Conn, org: i64, district: &str) -> sqlx::Result<bool> {
    crate::db::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM places WHERE organisation_id = ?1 AND district_id = ?2)
             OR EXISTS (SELECT 1 FROM providers WHERE organisation_id = ?1 AND district_id = ?2)
             OR EXISTS (SELECT 1 FROM provider_streets ps JOIN providers p ON p.id = ps.provider_id
                          JOIN areas a ON a.id = ps.street_id WHERE p.organisation_id = ?1 AND a.parent_id = ?2)",
    )
    .bind(org)
    .bind(district)
    .fetch_one(&mut *conn)
    .await
}

/// The (kind, id) of the records `user_id` already has a `what` row for on `day`.
pub async fn logged_today(read: &crate::db::Pool, user_id: i64, what: &str, day: &str) -> sqlx::Result<Vec<(String, String)>> {
    crate::db::query_as("SELECT coalesce(subject_kind, ''), coalesce(subject_id, '') FROM access_log WHERE user_id = ? AND what = ? AND day = ?")
        .bind(user_id)
        .bind(what)
        .bind(day)
        .fetch_all(&mut *read.acquire().await?)
        .await
}

/// "organisation · account" as the log names a reader.
pub async fn reader_name(tx: &mut crate::db::Conn, organisation_id: Option<i64>, display_name: &str) -> sqlx::Result<String> {
    crate::db::query_scalar("SELECT coalesce((SELECT name || ' · ' FROM organisations WHERE id = ?), '') || ?")
        .bind(organisation_id)
        .bind(display_name)
        .fetch_one(&mut *tx)
        .await
}

/// One row of the access log (`ON CONFLICT DO NOTHING`: a list read is one row per account,
/// record and day).
pub struct AccessRow<'a> {
    pub at: i64,
    pub day: &'a str,
    pub user_id: i64,
    pub who: &'a str,
    pub what: &'a str,
    pub subject_kind: &'a str,
    pub subject_id: &'a str,
    pub device_hash: Option<&'a str>,
    pub why: &'a str,
}

pub async fn log_access(tx: &mut crate::db::Conn, r: AccessRow<'_>) -> sqlx::Result<()> {
    crate::db::query(
        "INSERT INTO access_log (at, day, user_id, who, what, subject_kind, subject_id, device_hash, why)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(r.at)
    .bind(r.day)
    .bind(r.user_id)
    .bind(r.who)
    .bind(r.what)
    .bind(r.subject_kind)
    .bind(r.subject_id)
    .bind(r.device_hash)
    .bind(r.why)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// One row of the audit trail.
pub struct AuditRow<'a> {
    pub user_id: Option<i64>,
    pub tool: Option<&'a str>,
    pub organisation_id: Option<i64>,
    pub place_id: Option<i64>,
    pub class_id: Option<i64>,
    pub action: &'a str,
    pub detail: String,
    pub at: i64,
}

pub async fn audit(tx: &mut crate::db::Conn, r: AuditRow<'_>) -> sqlx::Result<()> {
    crate::db::query(
        "INSERT INTO audit_log (user_id, actor, organisation_id, place_id, class_id, action, detail, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.user_id)
    .bind(r.tool)
    .bind(r.organisation_id)
    .bind(r.place_id)
    .bind(r.class_id)
    .bind(r.action)
    .bind(r.detail)
    .bind(r.at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What `/readyz` says of the database once both pools answered.
#[derive(Debug, serde::Serialize)]
pub struct Ready {
    /// `sqlite` (the embedded engine) or `postgresql`.
    pub engine: &'static str,
    /// The newest migration applied.
    pub schema_version: i64,
    /// Readers: open connections and how many of them are idle.
    pub readers: Pool,
    pub writer: Pool,
    /// How long the two answers took.
    pub answered_ms: u64,
}

#[derive(Debug, serde::Serialize)]
pub struct Pool {
    pub open: u32,
    pub idle: usize,
}

/// Both pools answer (`/readyz`): a reader reads the schema version, the writer runs a query
/// (each waits at most `db::ACQUIRE_TIMEOUT`).
pub async fn ping(read: &crate::db::Pool, write: &crate::db::Pool) -> sqlx::Result<Ready> {
    let t = std::time::Instant::now();
    let schema_version: i64 = crate::db::query_scalar("SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success").fetch_one(&mut *read.acquire().await?).await?;
    crate::db::query("SELECT 1").execute(&mut *write.acquire().await?).await?;
    let pool = |p: &crate::db::Pool| Pool { open: p.size(), idle: p.num_idle() };
    Ok(Ready { engine: read.engine().name(), schema_version, readers: pool(read), writer: pool(write), answered_ms: t.elapsed().as_millis() as u64 })
}
