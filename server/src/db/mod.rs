//! The database, SQLite or PostgreSQL by `DATABASE_URL` (`engine.rs`), migrated on open.
//!
//! SQLite (created if missing, WAL, foreign keys on): the server reads through a pool of
//! readers and writes through a pool of exactly one writer. In WAL mode readers never wait
//! for the writer, so a burst of writes (tablets tapping, phones booking) queues for the one
//! writer without taking a connection a reader needs; readers are `query_only`, so a write on
//! the wrong pool fails loudly in the tests. PostgreSQL: one pool of `PG_CONNECTIONS` serves
//! both, and writes lock what they depend on (ARCHITECTURE.md). A request that cannot get a
//! connection within `ACQUIRE_TIMEOUT` is answered 503 with `Retry-After` (see `error.rs`)
//! instead of waiting for a client timeout.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

pub mod engine;
pub use engine::{query, query_as, query_scalar, Conn, Engine, Held, Pool, Sql, Tx};
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/yilao.db";

pub mod access;
pub mod accounts;
pub mod carers;
pub mod classes;
pub mod favorites;
pub mod idempotency;
pub mod imports;
pub mod open_data;
pub mod orders;
pub mod places;
pub mod population;
pub mod privacy;
pub mod provider_imports;
pub mod provider_service;
pub mod requests;
pub mod services;
pub mod sessions;
pub mod supervise;
pub mod targets;
pub mod welfare;
pub mod sample;

/// A transaction that writes ([`Pool::begin_write`]).
pub async fn begin_write(pool: &Pool) -> sqlx::Result<Tx> {
    pool.begin_write().await
}

/// Runs a scheduled job on one server at a time when several share a PostgreSQL database: the
/// job runs while a transaction holds `pg_try_advisory_xact_lock(job)`; a server that finds
/// the lock taken skips this round (`Ok(None)`). On SQLite one process owns the file, and
/// the job simply runs. The jobs are idempotent besides (a week's visit is unique per plan).
pub async fn once_across_servers<T, F, Fut>(pool: &Pool, job: &str, run: F) -> Result<Option<T>, crate::http::error::AppError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::http::error::AppError>>,
{
    if pool.engine() == Engine::Sqlite {
        return run().await.map(Some);
    }
    let mut guard = pool.begin().await?;
    if !engine::try_lock_job(&mut guard, job).await? {
        guard.rollback().await?;
        return Ok(None);
    }
    let out = run().await;
    // nothing was written through the guard: ending it releases the lock
    guard.rollback().await?;
    out.map(Some)
}

/// A stored code the Rust enum does not know (a row written by a newer version, or by hand):
/// a server fault, logged with what and which value.
pub(crate) fn unknown(what: &str, value: &str) -> crate::http::error::AppError {
    crate::http::error::AppError::Internal(anyhow::anyhow!("unknown {what} in the database: {value}"))
}

/// A set of status codes as an SQL list (`'submitted', 'confirmed'`), built from the Rust
/// constant that defines the set, so SQL and Rust cannot disagree about it. The codes are
/// fixed identifiers, never user input.
fn sql_list(codes: impl IntoIterator<Item = &'static str>) -> String {
    codes.into_iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ")
}

/// `OrderStatus::HOLDING_TIMESLOT` in SQL.
pub static ORDERS_HOLDING_TIMESLOT: LazyLock<String> =
    LazyLock::new(|| sql_list(app::model::orders::OrderStatus::HOLDING_TIMESLOT.map(|s| s.code())));
/// `OrderStatus::ON_CARERS_LIST` in SQL.
pub static ORDERS_ON_CARERS_LIST: LazyLock<String> =
    LazyLock::new(|| sql_list(app::model::orders::OrderStatus::ON_CARERS_LIST.map(|s| s.code())));
/// `RequestStatus::HOLDING_TIMESLOT` in SQL.
pub static REQUESTS_HOLDING_TIMESLOT: LazyLock<String> =
    LazyLock::new(|| sql_list(app::model::RequestStatus::HOLDING_TIMESLOT.map(|s| s.code())));
