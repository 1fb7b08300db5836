//! Offline machinery on the server: idempotent writes, device keys, favorites,
//! area snapshots and the changes feed. Real server, random port, temp database.


use crate::helpers::start;
use app::net::client::{Outgoing, WriteAnswer};
use serde_json::{json, Value};

const DEVICE: &str = "device-key-0123456789abcdef";
const OTHER_DEVICE: &str = "device-key-fedcba9876543210";

async fn post_fav(s: &crate::helpers::TestServer, device: &str, key: &str, body: &Value) -> (u16, Value, bool) {
    let res = s
        .http
        .post(format!("{}/api/v1/favorites", s.base))
        .header("X-Device-Key", device)
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .body(match body {
            Value::String(raw) => raw.clone(),
            v => v.to_string(),
        })
        .send()
        .await
        .unwrap();
    let replayed = res.headers().get("idempotent-replayed").is_some();
    (res.status().as_u16(), res.json().await.unwrap(), replayed)
}

async fn favorite_rows(s: &crate::helpers::TestServer) -> i64 {
    server::db::query_scalar("SELECT count(*) FROM favorites").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap()
}

async fn some_place(s: &crate::helpers::TestServer, n: i64) -> i64 {
    server::db::query_scalar("SELECT id FROM places ORDER BY id LIMIT 1 OFFSET ?").bind(n).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap()
}

#[tokio::test]
async fn the_same_key_twice_makes_one_row_and_the_same_answer() {
    let s = start().await;
    let pid = some_place(&s, 0).await;
    let body = json!({ "place_id": pid });
    let (st1, v1, replayed1) = post_fav(&s, DEVICE, "key-aaaaaaaa-1", &body).await;
    let (st2, v2, replayed2) = post_fav(&s, DEVICE, "key-aaaaaaaa-1", &body).await;
    assert!(!replayed1 && replayed2);
    assert_eq!((st1, st2), (201, 201));
    assert_eq!(v1, v2);
    assert_eq!(v1["place_id"], pid);
    assert_eq!(favorite_rows(&s).await, 1);
    let keys: i64 = server::db::query_scalar("SELECT count(*) FROM idempotency_keys").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(keys, 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_409_and_writes_nothing() {
    let s = start().await;
    let (a, b) = (some_place(&s, 0).await, some_place(&s, 1).await);
    let (st, _, _) = post_fav(&s, DEVICE, "key-bbbbbbbb-1", &json!({ "place_id": a })).await;
    assert_eq!(st, 201);
    let (st, v, _) = post_fav(&s, DEVICE, "key-bbbbbbbb-1", &json!({ "place_id": b })).await;
    assert_eq!(st, 409);
    assert_eq!(v["error"], "conflict");
    assert!(v["message"].as_str().unwrap().contains("请求编号"));
    assert_eq!(favorite_rows(&s).await, 1);
    // a key belongs to its device: another device may use the same key string
    let (st, _, _) = post_fav(&s, OTHER_DEVICE, "key-bbbbbbbb-1", &json!({ "place_id": b })).await;
    assert_eq!(st, 201);
}

#[tokio::test]
async fn twenty_concurrent_requests_with_one_key_make_one_row() {
    let s = start().await;
    let pid = some_place(&s, 2).await;
    let body = json!({ "place_id": pid });
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let c = s.client.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let a = c.send_write(Outgoing::new("POST", "/api/v1/favorites", DEVICE, "key-cccccccc-1").body(Some(&body))).await.unwrap();
            (a.status, a.body)
        }));
    }
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    assert_eq!(answers[0].0, 201);
    assert_eq!(favorite_rows(&s).await, 1);
}

#[tokio::test]
async fn favorites_belong_to_a_device_and_only_its_hash_is_stored() {
    let s = start().await;
    let (a, b) = (some_place(&s, 3).await, some_place(&s, 4).await);
    post_fav(&s, DEVICE, "key-dddddddd-1", &json!({ "place_id": a })).await;
    post_fav(&s, DEVICE, "key-dddddddd-2", &json!({ "place_id": b })).await;
    // saving again with a new key: 200 with the existing entry, still one row
    let (st, _, _) = post_fav(&s, DEVICE, "key-dddddddd-3", &json!({ "place_id": b })).await;
    assert_eq!(st, 200);
    let mine = s.client.favorites(DEVICE).await.unwrap();
    assert_eq!(mine.favorites.len(), 2);
    assert!(mine.favorites.iter().all(|f| f.name.contains("示例")));
    assert!(s.client.favorites(OTHER_DEVICE).await.unwrap().favorites.is_empty());
    // remove, twice (idempotent by key, harmless by meaning)
    let path = format!("/api/v1/favorites/{a}");
    let WriteAnswer { status: st, body: v, .. } = s.client.send_write(Outgoing::new("DELETE", &path, DEVICE, "key-dddddddd-4")).await.unwrap();
    assert_eq!((st, v["deleted"].as_bool()), (200, Some(true)));
    let WriteAnswer { status: st, body: v, .. } = s.client.send_write(Outgoing::new("DELETE", &path, DEVICE, "key-dddddddd-5")).await.unwrap();
    assert_eq!((st, v["deleted"].as_bool()), (200, Some(false)));
    assert_eq!(s.client.favorites(DEVICE).await.unwrap().favorites.len(), 1);
    // the raw key is nowhere in the database
    let hashes: Vec<String> = server::db::query_scalar("SELECT key_hash FROM devices WHERE key_hash <> 'erased'").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert!(hashes.iter().all(|h| h.len() == 64 && h != DEVICE));
    assert!(hashes.contains(&server::http::device::sha256_hex(DEVICE.as_bytes())));
}

