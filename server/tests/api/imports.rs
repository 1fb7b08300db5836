//! Registry import (issue 14): the fixture files in `tests/fixtures/import/` uploaded to the
//! admin desk's endpoints, previewed and applied; sample and real records never mixed.

use crate::helpers::{fields, start, uuid, Login, TestServer};
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The server with its sample data removed and one real admin signed in.
async fn start_real() -> (TestServer, Login) {
    let s = start().await;
    server::db::sample::remove(&s.pool).await.unwrap();
    let hash = server::api::auth::hash_password("real-admin-password").unwrap();
    let account = server::db::accounts::NewAccount {
        username: "admin-real",
        display_name: "管理员",
        password_hash: &hash,
        role: app::model::Role::Admin,
        organisation_id: None,
        district_id: None,
        is_sample: false,
    };
    server::db::accounts::create_account(&s.pool, account, chrono::Utc::now().timestamp()).await.unwrap();
    let admin = s.login("admin-real", "real-admin-password").await.1.unwrap();
    (s, admin)
}

async fn upload(s: &TestServer, l: &Login, id: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    upload_kind(s, l, "places", id, name, bytes).await
}

async fn upload_kind(s: &TestServer, l: &Login, kind: &str, id: &str, name: &str, bytes: Vec<u8>) -> (u16, Value) {
    let res = s
        .http
        .put(format!("{}/api/v1/admin/imports/{id}?kind={kind}&name={}", s.base, urlencode(name)))
        .header("Cookie", &l.cookie)
        .header("X-CSRF-Token", &l.csrf)
        .header("Content-Type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap_or(Value::Null))
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn apply(s: &TestServer, l: &Login, id: &str, key: &str, body: Value) -> (u16, Value) {
    s.write(Some(l), "POST", &format!("/api/v1/admin/imports/{id}/apply"), key, body).await
}

async fn count(s: &TestServer, sql: &str) -> i64 {
    server::db::query_scalar(sql).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap()
}

fn texts(preview: &Value) -> Vec<String> {
    preview["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let i: app::model::import::ImportIssue = serde_json::from_value(i.clone()).unwrap();
            i.text()
        })
        .collect()
}

#[tokio::test]
async fn a_database_with_sample_data_refuses_real_records() {
    let s = start().await;
    let admin = s.login("admin-sample", SAMPLE_PASSWORD).await.1.unwrap();
    let (st, preview) = upload(&s, &admin, &uuid(1), "wangzhuang-40.xlsx", fixture("wangzhuang-40.xlsx")).await;
    assert_eq!(st, 200, "{preview}");
    assert!(texts(&preview)[0].contains("seed --remove-sample"), "{:?}", texts(&preview));
    let (st, body) = apply(&s, &admin, &uuid(1), "apply-sample", json!({ "plan_hash": preview["plan_hash"] })).await;
    assert_eq!(st, 422, "{body}");
    assert_eq!(fields(&body), ["file"]);
    assert_eq!(count(&s, "SELECT count(*) FROM places WHERE is_sample = FALSE").await, 0);
    // once the sample data is removed, the same file imports
    let removed = server::db::sample::remove(&s.pool).await.unwrap();
    assert!(removed.places > 100 && removed.accounts > 3, "{removed:?}");
    assert_eq!(count(&s, "SELECT count(*) FROM organisations").await + count(&s, "SELECT count(*) FROM providers").await, 0);
    assert!(count(&s, "SELECT count(*) FROM areas").await > 20, "areas are reference data, not sample");
}

#[tokio::test]
async fn only_an_admin_imports_and_the_template_reads_back() {
    let (s, admin) = start_real().await;
    assert_eq!(s.get(None, "/api/v1/admin/imports/template/places").await.0, 401);
    let res = s.http.get(format!("{}/api/v1/admin/imports/template/places", s.base)).header("Cookie", &admin.cookie).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    // the template's own example row is refused: it is marked 示例
    let (_, preview) = upload(&s, &admin, &uuid(2), "模板.xlsx", bytes.to_vec()).await;
    assert!(texts(&preview).iter().any(|t| t.starts_with("第 2 行") && t.contains("示例")), "{:?}", texts(&preview));
    assert_eq!(s.get(Some(&admin), "/api/v1/admin/imports/template/nothing").await.0, 422);
}

#[tokio::test]
async fn every_problem_is_named_by_row_and_column_and_nothing_is_written_until_asked() {
    let (s, admin) = start_real().await;
    for (i, name) in ["wangzhuang-40-errors.xlsx", "wangzhuang-40-errors-gbk.csv"].into_iter().enumerate() {
        let (st, p) = upload(&s, &admin, &uuid(10 + i as u64), name, fixture(name)).await;
        assert_eq!(st, 200, "{p}");
        let t = texts(&p);
        for expected in [
            "第 4 行「统一社会信用代码」校验位不正确",
            "第 12 行「街道」该区没有名为“不存在街道”的街道",
            "第 17 行「机构类型」应为：纯托育机构",
            "第 22 行「空位」在托 18 + 空位 30 超过了托位 20",
            "第 27 行「经度」经度和纬度要一起填写",
            "第 32 行「普惠收费（元/月）」提供普惠托位时必填",
        ] {
            assert!(t.iter().any(|x| x.starts_with(expected)), "{name}: {expected} not in {t:?}");
        }
        assert_eq!(p["read_as"], if name.ends_with(".csv") { "GB18030" } else { "XLSX" });
        assert_eq!(p["create"].as_array().unwrap().len(), 32, "{name}");
        assert_eq!(p["error_rows"], 18);
    }
    assert_eq!(count(&s, "SELECT count(*) FROM places").await, 0, "a preview writes nothing");
    let (_, p) = upload(&s, &admin, &uuid(10), "wangzhuang-40-errors.xlsx", fixture("wangzhuang-40-errors.xlsx")).await;
    let (st, body) = apply(&s, &admin, &uuid(10), "apply-errors-1", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!(st, 422, "{body}");
    assert_eq!(fields(&body), ["only_valid_rows"]);
    assert_eq!(count(&s, "SELECT count(*) FROM places").await, 0);
    let (st, r) = apply(&s, &admin, &uuid(10), "apply-errors-2", json!({ "plan_hash": p["plan_hash"], "only_valid_rows": true })).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!((r["created"].as_i64(), r["skipped_rows"].as_i64()), (Some(32), Some(18)));
    assert_eq!(count(&s, "SELECT count(*) FROM places WHERE is_sample = FALSE AND closed_at IS NULL").await, 32);
    // the same key again is the same answer, a new key for the same upload is refused
    let (st, again) = apply(&s, &admin, &uuid(10), "apply-errors-2", json!({ "plan_hash": p["plan_hash"], "only_valid_rows": true })).await;
    assert_eq!((st, again), (200, r));
    let (st, body) = apply(&s, &admin, &uuid(10), "apply-errors-3", json!({ "plan_hash": p["plan_hash"], "only_valid_rows": true })).await;
    assert_eq!(st, 409, "{body}");
    assert_eq!(count(&s, "SELECT count(*) FROM places").await, 32);
}

#[tokio::test]
async fn reimporting_changes_nothing_and_a_changed_fee_is_one_audited_update_in_the_changes_feed() {
    let (s, admin) = start_real().await;
    let (_, p) = upload(&s, &admin, &uuid(20), "wangzhuang-40-gbk.csv", fixture("wangzhuang-40-gbk.csv")).await;
    assert_eq!((p["create"].as_array().unwrap().len(), p["error_rows"].as_i64()), (40, Some(0)), "{}", p["issues"]);
    let (st, r) = apply(&s, &admin, &uuid(20), "apply-20", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!((st, r["created"].as_i64()), (200, Some(40)), "{r}");
    assert_eq!(count(&s, "SELECT count(*) FROM classes").await, 81);
    assert_eq!(count(&s, "SELECT count(*) FROM places WHERE location_unverified = TRUE").await, 8);
    let seq = count(&s, "SELECT value FROM change_counter").await;

    // the same records as XLSX (other encoding, other column order): nothing to do
    let (_, p) = upload(&s, &admin, &uuid(21), "wangzhuang-40.xlsx", fixture("wangzhuang-40.xlsx")).await;
    assert_eq!((p["create"].as_array().unwrap().len(), p["update"].as_array().unwrap().len(), p["unchanged"].as_i64()), (0, 0, Some(40)));
    let (st, _) = apply(&s, &admin, &uuid(21), "apply-21", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!(st, 200);
    assert_eq!(count(&s, "SELECT value FROM change_counter").await, seq, "an unchanged import changes nothing");

    // one fee changed
    let text = String::from_utf8(fixture("wangzhuang-40-utf8bom.csv")[3..].to_vec()).unwrap();
    let changed = text.replace("全日托 2530", "全日托 2680");
    assert_ne!(changed, text);
    let (_, p) = upload(&s, &admin, &uuid(22), "fee.csv", changed.into_bytes()).await;
    let update = p["update"].as_array().unwrap();
    assert_eq!((update.len(), p["unchanged"].as_i64()), (1, Some(39)), "{p}");
    assert_eq!(update[0]["changes"], json!([{ "column": "托育形式与收费", "before": "全日托 2530元/月", "after": "全日托 2680元/月" }]));
    let place_id = update[0]["id"].as_i64().unwrap();
    let (st, _) = apply(&s, &admin, &uuid(22), "apply-22", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!(st, 200);
    let audit: String = server::db::query_scalar("SELECT detail FROM audit_log WHERE place_id = ? AND action = 'place_import_update'")
        .bind(place_id)
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert!(audit.contains("2680"), "{audit}");
    let (st, changes) = s.get(None, &format!("/api/v1/changes?since={seq}&areas=wuxi-xinwu")).await;
    assert_eq!(st, 200);
    let places = changes["places"].as_array().unwrap();
    assert_eq!(places.len(), 1, "{changes}");
    assert_eq!(places[0]["id"].as_i64(), Some(place_id));
    assert_eq!(places[0]["care_modes"][0]["fee_yuan"], 2680);
}

#[tokio::test]
async fn a_place_missing_from_a_new_file_is_listed_and_closed_only_when_confirmed() {
    let (s, admin) = start_real().await;
    let (_, p) = upload(&s, &admin, &uuid(30), "wangzhuang-40.xlsx", fixture("wangzhuang-40.xlsx")).await;
    apply(&s, &admin, &uuid(30), "apply-30", json!({ "plan_hash": p["plan_hash"] })).await;
    let seq = count(&s, "SELECT value FROM change_counter").await;
    // the file without the place numbered XW-WZ-0007
    let text = String::from_utf8(fixture("wangzhuang-40-utf8bom.csv")[3..].to_vec()).unwrap();
    let without: String = text.split_inclusive('\n').filter(|l| !l.contains("XW-WZ-0007")).collect();
    let gone: i64 = count(&s, "SELECT id FROM places WHERE registry_code = 'XW-WZ-0007'").await;
    let (_, p) = upload(&s, &admin, &uuid(31), "without.csv", without.clone().into_bytes()).await;
    assert_eq!(p["missing"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect::<Vec<_>>(), [gone]);
    let (st, _) = apply(&s, &admin, &uuid(31), "apply-31", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!(st, 200);
    assert_eq!(s.get(None, &format!("/api/v1/places/{gone}")).await.0, 200, "not closed without a confirmation");
    // confirmed: closed, gone for parents, reported deleted by the changes feed
    let (_, p) = upload(&s, &admin, &uuid(32), "without.csv", without.into_bytes()).await;
    let (st, body) = apply(&s, &admin, &uuid(32), "apply-32", json!({ "plan_hash": p["plan_hash"], "close": [gone, 999999] })).await;
    assert_eq!(st, 422, "only a listed place can be closed: {body}");
    let (st, r) = apply(&s, &admin, &uuid(32), "apply-33", json!({ "plan_hash": p["plan_hash"], "close": [gone] })).await;
    assert_eq!((st, r["closed"].as_i64()), (200, Some(1)), "{r}");
    assert_eq!(s.get(None, &format!("/api/v1/places/{gone}")).await.0, 404);
    let (_, changes) = s.get(None, &format!("/api/v1/changes?since={seq}&areas=wuxi-xinwu")).await;
    assert_eq!(changes["deleted_places"], json!([gone]));
    let (_, area) = s.get(None, "/api/v1/areas/wuxi-xinwu-wangzhuang/places").await;
    assert!(area["places"].as_array().unwrap().iter().all(|p| p["id"].as_i64() != Some(gone)));
    assert_eq!(area["places"].as_array().unwrap().len(), 39);
    // listed again: reopened, as an update
    let (_, p) = upload(&s, &admin, &uuid(33), "wangzhuang-40.xlsx", fixture("wangzhuang-40.xlsx")).await;
    let update = p["update"].as_array().unwrap();
    assert_eq!(update.len(), 1);
    assert!(update[0]["changes"].as_array().unwrap().iter().any(|c| c["column"] == "状态" && c["after"] == "开放"), "{p}");
    // a file with problems lists nothing as missing: its unreadable rows are not absent places
    let (_, p) = upload(&s, &admin, &uuid(34), "wangzhuang-40-errors.xlsx", fixture("wangzhuang-40-errors.xlsx")).await;
    assert!(p["error_rows"].as_u64().unwrap() > 0);
    assert_eq!(p["missing"], json!([]), "{}", p["missing"]);
}

#[tokio::test]
async fn a_parent_finds_an_imported_place_near_its_coordinates_and_sees_an_unchecked_position() {
    let (s, admin) = start_real().await;
    let (_, p) = upload(&s, &admin, &uuid(40), "wangzhuang-40.xlsx", fixture("wangzhuang-40.xlsx")).await;
    apply(&s, &admin, &uuid(40), "apply-40", json!({ "plan_hash": p["plan_hash"] })).await;
    // XW-WZ-0001 is at 31.561310, 120.341770 (GCJ-02)
    let (st, res) = s.get(None, "/api/v1/places?lat=31.5613&lng=120.3418&radius_m=300").await;
    assert_eq!(st, 200, "{res}");
    let names: Vec<&str> = res["places"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"小橡树托育中心（测试数据）"), "{names:?}");
    assert!(res["places"].as_array().unwrap().iter().all(|p| p["is_sample"] == false));
    // no coordinates in the file: the 街道 centre, flagged
    let id = count(&s, "SELECT id FROM places WHERE registry_code = 'XW-WZ-0005'").await;
    let (_, detail) = s.get(None, &format!("/api/v1/places/{id}")).await;
    assert_eq!(detail["location_unverified"], true, "{detail}");
    // WGS-84 in the file is stored as GCJ-02 (the shift near Wuxi is a few hundred metres)
    let (lat, lng): (f64, f64) = server::db::query_as("SELECT lat, lng FROM places WHERE registry_code = 'XW-WZ-0006'").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (wgs_lat, wgs_lng) = (31.560 + 6.0 * 0.00131 + 0.0021, 120.340 + 6.0 * 0.00177 - 0.0045);
    assert!((lng - wgs_lng).abs() > 0.001, "converted: {lat} {lng}");
    assert!((lng - (120.340 + 6.0 * 0.00177)).abs() < 0.003 && (lat - (31.560 + 6.0 * 0.00131)).abs() < 0.003, "{lat} {lng} vs {wgs_lat} {wgs_lng}");
}

#[tokio::test]
async fn uploads_are_checked_before_anything_is_kept() {
    let (s, admin) = start_real().await;
    let op_like = s.get(None, "/api/v1/admin/imports/template/places").await.0;
    assert_eq!(op_like, 401);
    let res = s
        .http
        .put(format!("{}/api/v1/admin/imports/{}?kind=shops&name=a.csv", s.base, uuid(50)))
        .header("Cookie", &admin.cookie)
        .header("X-CSRF-Token", &admin.csrf)
        .body("a,b\n")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    // the same id with another file is refused
    assert_eq!(upload(&s, &admin, &uuid(51), "a.xlsx", fixture("wangzhuang-40.xlsx")).await.0, 200);
    assert_eq!(upload(&s, &admin, &uuid(51), "a.xlsx", fixture("wangzhuang-40.xlsx")).await.0, 200, "the same file again is fine");
    assert_eq!(upload(&s, &admin, &uuid(51), "b.xlsx", fixture("wangzhuang-40-errors.xlsx")).await.0, 409);
    // over 10 MB: 413 before it is read
    let (st, body) = upload(&s, &admin, &uuid(52), "big.csv", vec![b'a'; server::import::MAX_FILE + 1]).await;
    assert_eq!(st, 413, "{body}");
    // without the CSRF token: refused
    let res = s
        .http
        .put(format!("{}/api/v1/admin/imports/{}?kind=places&name=a.csv", s.base, uuid(53)))
        .header("Cookie", &admin.cookie)
        .body(fixture("wangzhuang-40-gbk.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    // a plan that changed after the preview is not applied
    let (_, p) = upload(&s, &admin, &uuid(54), "wangzhuang-40.xlsx", fixture("wangzhuang-40.xlsx")).await;
    let (_, q) = upload(&s, &admin, &uuid(55), "wangzhuang-40.xlsx", fixture("wangzhuang-40.xlsx")).await;
    assert_eq!(apply(&s, &admin, &uuid(55), "apply-55", json!({ "plan_hash": q["plan_hash"] })).await.0, 200);
    let (st, body) = apply(&s, &admin, &uuid(54), "apply-54", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!(st, 409, "{body}");
    assert!(body["message"].as_str().unwrap().contains("重新预览"));
    assert_eq!(count(&s, "SELECT count(*) FROM places").await, 40);
}

#[tokio::test]
async fn open_data_lists_public_facts_only_and_leaves_sample_records_out_unless_asked() {
    let s = start().await;
    let get = |path: &str| {
        let (s, path) = (s.clone(), path.to_string());
        async move {
            let res = s.http.get(format!("{}{path}", s.base)).send().await.unwrap();
            let status = res.status().as_u16();
            let ctype = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
            (status, ctype, res.bytes().await.unwrap().to_vec())
        }
    };
    // a demo site holds only sample records: left out by default, listed when asked
    let (st, ctype, body) = get("/api/v1/open/places.csv").await;
    assert_eq!((st, ctype.as_str()), (200, "text/csv; charset=utf-8"));
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert_eq!(text.lines().count(), 1, "only the header: {}", &text[..200.min(text.len())]);
    let (_, _, body) = get("/api/v1/open/places.csv?sample=true&area=wuxi-xinwu-wangzhuang").await;
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    let n = text.lines().count() - 1;
    let in_street = count(&s, "SELECT count(*) FROM places WHERE street_id = 'wuxi-xinwu-wangzhuang'").await;
    assert_eq!(n as i64, in_street);
    assert!(text.lines().skip(1).all(|l| l.ends_with(",是")), "every row says it is sample");
    // no personal data: no contact names or phones of families, no carers
    let contact: Option<String> = server::db::query_scalar("SELECT contact_phone FROM requests LIMIT 1").fetch_optional(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    if let Some(p) = contact {
        assert!(!text.contains(&p));
    }
    let (_, _, body) = get("/api/v1/open/providers.csv?sample=true").await;
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert!(text.starts_with("服务机构ID,机构名称"));
    let carer: String = server::db::query_scalar("SELECT phone FROM carers LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert!(!text.contains(&carer), "no carer's phone");
    // XLSX: the table and its 数据说明
    let (st, ctype, body) = get("/api/v1/open/places.xlsx?sample=true&area=wuxi-xinwu").await;
    assert_eq!(st, 200);
    assert!(ctype.contains("spreadsheetml"));
    let t = server::import::table::read(&body, "p.xlsx", app::model::import::TextEncoding::Auto).unwrap();
    assert!(t.rows.len() > 20);
    assert!(t.has("空位确认时间") && t.has("位置待核实"));
    // a bad area is named
    let (st, _, body) = get("/api/v1/open/places.csv?area=nowhere").await;
    assert_eq!(st, 422, "{}", String::from_utf8_lossy(&body));
    // imported (real) records are listed without asking, closed ones are not
    server::db::sample::remove(&s.pool).await.unwrap();
    let hash = server::api::auth::hash_password("real-admin-password").unwrap();
    let acc = server::db::accounts::NewAccount { username: "admin-real", display_name: "管理员", password_hash: &hash, role: app::model::Role::Admin, organisation_id: None, district_id: None, is_sample: false };
    server::db::accounts::create_account(&s.pool, acc, chrono::Utc::now().timestamp()).await.unwrap();
    let admin = s.login("admin-real", "real-admin-password").await.1.unwrap();
    let (_, p) = upload(&s, &admin, &uuid(60), "wangzhuang-40.xlsx", fixture("wangzhuang-40.xlsx")).await;
    apply(&s, &admin, &uuid(60), "apply-60", json!({ "plan_hash": p["plan_hash"] })).await;
    server::db::query("UPDATE places SET closed_at = 1 WHERE registry_code = 'XW-WZ-0040'").execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (_, _, body) = get("/api/v1/open/places.csv").await;
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert_eq!(text.lines().count(), 40, "39 open places and the header");
    assert!(text.contains("小橡树托育中心（测试数据）") && !text.contains("XW-WZ-0040"));
}

/// A providers file as Excel on a Chinese Windows saves CSV (GBK): two providers of 新吴区,
/// one serving a radius with two items and a carer, one serving two 街道 with 助餐.
fn providers_csv(bath_price: u32, with_second: bool) -> Vec<u8> {
    let head = "机构名称,统一社会信用代码,服务机构名称,服务机构编号,服务机构类型,所在区,街道,地址,经度,纬度,坐标系,电话,24小时电话,服务半径（米）,服务街道,服务项目,服务时长（分钟）,市场价（元/次）,助餐方式,护理员姓名,护理员手机号,护理员等级,护理员证书编号,证书有效期至";
    let org = format!("无锡市康乐居家养老服务有限公司,{}", crate::helpers::uscc("91320214MA1KANGLE"));
    let mut rows = vec![
        format!("{org},康乐旺庄居家养老服务中心,YL-001,居家养老服务中心,新吴区,旺庄街道,旺庄路 200 号,120.3590,31.5760,GCJ-02,0510-88885678,0510-88889999,3000,,助浴,60,{bath_price},,李秀英,13912345678,中级养老护理员,S3202000001,2028-06-30"),
        format!("{org},康乐旺庄居家养老服务中心,YL-001,居家养老服务中心,新吴区,旺庄街道,旺庄路 200 号,120.3590,31.5760,GCJ-02,0510-88885678,0510-88889999,3000,,助洁,120,100,,,,,,"),
    ];
    if with_second {
        rows.push(format!("{org},康乐江溪助餐点,YL-002,助餐点,新吴区,江溪街道,江溪路 8 号,,,,0510-88880001,0510-88889999,,江溪街道、旺庄街道,助餐,30,15,堂食、送餐,,,,,"));
    }
    let text = format!("{head}\r\n{}\r\n", rows.join("\r\n"));
    encoding_rs::GB18030.encode(&text).0.into_owned()
}

#[tokio::test]
async fn providers_are_imported_with_items_area_and_carers_and_families_find_them() {
    let (s, admin) = start_real().await;
    let (st, p) = upload_kind(&s, &admin, "providers", &uuid(60), "providers.csv", providers_csv(80, true)).await;
    assert_eq!(st, 200, "{p}");
    assert_eq!((p["kind"].as_str(), p["read_as"].as_str(), p["error_rows"].as_u64()), (Some("providers"), Some("GB18030"), Some(0)), "{p}");
    assert_eq!(p["create"].as_array().unwrap().len(), 2);
    assert_eq!(count(&s, "SELECT count(*) FROM providers").await, 0, "a preview writes nothing");
    let (st, r) = apply(&s, &admin, &uuid(60), "apply-60", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!((st, r["created"].as_i64()), (200, Some(2)), "{r}");
    assert_eq!(count(&s, "SELECT count(*) FROM provider_items").await, 3);
    assert_eq!(count(&s, "SELECT count(*) FROM carers WHERE certificate_no = 'S3202000001' AND certificate_expires_on = '2028-06-30'").await, 1);
    assert_eq!(count(&s, "SELECT count(*) FROM provider_streets").await, 2);
    assert_eq!(count(&s, "SELECT count(*) FROM providers WHERE registry_code = 'YL-002' AND location_unverified = TRUE").await, 1);
    assert_eq!(count(&s, "SELECT count(*) FROM organisations WHERE beian_status = 'not_filed'").await, 1);
    // a family in 旺庄 finds both (the radius and the street list); 助浴 only at the first
    let (st, res) = s.get(None, "/api/v1/providers?lat=31.5750&lng=120.3580&street=wuxi-xinwu-wangzhuang").await;
    assert_eq!(st, 200, "{res}");
    let names: Vec<&str> = res["providers"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["康乐旺庄居家养老服务中心", "康乐江溪助餐点"]);
    let (_, res) = s.get(None, "/api/v1/providers?lat=31.5750&lng=120.3580&street=wuxi-xinwu-wangzhuang&item=bathing").await;
    assert_eq!(res["providers"][0]["items"].as_array().unwrap().iter().map(|i| i["item"].as_str().unwrap()).collect::<Vec<_>>(), ["cleaning", "bathing"]);

    // the same file again: nothing changes
    let (_, p) = upload_kind(&s, &admin, "providers", &uuid(61), "providers.csv", providers_csv(80, true)).await;
    assert_eq!((p["create"].as_array().unwrap().len(), p["update"].as_array().unwrap().len(), p["unchanged"].as_u64()), (0, 0, Some(2)), "{p}");
    // a changed price: one update naming the item, audited
    let (_, p) = upload_kind(&s, &admin, "providers", &uuid(62), "providers.csv", providers_csv(95, true)).await;
    let update = p["update"].as_array().unwrap();
    assert_eq!(update.len(), 1, "{p}");
    assert_eq!(update[0]["changes"], json!([{ "column": "服务项目 助浴", "before": "60 分钟 · 80 元/次", "after": "60 分钟 · 95 元/次" }]));
    let (st, r) = apply(&s, &admin, &uuid(62), "apply-62", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!((st, r["updated"].as_i64()), (200, Some(1)), "{r}");
    assert_eq!(count(&s, "SELECT market_price_yuan FROM provider_items WHERE service_item = 'bathing'").await, 95);
    assert_eq!(count(&s, "SELECT count(*) FROM audit_log WHERE action = 'provider_import_update'").await, 1);
    assert_eq!(count(&s, "SELECT count(*) FROM carers").await, 1, "a carer is matched by certificate, not added again");

    // the meal point is no longer in the file: listed, closed on confirm, gone for families
    let (_, p) = upload_kind(&s, &admin, "providers", &uuid(63), "providers.csv", providers_csv(95, false)).await;
    let gone = count(&s, "SELECT id FROM providers WHERE registry_code = 'YL-002'").await;
    assert_eq!(p["missing"].as_array().unwrap().iter().map(|m| m["id"].as_i64().unwrap()).collect::<Vec<_>>(), [gone], "{p}");
    let (st, r) = apply(&s, &admin, &uuid(63), "apply-63", json!({ "plan_hash": p["plan_hash"], "close": [gone] })).await;
    assert_eq!((st, r["closed"].as_i64()), (200, Some(1)), "{r}");
    assert_eq!(s.get(None, &format!("/api/v1/providers/{gone}")).await.0, 404);
    let (_, res) = s.get(None, "/api/v1/providers?lat=31.5750&lng=120.3580&street=wuxi-xinwu-wangzhuang").await;
    assert_eq!(res["providers"].as_array().unwrap().len(), 1);
    let csv = s.http.get(format!("{}/api/v1/open/providers.csv", s.base)).send().await.unwrap().text().await.unwrap();
    assert!(csv.contains("康乐旺庄居家养老服务中心") && !csv.contains("康乐江溪助餐点"), "a closed provider is not in the open data: {csv}");
}

#[tokio::test]
async fn a_providers_file_with_mistakes_names_them_and_writes_nothing() {
    let (s, admin) = start_real().await;
    let good = String::from_utf8(encoding_rs::GB18030.decode(&providers_csv(80, true)).0.into_owned().into_bytes()).unwrap();
    let bad = good.replace(",3000,,助浴", ",,,助浴").replace("S3202000001,2028-06-30", "S3202000001,2020-01-01").replace("助餐,30", "助急,30");
    let (st, p) = upload_kind(&s, &admin, "providers", &uuid(70), "bad.csv", bad.into_bytes()).await;
    assert_eq!(st, 200, "{p}");
    let t = texts(&p);
    for want in ["第 2 行「服务半径（米）」请填写服务半径（米）或服务街道", "第 2 行「证书有效期至」证书已过期", "第 4 行「服务项目」助急不需要下单"] {
        assert!(t.iter().any(|x| x.starts_with(want)), "{want} not in {t:#?}");
    }
    assert_eq!(p["create"].as_array().unwrap().len(), 0, "{p}");
    let (st, body) = apply(&s, &admin, &uuid(70), "apply-70", json!({ "plan_hash": p["plan_hash"] })).await;
    assert_eq!(st, 422, "{body}");
    assert_eq!(count(&s, "SELECT count(*) FROM providers").await, 0);
}

#[tokio::test]
async fn population_figures_come_in_by_the_same_preview_and_apply_and_feed_the_indicators() {
    let (s, admin) = start_real().await;
    let csv = "所在区,街道,年份,常住人口,0-3岁,60岁及以上,65岁及以上,80岁及以上,社区（村）数,数据来源\r\n\
               新吴区,旺庄街道,2025,\"120,000\",2100,24000,17000,3500,15,2025 年统计公报\r\n\
               新吴区,江溪街道,2025,90000,1500,18000,20000,2600,,2025 年统计公报\r\n";
    let (st, preview) = upload_kind(&s, &admin, "population", &uuid(70), "人口.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(st, 200, "{preview}");
    assert_eq!(preview["kind"], "population");
    assert_eq!(texts(&preview), ["第 3 行「65岁及以上」65岁及以上（20000）不能大于 60岁及以上（18000）"]);
    assert_eq!((preview["create"].as_array().unwrap().len(), preview["error_rows"].as_u64()), (1, Some(1)));
    // with a problem, only when asked to skip it
    let (st, body) = apply(&s, &admin, &uuid(70), "pop-apply-1", json!({ "plan_hash": preview["plan_hash"] })).await;
    assert_eq!((st, crate::helpers::fields(&body)), (422, vec!["only_valid_rows".to_string()]));
    let (st, result) = apply(&s, &admin, &uuid(70), "pop-apply-2", json!({ "plan_hash": preview["plan_hash"], "only_valid_rows": true })).await;
    assert_eq!(st, 200, "{result}");
    assert_eq!((result["created"].as_u64(), result["skipped_rows"].as_u64()), (Some(1), Some(1)));
    assert_eq!(count(&s, "SELECT resident FROM population WHERE street_id = 'wuxi-xinwu-wangzhuang' AND year = 2025").await, 120_000);
    assert_eq!(count(&s, "SELECT count(*) FROM audit_log WHERE action = 'population_import_create'").await, 1);

    // the same file again: nothing changes; a changed figure is an update with before and after
    let (_, again) = upload_kind(&s, &admin, "population", &uuid(71), "人口.csv", csv.as_bytes().to_vec()).await;
    assert_eq!((again["create"].as_array().unwrap().len(), again["update"].as_array().unwrap().len(), again["unchanged"].as_u64()), (0, 0, Some(1)));
    let changed = csv.replace("\"120,000\"", "125000");
    let (_, upd) = upload_kind(&s, &admin, "population", &uuid(72), "人口.csv", changed.into_bytes()).await;
    let change = &upd["update"][0]["changes"][0];
    assert_eq!((change["column"].as_str(), change["before"].as_str(), change["after"].as_str()), (Some("常住人口"), Some("120000"), Some("125000")));

    // the supervisor's denominators: 旺庄街道's people, named with their source
    let (_, ind) = s.get(Some(&admin), "/api/v1/supervise/indicators?area=wuxi-xinwu-wangzhuang").await;
    assert_eq!((ind["population"]["resident"].as_i64(), ind["population"]["source"].as_str(), ind["population"]["sample"].as_bool()), (Some(120_000), Some("2025 年统计公报"), Some(false)));
    // and the template has its 填写说明
    let res = s.http.get(format!("{}/api/v1/admin/imports/template/population", s.base)).header("Cookie", &admin.cookie).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let bytes = res.bytes().await.unwrap();
    let book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), ["街道人口", "填写说明"]);
}