/// `RequestStatus::CLOSED` in SQL.
/// Requests still in play (`RequestStatus::is_open`) in SQL.
pub static REQUESTS_OPEN: LazyLock<String> =
    LazyLock::new(|| sql_list(app::model::RequestStatus::ALL.iter().filter(|s| s.is_open()).map(|s| s.code())));

pub static REQUESTS_CLOSED: LazyLock<String> = LazyLock::new(|| sql_list(app::model::RequestStatus::CLOSED.map(|s| s.code())));
/// `OrderStatus::CLOSED` in SQL.
pub static ORDERS_CLOSED: LazyLock<String> = LazyLock::new(|| sql_list(app::model::orders::OrderStatus::CLOSED.map(|s| s.code())));
/// `RequestStatus::OPEN_APPLICATION` in SQL.
pub static OPEN_APPLICATIONS: LazyLock<String> =
    LazyLock::new(|| sql_list(app::model::RequestStatus::OPEN_APPLICATION.map(|s| s.code())));

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a request waits for a connection before it is told to come back (503).
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// Readers: SQLite reads are CPU-bound; more than a few per core only queue in the OS.
pub const READERS: u32 = 8;

/// The server's two pools.
#[derive(Clone, Debug)]
pub struct Db {
    pub read: Pool,
    pub write: Pool,
}

/// Which engine a `DATABASE_URL` names, or why it cannot be served — said before anything is
/// created: SQLite (`sqlite://PATH`, `sqlite:PATH`, `sqlite::memory:`, the embedded default)
/// or PostgreSQL (`postgres://…`, `postgresql://…`); any other scheme, or none, is refused
/// with what to write. (A PostgreSQL URL used to be taken as a file path and served a new,
/// empty database from a folder named `postgres:`.) A password in the URL is never echoed.
pub fn check_url(url: &str) -> anyhow::Result<Engine> {
    let url = url.trim();
    if url.is_empty() {
        anyhow::bail!("DATABASE_URL is empty: use sqlite://data/yilao.db (the default), another sqlite://PATH, or postgres://USER@HOST/DB");
    }
    let lower = url.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("sqlite:") {
        let path = rest.trim_start_matches("//");
        if path.split('?').next().unwrap_or_default().is_empty() {
            anyhow::bail!("DATABASE_URL={url} names no file: use sqlite://PATH, e.g. sqlite://data/yilao.db");
        }
        return Ok(Engine::Sqlite);
    }
    if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
        if let Err(e) = sqlx::postgres::PgConnectOptions::from_str(url) {
            let shown = redact(url);
            anyhow::bail!("DATABASE_URL={shown} is not a PostgreSQL URL sqlx can read ({}): write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE", redact(&e.to_string()));
        }
        return Ok(Engine::Postgres);
    }
    match lower.split_once("://") {
        Some((scheme, _)) if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.') => {
            anyhow::bail!("DATABASE_URL scheme `{scheme}` is not supported: use sqlite://PATH (the default is sqlite://data/yilao.db) or postgres://USER@HOST/DB")
        }
        _ => anyhow::bail!("DATABASE_URL is not a database URL: use sqlite://PATH (for a file at {url}: sqlite://{url}) or postgres://USER@HOST/DB"),
    }
}

/// A URL (or a message quoting one) without its password.
fn redact(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail.find(['/', ' ', '?']).unwrap_or(tail.len());
        let auth = &tail[..end];
        match (auth.rfind('@'), auth.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&auth[..colon]);
                out.push_str(":***");
                out.push_str(&auth[at..]);
            }
            _ => out.push_str(auth),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn options(url: &str) -> anyhow::Result<SqliteConnectOptions> {
    Ok(SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // The CLI tools' pool; the server's writer syncs every commit (below).
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10)))
}

fn ensure_folder(opts: &SqliteConnectOptions) -> anyhow::Result<()> {
    if let Some(dir) = opts.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    Ok(())
}