#[tokio::test]
async fn writes_need_a_device_key_and_an_idempotency_key_and_valid_bodies() {
    let s = start().await;
    let url = format!("{}/api/v1/favorites", s.base);
    let res = s.http.get(&url).send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = s.http.post(&url).header("X-Device-Key", DEVICE).body("{\"place_id\":1}").send().await.unwrap();
    assert_eq!(res.status(), 422);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["fields"][0]["field"], "Idempotency-Key");
    for body in ["not json", "{\"place_id\":\"x\"}", "{}"] {
        let (st, v, _) = post_fav(&s, DEVICE, "key-eeeeeeee-1", &serde_json::from_str(body).unwrap_or(json!(body))).await;
        assert_eq!(st, 422, "{body}");
        assert_eq!(v["fields"][0]["field"], "place_id");
    }
    let (st, v, _) = post_fav(&s, DEVICE, "key-eeeeeeee-2", &json!({ "place_id": 99_999_999 })).await;
    assert_eq!(st, 422);
    assert!(v["fields"][0]["message"].as_str().unwrap().contains("没有编号"));
    // a rejected write stores no key: the same key may be used once the request is right
    let pid = some_place(&s, 0).await;
    let (st, _, _) = post_fav(&s, DEVICE, "key-eeeeeeee-2", &json!({ "place_id": pid })).await;
    assert_eq!(st, 201);
}

