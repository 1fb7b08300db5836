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
    sqlx::raw_sql(
        "DELETE FROM users; DELETE FROM timeslots; DELETE FROM carers; DELETE FROM provider_timeslots; DELETE FROM provider_items;
         DELETE FROM provider_streets; DELETE FROM providers;",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    for _ in 0..2 {
        let pool = server::db::open_with_sample(&url).await.unwrap().write;
        let users: Vec<String> = sqlx::query_scalar("SELECT username FROM users ORDER BY username").fetch_all(&pool).await.unwrap();
        assert_eq!(
            users,
            ["admin-sample", "carer-wangzhuang", "op-feiqitu", "op-jiacheng", "op-libao", "op-tongxin", "op-xinwu-yanglao", "sup-xinwu"],
            "once each"
        );
        let (timeslots, providers): (i64, i64) =
            sqlx::query_as("SELECT (SELECT count(*) FROM timeslots), (SELECT count(*) FROM providers)").fetch_one(&pool).await.unwrap();
        assert!(timeslots > 900 && providers > 20, "{timeslots} {providers}");
        pool.close().await;
    }
}
