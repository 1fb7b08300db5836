//! The platform admin: organisations and accounts, their validation, boundaries and audit.


use crate::helpers::{fields, start, uscc, Login, TestServer};
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;

async fn post(s: &TestServer, l: Option<&Login>, path: &str, key: &str, body: Value) -> (u16, Value) {
    s.write(l, "POST", path, key, body).await
}


#[tokio::test]
async fn only_the_admin_reaches_the_admin_endpoints() {
    let s = start().await;
    let op = s.login("op-feiqitu", SAMPLE_PASSWORD).await.1.unwrap();
    let sup = s.login("sup-xinwu", SAMPLE_PASSWORD).await.1.unwrap();
    let org = json!({ "name": "新机构", "uscc": uscc("91320214MA1AAAAAA"), "beian_status": "pending", "beian_number": null });
    let acc = json!({ "username": "op-x", "display_name": "X", "password": "long-enough-pw", "role": "operator", "organisation_id": 1 });
    for path in ["/api/v1/admin/organisations", "/api/v1/admin/users"] {
        assert_eq!(s.get(None, path).await.0, 401, "{path}");
        assert_eq!(s.get(Some(&op), path).await.0, 403, "{path}");
        assert_eq!(s.get(Some(&sup), path).await.0, 403, "{path}");
    }
    for (i, (path, body)) in [("/api/v1/admin/organisations", org), ("/api/v1/admin/users", acc), ("/api/v1/admin/users/1/disable", json!({}))]
        .into_iter()
        .enumerate()
    {
        assert_eq!(post(&s, None, path, &format!("key401-{i}"), body.clone()).await.0, 401, "{path}");
        let (st, res) = post(&s, Some(&op), path, &format!("key403-{i}"), body.clone()).await;
        assert_eq!(st, 403, "{path}");
        assert!(res["message"].as_str().unwrap().contains("管理员"));
        assert_eq!(post(&s, Some(&sup), path, &format!("key403s-{i}"), body).await.0, 403, "{path}");
    }
    let n: i64 = server::db::query_scalar("SELECT count(*) FROM organisations WHERE name = '新机构'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(n, 0);
    let disabled: i64 = server::db::query_scalar("SELECT count(*) FROM users WHERE disabled_at IS NOT NULL").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(disabled, 0);
}

#[tokio::test]
async fn the_admin_creates_an_organisation_and_its_operator_who_then_signs_in() {
    let s = start().await;
    let admin = s.login("admin-sample", SAMPLE_PASSWORD).await.1.unwrap();
    // bad input: each field named, in Chinese
    let (st, body) = post(
        &s,
        Some(&admin),
        "/api/v1/admin/organisations",
        "org-key-1",
        json!({ "name": "X", "uscc": "91320214MA1AAAAAA0", "beian_status": "filed", "beian_number": "" }),
    )
    .await;
    assert_eq!((st, fields(&body)), (422, vec!["name".into(), "uscc".into(), "beian_number".into()]), "{body}");
    assert!(body["fields"][1]["message"].as_str().unwrap().contains("统一社会信用代码"));
    // a sample organisation's code is taken
    let taken: String = server::db::query_scalar("SELECT uscc FROM organisations LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, body) = post(&s, Some(&admin), "/api/v1/admin/organisations", "org-key-2", json!({ "name": "重复机构", "uscc": taken, "beian_status": "pending" })).await;
    assert_eq!((st, fields(&body)), (422, vec!["uscc".into()]), "{body}");
    // created, once, however often it is sent
    let good = json!({ "name": "新吴区阳光托育有限公司", "uscc": uscc("91320214MA1BBBBBB"), "beian_status": "filed", "beian_number": "苏托备 320214-0099" });
    let (st, org) = post(&s, Some(&admin), "/api/v1/admin/organisations", "org-key-3", good.clone()).await;
    assert_eq!(st, 201, "{org}");
    assert_eq!(post(&s, Some(&admin), "/api/v1/admin/organisations", "org-key-3", good).await, (201, org.clone()));
    let org_id = org["id"].as_i64().unwrap();
    assert_eq!(org["place_count"], 0);
    assert_eq!(org["is_sample"], false);
    let (_, list) = s.get(Some(&admin), "/api/v1/admin/organisations").await;
    assert_eq!(list.as_array().unwrap().iter().filter(|o| o["name"] == "新吴区阳光托育有限公司").count(), 1);
    assert_eq!(list[0]["id"], org_id, "real organisations before sample ones");

    // accounts: bad input, then an operator of the new organisation
    let (st, body) = post(
        &s,
        Some(&admin),
        "/api/v1/admin/users",
        "acc-key-1",
        json!({ "username": "A B", "display_name": "", "password": "short", "role": "operator", "organisation_id": 99999 }),
    )
    .await;
    assert_eq!((st, fields(&body)), (422, vec!["username".into(), "display_name".into(), "password".into(), "organisation_id".into()]), "{body}");
    let (st, body) = post(
        &s,
        Some(&admin),
        "/api/v1/admin/users",
        "acc-key-2",
        json!({ "username": "op-feiqitu", "display_name": "重名", "password": "long-enough-pw", "role": "supervisor", "district_id": "nowhere" }),
    )
    .await;
    assert_eq!((st, fields(&body)), (422, vec!["username".into(), "district_id".into()]), "{body}");
    let acc = json!({ "username": "op-yangguang", "display_name": "阳光前台", "password": "sunny-2026-pass", "role": "operator", "organisation_id": org_id });
    let (st, account) = post(&s, Some(&admin), "/api/v1/admin/users", "acc-key-3", acc.clone()).await;
    assert_eq!(st, 201, "{account}");
    assert_eq!(post(&s, Some(&admin), "/api/v1/admin/users", "acc-key-3", acc).await, (201, account.clone()));
    assert_eq!(account["organisation_name"], "新吴区阳光托育有限公司");
    let (_, users) = s.get(Some(&admin), "/api/v1/admin/users").await;
    let text = users.to_string();
    assert!(!text.contains("argon2") && !text.contains("password"), "no hashes in the list");
    assert_eq!(users.as_array().unwrap().iter().filter(|u| u["username"] == "op-yangguang").count(), 1);

    // the new operator signs in, sees only its (so far empty) organisation and cannot touch others
    let (st, l, me, _) = s.login("op-yangguang", "sunny-2026-pass").await;
    assert_eq!(st, 200);
    assert_eq!(me["user"]["organisation_id"], org_id);
    let l = l.unwrap();
    assert_eq!(s.get(Some(&l), "/api/v1/operator/places").await, (200, json!([])));
    let other: i64 = server::db::query_scalar("SELECT id FROM places LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(s.get(Some(&l), &format!("/api/v1/operator/places/{other}/classes")).await.0, 403);
    // every admin write is in the audit trail
    let actions: Vec<String> = server::db::query_scalar("SELECT action FROM audit_log ORDER BY id").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(actions, ["organisation_create", "account_create"]);

    // switched off: the session ends and signing in says why
    let uid = account["id"].as_i64().unwrap();
    let (st, body) = post(&s, Some(&admin), &format!("/api/v1/admin/users/{uid}/disable"), "dis-key-1", json!({})).await;
    assert_eq!((st, body["disabled"].as_bool()), (200, Some(true)));
    assert_eq!(s.get(Some(&l), "/api/v1/auth/me").await.0, 401);
    let (st, _, body, _) = s.login("op-yangguang", "sunny-2026-pass").await;
    assert_eq!(st, 403);
    assert!(body["message"].as_str().unwrap().contains("停用"));
    // the admin cannot switch itself off
    let me_id = s.get(Some(&admin), "/api/v1/auth/me").await.1["id"].as_i64().unwrap();
    let (st, body) = post(&s, Some(&admin), &format!("/api/v1/admin/users/{me_id}/disable"), "dis-key-2", json!({})).await;
    assert_eq!(st, 422, "{body}");
}

#[tokio::test]
async fn the_admin_registers_a_place_for_an_organisation_and_closes_it() {
    let s = start().await;
    let admin = s.login("admin-sample", SAMPLE_PASSWORD).await.1.unwrap();
    let op = s.login("op-feiqitu", SAMPLE_PASSWORD).await.1.unwrap();
    let org = json!({ "name": "无锡市晨光托育有限公司", "uscc": uscc("91320214MA1DDDDDD"), "beian_status": "pending", "beian_number": null });
    let (st, org) = post(&s, Some(&admin), "/api/v1/admin/organisations", "place-org-1", org).await;
    assert_eq!(st, 201, "{org}");
    let path = format!("/api/v1/admin/organisations/{}/places", org["id"]);
    let place = |name: &str| json!({ "name": name, "is_main": true, "provider_type": "community", "street_id": "wuxi-xinwu-jiangxi",
        "address": "江溪路 8 号", "opening_hours": "周一至周五 8:00–17:00", "phone": "0510-88880001",
        "care_modes": [{ "care_mode": "full_day", "fee_yuan": 2600 }], "puhui": true, "puhui_fee_yuan": 1400 });
    // bad input names each field
    let (st, body) = post(&s, Some(&admin), &path, "place-new-1", json!({ "name": "晨", "is_main": true, "provider_type": "community",
        "street_id": "nowhere", "address": "", "lat": 31.5, "opening_hours": "", "phone": "1", "care_modes": [], "puhui": true })).await;
    assert_eq!(st, 422, "{body}");
    for f in ["name", "address", "lat", "opening_hours", "phone", "care_modes", "puhui_fee_yuan"] {
        assert!(fields(&body).contains(&f.to_string()), "{f} in {body}");
    }
    assert_eq!(post(&s, Some(&op), &path, "place-new-2", place("晨光社区托育点")).await.0, 403);
    // registered without a position: at the 街道's centre, 位置待核实, found by parents
    let (st, created) = post(&s, Some(&admin), &path, "place-new-3", place("晨光社区托育点")).await;
    assert_eq!(st, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (st, detail) = s.get(None, &format!("/api/v1/places/{id}")).await;
    assert_eq!(st, 200);
    assert_eq!((detail["location_unverified"].as_bool(), detail["is_sample"].as_bool()), (Some(true), Some(false)));
    assert_eq!((detail["lat"].as_f64(), detail["street_id"].as_str()), (Some(31.537), Some("wuxi-xinwu-jiangxi")));
    let (_, list) = s.get(Some(&admin), &path).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    // closed: gone for parents, off the organisation's list; a sample place is not closed this way
    let close = format!("/api/v1/admin/places/{id}/close");
    assert_eq!(post(&s, Some(&op), &close, "place-close-1", json!({})).await.0, 403);
    let (st, remaining) = post(&s, Some(&admin), &close, "place-close-2", json!({})).await;
    assert_eq!((st, remaining), (200, json!([])));
    assert_eq!(s.get(None, &format!("/api/v1/places/{id}")).await.0, 404);
    assert_eq!(post(&s, Some(&admin), &close, "place-close-3", json!({})).await.0, 404);
    let sample_place: i64 = server::db::query_scalar("SELECT id FROM places WHERE is_sample = TRUE LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (st, body) = post(&s, Some(&admin), &format!("/api/v1/admin/places/{sample_place}/close"), "place-close-4", json!({})).await;
    assert_eq!(st, 422, "{body}");
    let audit: i64 = server::db::query_scalar("SELECT count(*) FROM audit_log WHERE place_id = ? AND action IN ('place_create', 'place_close')")
        .bind(id)
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(audit, 2);
}
