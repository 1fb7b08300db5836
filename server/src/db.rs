//! The SQLite pool: created if missing, WAL, foreign keys on, migrated on open.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::str::FromStr;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/yilao.db";

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Opens (creating the file and its folder if needed) and migrates the database.
pub async fn open(url: &str) -> anyhow::Result<SqlitePool> {
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let path = opts.get_filename();
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(opts).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// Opens the database and loads the sample data if it holds no places yet.
pub async fn open_with_sample(url: &str) -> anyhow::Result<SqlitePool> {
    let pool = open(url).await?;
    if crate::repo::place_count(&pool).await? == 0 {
        let n = crate::sample::load(&pool).await?;
        tracing::info!(places = n, "loaded sample data (示例) into an empty database");
    } else {
        crate::sample::ensure_accounts(&pool).await?;
        crate::sample::ensure_timeslots(&pool).await?;
        crate::sample::ensure_providers(&pool).await?;
        crate::sample::ensure_carer_accounts(&pool).await?;
    }
    Ok(pool)
}
