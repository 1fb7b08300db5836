//! Stored answers of writes (`idempotency_keys`) and the device row every write touches: the
//! SQL behind `http::write` (exactly-once writes).



/// A write's transaction.
pub type Tx = crate::db::Tx;

/// Opens a write's transaction. `BEGIN IMMEDIATE` takes SQLite's write lock first, so
/// concurrent requests with one key queue up instead of racing.
pub async fn begin(pool: &crate::db::Pool) -> sqlx::Result<Tx> {
    super::begin_write(pool).await
}

/// One device's writes one at a time (PostgreSQL; SQLite's writer is one already): the same
/// Idempotency-Key sent twice at once — to one server or two — waits for the first, then is
/// answered from what it stored; and the device's rate limit counts every write.
pub async fn lock_device(tx: &mut Tx, device_hash: &str) -> sqlx::Result<()> {
    super::engine::lock_key(tx, &format!("device:{device_hash}")).await
}

/// The device is known from its first write on, and seen at each.
pub async fn touch_device(tx: &mut crate::db::Conn, device_hash: &str, now: i64) -> sqlx::Result<()> {
    crate::db::query(
        "INSERT INTO devices (key_hash, created_at, last_seen_at) VALUES (?1, ?2, ?2)
         ON CONFLICT (key_hash) DO UPDATE SET last_seen_at = excluded.last_seen_at",
    )
    .bind(device_hash)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The answer stored for this device's key: (request hash, status, response JSON).
pub async fn stored(tx: &mut crate::db::Conn, device_hash: &str, key: &str) -> sqlx::Result<Option<(String, i64, String)>> {
    crate::db::query_as("SELECT request_hash, status, response FROM idempotency_keys WHERE device_hash = ? AND key = ?")
        .bind(device_hash)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await
}

/// Writes since `since` by this device and from this address (hashed).
pub async fn recent(tx: &mut crate::db::Conn, device_hash: &str, address_hash: &str, since: i64) -> sqlx::Result<(i64, i64)> {
    crate::db::query_as(
        "SELECT (SELECT count(*) FROM idempotency_keys WHERE device_hash = ?1 AND created_at > ?3),
                (SELECT count(*) FROM idempotency_keys WHERE address_hash = ?2 AND created_at > ?3)",
    )
    .bind(device_hash)
    .bind(address_hash)
    .bind(since)
    .fetch_one(&mut *tx)
    .await
}

/// One write's answer, stored with it: what `key` answers from now on.
pub struct Answer<'a> {
    pub device_hash: &'a str,
    pub key: &'a str,
    pub request_hash: &'a str,
    pub status: u16,
    pub response: String,
    pub now: i64,
    /// Counted against the address's rate only for anonymous devices.
    pub address_hash: Option<&'a str>,
}

pub async fn store(tx: &mut crate::db::Conn, a: Answer<'_>) -> sqlx::Result<()> {
    crate::db::query(
        "INSERT INTO idempotency_keys (device_hash, key, request_hash, status, response, created_at, address_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(a.device_hash)
    .bind(a.key)
    .bind(a.request_hash)
    .bind(a.status as i64)
    .bind(a.response)
    .bind(a.now)
    .bind(a.address_hash)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
