//! Upgrading a database made before vacancies were kept per class × care mode
//! (migrations 0001–0003) keeps every class, its id, version and change number, and
//! the change triggers still work on the rebuilt table.

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;
use std::str::FromStr;

#[tokio::test]
async fn migration_0004_keeps_classes_and_their_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old-migrations");
    std::fs::create_dir(&old).unwrap();
    for f in ["0001_places.sql", "0002_devices_sync.sql", "0003_accounts.sql"] {
        std::fs::copy(format!("{}/migrations/{f}", env!("CARGO_MANIFEST_DIR")), old.join(f)).unwrap();
    }
    let url = format!("sqlite://{}", dir.path().join("up.db").display());
    let opts = SqliteConnectOptions::from_str(&url).unwrap().create_if_missing(true).foreign_keys(true);
    let pool = SqlitePool::connect_with(opts).await.unwrap();
    sqlx::migrate::Migrator::new(old.as_path()).await.unwrap().run(&pool).await.unwrap();

    sqlx::raw_sql(
        "INSERT INTO areas (id, parent_id, level, city, name, lat, lng) VALUES ('d', NULL, 'district', '无锡', '新吴区', 31.5, 120.3);
         INSERT INTO areas (id, parent_id, level, city, name, lat, lng) VALUES ('s', 'd', 'street', '无锡', '旺庄街道', 31.5, 120.3);
         INSERT INTO organisations (id, name, uscc, beian_status, created_at, updated_at) VALUES (1, '示例', '91350100M000100Y43', 'pending', 0, 0);
         INSERT INTO places (id, organisation_id, name, provider_type, district_id, street_id, address, lat, lng, opening_hours, phone, created_at, updated_at)
             VALUES (1, 1, '半日托的地方', 'early_education', 'd', 's', '示例地址', 31.5, 120.3, '周一至周五', '0510-82345678', 0, 0),
                    (2, 1, '全日托的地方', 'pure_childcare', 'd', 's', '示例地址', 31.5, 120.3, '周一至周五', '0510-82345678', 0, 0);
         INSERT INTO place_care_modes (place_id, care_mode, fee_yuan, unit) VALUES (1, 'hourly', 60, 'hour'), (1, 'half_day', 1800, 'month'),
             (2, 'full_day', 3000, 'month'), (2, 'half_day', 1800, 'month');
         INSERT INTO classes (id, place_id, age_band, capacity, enrolled, puhui_slots, vacancies, confirmed_at, updated_at)
             VALUES (7, 1, 'toddler', 10, 8, 0, 2, 100, 100), (8, 2, 'preschool', 20, 20, 0, 0, 100, 100);
         UPDATE classes SET version = 4 WHERE id = 7;",
    )
    .execute(&pool)
    .await
    .unwrap();
    let before: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT id, change_seq, version FROM classes ORDER BY id").fetch_all(&pool).await.unwrap();

    server::db::MIGRATOR.run(&pool).await.unwrap();

    let after: Vec<(i64, String, i64, i64, i64)> =
        sqlx::query_as("SELECT id, care_mode, change_seq, version, vacancies FROM classes ORDER BY id").fetch_all(&pool).await.unwrap();
    // each class takes its place's first care mode: 全日托 before 半日托 before 计时托
    assert_eq!(after[0].0, 7);
    assert_eq!(after[0].1, "half_day");
    assert_eq!(after[1].1, "full_day");
    assert_eq!(after.iter().map(|a| (a.0, a.2, a.3)).collect::<Vec<_>>(), before);
    assert_eq!(after[0].4, 2);

    // a second class of the same band in another mode is now allowed; the same mode is not
    sqlx::query("INSERT INTO classes (place_id, age_band, care_mode, capacity, enrolled, vacancies, confirmed_at, updated_at) VALUES (1, 'toddler', 'hourly', 4, 0, 4, 0, 0)")
        .execute(&pool)
        .await
        .unwrap();
    assert!(sqlx::query("INSERT INTO classes (place_id, age_band, care_mode, capacity, enrolled, vacancies, confirmed_at, updated_at) VALUES (1, 'toddler', 'hourly', 4, 0, 4, 0, 0)")
        .execute(&pool)
        .await
        .is_err());

    // the triggers came back: an update takes a new change number and moves its place
    let place_seq: i64 = sqlx::query_scalar("SELECT change_seq FROM places WHERE id = 1").fetch_one(&pool).await.unwrap();
    sqlx::query("UPDATE classes SET vacancies = 1 WHERE id = 7").execute(&pool).await.unwrap();
    let (seq, new_place_seq): (i64, i64) =
        sqlx::query_as("SELECT c.change_seq, p.change_seq FROM classes c JOIN places p ON p.id = c.place_id WHERE c.id = 7")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(seq > before[0].1 && new_place_seq > place_seq);
    sqlx::query("DELETE FROM classes WHERE id = 8").execute(&pool).await.unwrap();
    let tomb: i64 = sqlx::query_scalar("SELECT count(*) FROM tombstones WHERE entity = 'class' AND entity_id = '8'").fetch_one(&pool).await.unwrap();
    assert_eq!(tomb, 1);
    // the checks still hold: enrolled never above capacity
    assert!(sqlx::query("UPDATE classes SET enrolled = 11 WHERE id = 7").execute(&pool).await.is_err());
}

