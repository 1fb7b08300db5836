//! Every role in its lane, per endpoint: a supervisor reads only the organisations of their
//! district and writes nothing; a carer reaches nothing of the desk; a stored answer is
//! replayed only to the device and the account that made the write.


use crate::helpers::{start, Login, TestServer};
use serde_json::json;
use server::db::sample::SAMPLE_PASSWORD;

async fn acct(s: &TestServer, name: &str) -> Login {
    s.login(name, SAMPLE_PASSWORD).await.1.unwrap_or_else(|| panic!("{name} signs in"))
}

/// A place of `op` and a provider, one in 新吴区 and one elsewhere, whose organisations have
/// nothing in 新吴区.
async fn places(s: &TestServer) -> (i64, i64, i64, i64) {
    let q = |sql: &'static str| {
        let pool = s.pool.clone();
        async move { server::db::query_scalar::<i64>(sql).fetch_one(&mut *pool.acquire().await.unwrap()).await.unwrap() }
    };
    let inside = q("SELECT p.id FROM places p JOIN users u ON u.organisation_id = p.organisation_id WHERE u.username = 'op-jiacheng' LIMIT 1").await;
    let outside = q(
        "SELECT p.id FROM places p WHERE p.district_id <> 'wuxi-xinwu'
           AND NOT EXISTS (SELECT 1 FROM places x WHERE x.organisation_id = p.organisation_id AND x.district_id = 'wuxi-xinwu') LIMIT 1",
    )
    .await;
    let provider_in = q("SELECT id FROM providers WHERE district_id = 'wuxi-xinwu' LIMIT 1").await;
    let provider_out = q(
        "SELECT p.id FROM providers p WHERE p.district_id <> 'wuxi-xinwu'
           AND NOT EXISTS (SELECT 1 FROM providers x WHERE x.organisation_id = p.organisation_id AND x.district_id = 'wuxi-xinwu')
           AND NOT EXISTS (SELECT 1 FROM places x WHERE x.organisation_id = p.organisation_id AND x.district_id = 'wuxi-xinwu') LIMIT 1",
    )
    .await;
    (inside, outside, provider_in, provider_out)
}

#[tokio::test]
async fn a_supervisor_reads_their_district_only_and_writes_nothing() {
    let s = start().await;
    let sup = acct(&s, "sup-xinwu").await;
    let (inside, outside, provider_in, provider_out) = places(&s).await;
    for place in [inside, outside] {
        let expect = if place == inside { 200 } else { 403 };
        for path in ["classes", "audit", "requests", "timeslots"] {
            let (st, body) = s.get(Some(&sup), &format!("/api/v1/operator/places/{place}/{path}")).await;
            assert_eq!(st, expect, "{path} of place {place}: {body}");
            if st == 403 {
                assert!(body["message"].as_str().unwrap().contains("本区"), "{body}");
            }
        }
    }
    for provider in [provider_in, provider_out] {
        let expect = if provider == provider_in { 200 } else { 403 };
        for path in ["orders", "carers", "welfare-visits"] {
            let (st, body) = s.get(Some(&sup), &format!("/api/v1/operator/providers/{provider}/{path}")).await;
            assert_eq!(st, expect, "{path} of provider {provider}: {body}");
        }
    }
    // the desk's list is the district's places
    let (_, list) = s.get(Some(&sup), "/api/v1/operator/places").await;
    let ids: Vec<i64> = list.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&inside) && !ids.contains(&outside));
    // and no write anywhere, not even inside the district
    let class: i64 = server::db::query_scalar("SELECT id FROM classes WHERE place_id = ? LIMIT 1").bind(inside).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, _) = s.write(Some(&sup), "POST", &format!("/api/v1/operator/classes/{class}/vacancies"), "lanes-sup-1", json!({ "delta": 1 })).await;
    assert_eq!(st, 403);
    let (st, _) = s.write(Some(&sup), "POST", &format!("/api/v1/operator/places/{inside}/timeslots"), "lanes-sup-2",
        json!({ "kind": "visit", "weekday": 1, "start": "09:00", "end": "09:30", "capacity": 2 })).await;
    assert_eq!(st, 403);
}