#[tokio::test]
async fn area_snapshot_holds_every_place_of_the_district() {
    let s = start().await;
    let snap = s.client.area_places("wuxi-xinwu").await.unwrap();
    let n: i64 = server::db::query_scalar("SELECT count(*) FROM places WHERE district_id = 'wuxi-xinwu'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(snap.places.len() as i64, n);
    let seq: i64 = server::db::query_scalar("SELECT value FROM change_counter").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(snap.seq, seq);
    let street = s.client.area_places("wuxi-xinwu-wangzhuang").await.unwrap();
    assert!(street.places.iter().all(|p| p.street_id == "wuxi-xinwu-wangzhuang"));
    assert!(s.client.area_places("nowhere").await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn changes_feed_returns_exactly_the_rows_changed_since_a_sequence_including_deletions() {
    let s = start().await;
    let areas = vec!["wuxi-xinwu".to_string()];
    let snap = s.client.area_places("wuxi-xinwu").await.unwrap();
    let none = s.client.changes(snap.seq, &areas).await.unwrap();
    assert!(!none.reset && none.places.is_empty() && none.deleted_places.is_empty());
    assert_eq!(none.seq, snap.seq);

    // one vacancy change in 新吴区, one in 扬州 (not asked for), one deletion
    let (class_id, place_id): (i64, i64) = server::db::query_as(
        "SELECT c.id, c.place_id FROM classes c JOIN places p ON p.id = c.place_id
         WHERE p.district_id = 'wuxi-xinwu' AND c.vacancies > 0 LIMIT 1",
    )
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    server::db::query("UPDATE classes SET vacancies = vacancies - 1, enrolled = enrolled + 1, confirmed_at = unixepoch() WHERE id = ?")
        .bind(class_id)
        .execute(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    server::db::query("UPDATE classes SET confirmed_at = unixepoch() WHERE place_id = (SELECT id FROM places WHERE district_id LIKE 'yangzhou-%' LIMIT 1)")
        .execute(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    let gone: i64 = server::db::query_scalar("SELECT id FROM places WHERE district_id = 'wuxi-xinwu' AND is_main = FALSE LIMIT 1")
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    server::db::query("DELETE FROM places WHERE id = ?").bind(gone).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();

    let ch = s.client.changes(snap.seq, &areas).await.unwrap();
    assert!(!ch.reset);
    // the size of a changes answer after one vacancy change (+ a deletion), for the record
    let raw = s.http.get(format!("{}/api/v1/changes?since={}&areas=wuxi-xinwu", s.base, snap.seq)).send().await.unwrap();
    let bytes = raw.bytes().await.unwrap().len();
    println!("MEASURE changes response after one vacancy change and one deletion: {bytes} bytes");
    assert!(bytes < 4_000, "{bytes}");
    assert_eq!(ch.places.iter().map(|p| p.id).collect::<Vec<_>>(), vec![place_id]);
    assert_eq!(ch.deleted_places, vec![gone]);
    assert!(ch.seq > snap.seq);
    let before = snap.places.iter().find(|p| p.id == place_id).unwrap();
    let after = &ch.places[0];
    let vac = |p: &app::model::PlaceSummary| p.classes.iter().find(|c| c.id == class_id).unwrap().vacancies;
    assert_eq!(vac(after), vac(before) - 1);
    // nothing more after the new seq
    let again = s.client.changes(ch.seq, &areas).await.unwrap();
    assert!(again.places.is_empty() && again.deleted_places.is_empty());
    // a street id works as an area too
    let street = app::model::PlaceSummary::clone(after).street_id;
    let by_street = s.client.changes(snap.seq, &[street]).await.unwrap();
    assert_eq!(by_street.places.len(), 1);
}

#[tokio::test]
async fn a_client_too_far_behind_is_told_to_refetch() {
    let s = start().await;
    let areas = vec!["wuxi-xinwu".to_string()];
    let victim: i64 = server::db::query_scalar("SELECT id FROM places WHERE is_main = FALSE LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    server::db::query("DELETE FROM places WHERE id = ?").bind(victim).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    // the tombstone ages out of the retention window
    server::db::query("UPDATE tombstones SET deleted_at = deleted_at - 40 * 86400").execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    // the place and its classes (deleted with it)
    let classes: i64 = server::db::query_scalar("SELECT count(*) FROM tombstones WHERE entity = 'class'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(server::db::places::prune_tombstones(&s.pool, 30 * 86_400).await.unwrap(), 1 + classes as u64);
    let ch = s.client.changes(0, &areas).await.unwrap();
    assert!(ch.reset && ch.places.is_empty());
    // a sequence from the future (another database) resets too
    let ch = s.client.changes(ch.seq + 1000, &areas).await.unwrap();
    assert!(ch.reset);
}

#[tokio::test]
async fn changes_feed_validates_its_input() {
    let s = start().await;
    for (q, field) in [("areas=wuxi-xinwu", "since"), ("since=-1&areas=wuxi-xinwu", "since"), ("since=0", "areas"), ("since=0&areas=nowhere", "areas")] {
        let res = s.http.get(format!("{}/api/v1/changes?{q}", s.base)).send().await.unwrap();
        assert_eq!(res.status(), 422, "{q}");
        let v: Value = res.json().await.unwrap();
        assert_eq!(v["fields"][0]["field"], field, "{q}");
    }
}

/// Two writers change places of one district at once; the first to take a change number
/// commits last. A feed that numbered rows as they were written (a SEQUENCE on PostgreSQL)
/// would hand a reader the second row's higher number before the first row existed for it,
/// and the reader would never ask for the first. Here the second writer cannot take a number
/// until the first has committed (SQLite: its one writer; PostgreSQL: the change_counter row
/// lock, 0003_change_feed.sql), so a reader at any moment misses nothing.
#[tokio::test]
async fn the_changes_feed_skips_nothing_when_writers_commit_out_of_order() {
    let s = start().await;
    let areas = vec!["wuxi-xinwu".to_string()];
    let snap = s.client.area_places("wuxi-xinwu").await.unwrap();
    let two: Vec<(i64, i64)> = server::db::query_as(
        "SELECT min(c.id), c.place_id FROM classes c JOIN places p ON p.id = c.place_id
          WHERE p.district_id = 'wuxi-xinwu' GROUP BY c.place_id ORDER BY c.place_id LIMIT 2",
    )
    .fetch_all(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    let [(class_a, place_a), (class_b, place_b)] = two[..] else { panic!("two places with classes: {two:?}") };
    let touch = "UPDATE classes SET confirmed_at = confirmed_at + 1 WHERE id = ?";

    // A writes first and holds its transaction open
    let mut a = s.pool.begin_write().await.unwrap();
    server::db::query(touch).bind(class_a).execute(&mut *a).await.unwrap();
    // B starts after A and would commit first if it could
    let pool = s.pool.clone();
    let b = tokio::spawn(async move {
        let mut b = pool.begin_write().await.unwrap();
        server::db::query(touch).bind(class_b).execute(&mut *b).await.unwrap();
        b.commit().await.unwrap();
        std::time::Instant::now()
    });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!b.is_finished(), "B committed while A, which wrote first, was still open");
    // a reader now sees neither, and its number stays behind both
    let mid = s.client.changes(snap.seq, &areas).await.unwrap();
    assert!(mid.places.is_empty() && mid.seq == snap.seq, "{:?} at {}", mid.places.iter().map(|p| p.id).collect::<Vec<_>>(), mid.seq);
    let a_committed = std::time::Instant::now();
    a.commit().await.unwrap();
    let b_committed = b.await.unwrap();
    assert!(b_committed > a_committed, "B waited for A");
    // both arrive, A's with the lower number, and the reader's number covers both
    let after = s.client.changes(mid.seq, &areas).await.unwrap();
    let seq_of = |id: i64| after.places.iter().find(|p| p.id == id).map(|p| p.change_seq).unwrap_or_else(|| panic!("place {id} missing"));
    assert!(seq_of(place_a) < seq_of(place_b));
    assert!(after.seq >= seq_of(place_b));
    assert!(s.client.changes(after.seq, &areas).await.unwrap().places.is_empty());
}