/// A sample database made before accounts, timeslots and providers existed gets them on the
/// next start (once: starting again adds nothing).
#[tokio::test]
async fn an_older_sample_database_gets_the_sample_accounts_timeslots_and_providers() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let pool = server::db::open_with_sample(&url).await.unwrap().write;
    // as a session-1 database was: places, but no accounts, timeslots or providers
    server::db::engine::raw_sql(
        "DELETE FROM users; DELETE FROM timeslots; DELETE FROM carers; DELETE FROM provider_timeslots; DELETE FROM provider_items;
         DELETE FROM provider_streets; DELETE FROM providers;",
    )
    .execute(&mut *pool.acquire().await.unwrap())
    .await
    .unwrap();
    pool.close().await;
    for _ in 0..2 {
        let pool = server::db::open_with_sample(&url).await.unwrap().write;
        let users: Vec<String> = server::db::query_scalar("SELECT username FROM users ORDER BY username").fetch_all(&mut *pool.acquire().await.unwrap()).await.unwrap();
        assert_eq!(
            users,
            ["admin-sample", "carer-wangzhuang", "op-feiqitu", "op-jiacheng", "op-libao", "op-tongxin", "op-xinwu-yanglao", "sup-xinwu"],
            "once each"
        );
        let (timeslots, providers): (i64, i64) =
            server::db::query_as("SELECT (SELECT count(*) FROM timeslots), (SELECT count(*) FROM providers)").fetch_one(&mut *pool.acquire().await.unwrap()).await.unwrap();
        assert!(timeslots > 900 && providers > 20, "{timeslots} {providers}");
        pool.close().await;
    }
}

/// The PostgreSQL schema (`server/migrations_pg`, issue 17) keeps step with SQLite's: every table
/// and column the SQLite migrations make, in the same order, and nothing more but the places'
/// PostGIS position. A new SQLite migration without its PostgreSQL counterpart fails here.
/// Runs on the throwaway cluster the test command starts (`TEST_PG_URL`); the test command also
/// sets `TEST_PG_REQUIRED`, so there it cannot be skipped.
#[tokio::test]
async fn the_postgresql_schema_has_every_table_and_column_of_sqlites() {
    use std::collections::BTreeMap;
    let Ok(url) = std::env::var("TEST_PG_URL") else {
        assert!(std::env::var("TEST_PG_REQUIRED").is_err(), "TEST_PG_URL must name a PostgreSQL cluster (scripts/pg-cluster.sh)");
        eprintln!("skipped: no TEST_PG_URL (scripts/test.sh starts a throwaway cluster)");
        return;
    };
    // SQLite, migrated as the server migrates it
    let dir = tempfile::tempdir().unwrap();
    let sqlite = server::db::open(&format!("sqlite://{}", dir.path().join("schema.db").display())).await.unwrap();
    let tables: Vec<String> = server::db::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetch_all(&mut *sqlite.acquire().await.unwrap()).await.unwrap();
    let mut lite: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // SQLite's own tables, the migrator's, and the R*Tree (PostGIS's geography replaces it)
    for t in tables.into_iter().filter(|t| !t.starts_with("sqlite_") && !t.starts_with("_sqlx") && !t.starts_with("place_geo")) {
        let cols: Vec<String> = server::db::query_scalar("SELECT name FROM pragma_table_info(?) ORDER BY cid").bind(&t).fetch_all(&mut *sqlite.acquire().await.unwrap()).await.unwrap();
        lite.insert(t, cols);
    }
    assert!(lite.len() > 30, "{lite:?}");

    // PostgreSQL: a fresh database of the cluster
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    let name = format!("schema_{}_{}", std::process::id(), std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    let pg = sqlx::PgPool::connect(&format!("{base}/{name}")).await.unwrap();
    sqlx::migrate!("./migrations_pg").run(&pg).await.unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
          WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name NOT IN ('spatial_ref_sys', '_sqlx_migrations')
          ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&pg)
    .await
    .unwrap();
    let mut post: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (t, c) in rows {
        post.entry(t).or_default().push(c);
    }
    // the one addition: the place's position as a geography, under a GiST index
    let places = post.get_mut("places").unwrap();
    let before = places.len();
    places.retain(|c| c != "geog");
    assert_eq!(places.len(), before - 1, "places.geog");
    let gist: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE tablename = 'places' AND indexdef ILIKE '%USING gist (geog)%')")
        .fetch_one(&pg)
        .await
        .unwrap();
    assert!(gist, "a GiST index on places.geog");
    // SQLite's hidden rowid, explicit where the code orders by it (0004_insertion_order.sql)
    for t in ["requests", "orders"] {
        let cols = post.get_mut(t).unwrap();
        assert_eq!(cols.pop().as_deref(), Some("rowid"), "{t}.rowid");
    }
    for (t, cols) in &lite {
        assert_eq!(post.get(t), Some(cols), "table {t}: SQLite has {cols:?}, PostgreSQL {:?}", post.get(t));
    }
    assert_eq!(post.len(), lite.len(), "tables only PostgreSQL has: {:?}", post.keys().filter(|k| !lite.contains_key(*k)).collect::<Vec<_>>());
    pg.close().await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)")).execute(&admin).await.unwrap();
}
