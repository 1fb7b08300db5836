//! A device's saved places (收藏).

use crate::http::error::AppError;
use app::model::Favorite;

/// The device's saved places, newest first.
pub(crate) async fn of_device(pool: &crate::db::Pool, device_hash: &str) -> Result<Vec<Favorite>, AppError> {
    of_device_conn(&mut *pool.acquire().await?, device_hash).await
}

pub(crate) async fn of_device_conn(conn: &mut crate::db::Conn, device_hash: &str) -> Result<Vec<Favorite>, AppError> {
    let rows: Vec<(i64, String, i64)> = crate::db::query_as(
        "SELECT f.place_id, p.name, f.created_at FROM favorites f JOIN places p ON p.id = f.place_id
         WHERE f.device_hash = ? ORDER BY f.created_at DESC, f.place_id",
    )
    .bind(device_hash)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|(place_id, name, at)| Favorite { place_id, name, created_at: crate::db::places::ts(at) }).collect())
}

/// A place's name (`None`: no such place).
pub(crate) async fn place_name(conn: &mut crate::db::Conn, place_id: i64) -> Result<Option<String>, AppError> {
    Ok(crate::db::query_scalar("SELECT name FROM places WHERE id = ? AND closed_at IS NULL").bind(place_id).fetch_optional(&mut *conn).await?)
}

/// Saves a place for the device (kept as it was if already saved): when it was saved, and
/// whether it is new.
pub(crate) async fn save(conn: &mut crate::db::Conn, device_hash: &str, place_id: i64, now: i64) -> Result<(i64, bool), AppError> {
    let inserted = crate::db::query("INSERT INTO favorites (device_hash, place_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
        .bind(device_hash)
        .bind(place_id)
        .bind(now)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let created_at: i64 = crate::db::query_scalar("SELECT created_at FROM favorites WHERE device_hash = ? AND place_id = ?")
        .bind(device_hash)
        .bind(place_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((created_at, inserted == 1))
}

/// Un-saves a place; whether it was saved.
pub(crate) async fn remove(conn: &mut crate::db::Conn, device_hash: &str, place_id: i64) -> Result<bool, AppError> {
    let n = crate::db::query("DELETE FROM favorites WHERE device_hash = ? AND place_id = ?")
        .bind(device_hash)
        .bind(place_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(n > 0)
}