/// The PostgreSQL schema (`server/migrations_pg`, PostGIS): the same tables and columns as
/// SQLite's migrations reach (checked by the tests).
pub static MIGRATOR_PG: sqlx::migrate::Migrator = sqlx::migrate!("./migrations_pg");

/// Connections per server process on PostgreSQL (`PG_CONNECTIONS`, default 16): N servers
/// take N × this of the database's `max_connections`.
fn pg_connections() -> anyhow::Result<u32> {
    match std::env::var("PG_CONNECTIONS") {
        Err(_) => Ok(16),
        Ok(v) => match v.trim().parse::<u32>() {
            Ok(n) if (1..=1000).contains(&n) => Ok(n),
            _ => anyhow::bail!("PG_CONNECTIONS={v}: a number of connections from 1 to 1000"),
        },
    }
}

async fn open_pg(url: &str, connections: u32) -> anyhow::Result<Pool> {
    let opts = sqlx::postgres::PgConnectOptions::from_str(url)?.application_name("yilao-server");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(opts)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to {}: {}", redact(url), redact(&e.to_string())))?;
    // several servers may start together: the migrator takes PostgreSQL's advisory lock
    MIGRATOR_PG.run(&pool).await?;
    Ok(Pool::Pg(pool))
}

/// One pool, migrated: for the command-line tools (seed, import, create-admin …).
pub async fn open(url: &str) -> anyhow::Result<Pool> {
    let pool = match check_url(url)? {
        Engine::Postgres => open_pg(url, 4).await?,
        Engine::Sqlite => {
            let opts = options(url)?;
            ensure_folder(&opts)?;
            let pool = SqlitePoolOptions::new().max_connections(4).acquire_timeout(ACQUIRE_TIMEOUT).connect_with(opts).await?;
            MIGRATOR.run(&pool).await?;
            Pool::Lite(pool)
        }
    };
    ensure_areas(&pool).await?;
    targets::ensure_targets(&pool).await?;
    Ok(pool)
}