#[tokio::test]
async fn a_carer_reaches_nothing_of_the_desk_and_records_no_weekly_visit() {
    let s = start().await;
    let carer = acct(&s, "carer-wangzhuang").await;
    let (inside, _, provider_in, _) = places(&s).await;
    let own: i64 = server::db::query_scalar("SELECT provider_id FROM carers WHERE id = ?")
        .bind(carer.body["user"]["carer_id"].as_i64().unwrap())
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    for path in [
        format!("/api/v1/operator/places/{inside}/classes"),
        format!("/api/v1/operator/providers/{own}/orders"),
        format!("/api/v1/operator/providers/{own}/carers"),
        format!("/api/v1/operator/providers/{own}/welfare-visits"),
        format!("/api/v1/operator/providers/{provider_in}/orders"),
    ] {
        assert_eq!(s.get(Some(&carer), &path).await.0, 403, "{path}");
    }
    assert_eq!(s.get(Some(&carer), "/api/v1/operator/places").await.1, json!([]));
    // a weekly 探访 of its own provider: recorded by the desk, not by a carer's account
    server::db::query("INSERT INTO devices (key_hash, created_at, last_seen_at) VALUES ('d', 0, 0)").execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let plan: i64 = server::db::query_scalar(
        "INSERT INTO welfare_plans (device_hash, elder_name, elder_phone, elder, reason, provider_id, started_on, created_at, updated_at)
         VALUES ('d', '张大爷', '13812345678', '{}', '82 岁独居', ?, '2026-11-23', 0, 0) RETURNING id",
    )
    .bind(own)
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    server::db::query("INSERT INTO welfare_visits (plan_id, week_start, due_on, status, created_at, updated_at) VALUES (?, '2026-11-23', '2026-11-29', 'due', 0, 0)")
        .bind(plan)
        .execute(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    let visit: i64 = server::db::query_scalar("SELECT max(id) FROM welfare_visits").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, _) = s.write(Some(&carer), "POST", &format!("/api/v1/operator/welfare-visits/{visit}"), "lanes-carer-1",
        json!({ "mode": "phone", "done_at": chrono::Utc::now() })).await;
    assert_eq!(st, 403);
}

#[tokio::test]
async fn a_stored_answer_is_replayed_only_to_the_account_that_wrote_it() {
    let s = start().await;
    let a = acct(&s, "op-jiacheng").await;
    let b = acct(&s, "op-jiacheng").await; // the same tablet, signed in again (another shift)
    let other = acct(&s, "op-tongxin").await;
    let (inside, ..) = places(&s).await;
    let room: Option<i64> = server::db::query_scalar("SELECT id FROM classes WHERE place_id = ? AND capacity > enrolled + vacancies LIMIT 1")
        .bind(inside)
        .fetch_optional(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    let any: i64 = server::db::query_scalar("SELECT id FROM classes WHERE place_id = ? LIMIT 1").bind(inside).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let class = room.unwrap_or(any);
    server::db::query("UPDATE classes SET vacancies = 1, enrolled = capacity - 2 WHERE id = ?").bind(class).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let path = format!("/api/v1/operator/classes/{class}/vacancies");
    let (st, first) = s.write(Some(&a), "POST", &path, "lanes-replay-1", json!({ "delta": 1 })).await;
    assert_eq!(st, 200, "{first}");
    // the same account again (a retry): the stored answer, nothing written twice
    assert_eq!(s.write(Some(&b), "POST", &path, "lanes-replay-1", json!({ "delta": 1 })).await, (200, first.clone()));
    // another account on the same device with the same key: refused, the answer not shown
    let (st, body) = s.write(Some(&other), "POST", &path, "lanes-replay-1", json!({ "delta": 1 })).await;
    assert_eq!(st, 409, "{body}");
    assert!(body.get("class_id").is_none());
    let v: i64 = server::db::query_scalar("SELECT vacancies FROM classes WHERE id = ?").bind(class).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(v, 2, "one tap, once");
}