/// The districts and 街道 the app knows (`db/sample/areas.json`: real names, approximate
/// centres) are reference data, not sample: every database has them, so a registry file's
/// 所在区 / 街道 can be matched on a fresh one. Areas already there are left as they are.
pub async fn ensure_areas(pool: &Pool) -> anyhow::Result<()> {
    let mut tx = pool.begin_write().await?;
    for a in sample::areas() {
        places::insert_area(&mut tx, &a).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The writer's `synchronous`: FULL unless `SQLITE_SYNCHRONOUS=normal` (for measuring its cost).
fn writer_sync() -> anyhow::Result<SqliteSynchronous> {
    match std::env::var("SQLITE_SYNCHRONOUS").as_deref().map(str::to_ascii_lowercase).as_deref() {
        Err(_) | Ok("full") => Ok(SqliteSynchronous::Full),
        Ok("normal") => Ok(SqliteSynchronous::Normal),
        Ok(other) => anyhow::bail!("SQLITE_SYNCHRONOUS={other}: use full (default) or normal"),
    }
}

/// The server's readers and writer, migrated. On PostgreSQL both are one pool: its writers
/// do not queue behind one connection.
pub async fn open_db(url: &str) -> anyhow::Result<Db> {
    if check_url(url)? == Engine::Postgres {
        let pool = open_pg(url, pg_connections()?).await?;
        ensure_areas(&pool).await?;
        targets::ensure_targets(&pool).await?;
        return Ok(Db { read: pool.clone(), write: pool });
    }
    let opts = options(url)?;
    ensure_folder(&opts)?;
    // FULL: the WAL is synced before a commit returns, so a write the server acknowledged
    // (and the phone then dropped from its outbox) survives a power loss. Its cost is
    // measured by scripts/load-test.sh (ARCHITECTURE.md, Durability).
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(opts.clone().synchronous(writer_sync()?))
        .await?;
    MIGRATOR.run(&write).await?;
    let write = Pool::Lite(write);
    ensure_areas(&write).await?;
    targets::ensure_targets(&write).await?;
    let read = SqlitePoolOptions::new()
        .max_connections(READERS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(opts.create_if_missing(false).pragma("query_only", "ON"))
        .await?;
    Ok(Db { read: Pool::Lite(read), write })
}

/// Loads the sample data (示例) into an empty database, or brings an older sample database's
/// accounts, timeslots and providers up to date.
pub async fn load_sample(pool: &crate::db::Pool) -> anyhow::Result<()> {
    // several servers starting together on one PostgreSQL database: one loads, the others
    // wait for it and then find the data there
    let guard = match pool.engine() {
        Engine::Postgres => {
            let mut g = pool.begin().await?;
            engine::lock_key(&mut g, "sample-data").await?;
            Some(g)
        }
        Engine::Sqlite => None,
    };
    load_sample_now(pool).await?;
    if let Some(g) = guard {
        g.rollback().await?;
    }
    Ok(())
}

async fn load_sample_now(pool: &crate::db::Pool) -> anyhow::Result<()> {
    if crate::db::places::place_count(pool).await? == 0 {
        let n = crate::db::sample::load(pool).await?;
        tracing::info!(places = n, "loaded sample data (示例) into an empty database");
    } else {
        crate::db::sample::ensure_accounts(pool).await?;
        crate::db::sample::ensure_timeslots(pool).await?;
        crate::db::sample::ensure_providers(pool).await?;
        crate::db::sample::ensure_carer_accounts(pool).await?;
        crate::db::sample::ensure_population(pool).await?;
    }
    Ok(())
}

/// Opens the database with the sample data (`serve --sample`, the tests).
pub async fn open_with_sample(url: &str) -> anyhow::Result<Db> {
    let db = open_db(url).await?;
    load_sample(&db.write).await?;
    Ok(db)
}

#[cfg(test)]
mod tests {
    use super::check_url;

    #[test]
    fn database_urls_are_checked_before_anything_is_created() {
        for ok in ["sqlite://data/yilao.db", "sqlite:data/yilao.db?mode=rwc", "sqlite:///tmp/x.db", "SQLITE://a.db", "sqlite::memory:"] {
            assert_eq!(check_url(ok).unwrap(), super::Engine::Sqlite, "{ok}");
        }
        for ok in ["postgres://yilao:s3cret@db.internal:5432/yilao", "postgresql://localhost/yilao", "postgres://yilao@127.0.0.1:5433/yilao?sslmode=disable"] {
            assert_eq!(check_url(ok).unwrap(), super::Engine::Postgres, "{ok}");
        }
        let refused = |url: &str| check_url(url).unwrap_err().to_string();
        let bad = refused("postgres://yilao:s3cret@db.internal:notaport/yilao");
        assert!(bad.contains("postgres://USER") && !bad.contains("s3cret"), "{bad}");
        assert!(refused("mysql://localhost/yilao").contains("scheme `mysql`"));
        assert!(refused("data/yilao.db").contains("sqlite://data/yilao.db"));
        assert!(refused("").contains("empty"));
        assert!(refused("sqlite://").contains("names no file"));
    }

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(super::redact("postgres://yilao:s3cret@db:5432/yilao"), "postgres://yilao:***@db:5432/yilao");
        assert_eq!(super::redact("cannot reach postgres://a:b@h/x or postgres://c@h/y"), "cannot reach postgres://a:***@h/x or postgres://c@h/y");
        assert_eq!(super::redact("sqlite://data/yilao.db"), "sqlite://data/yilao.db");
    }

    #[tokio::test]
    async fn a_postgres_url_creates_no_folder() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("postgres://{}/yilao", dir.path().join("pg").display());
        assert!(super::open(&url).await.is_err());
        assert!(super::open_db(&url).await.is_err());
        assert!(!dir.path().join("pg").exists() && !std::path::Path::new("postgres:").exists());
    }
}
