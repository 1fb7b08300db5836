//! Integration tests: the real server on a random port, a temporary SQLite
//! database with the sample data, real HTTP through the typed client.


use app::net::client::ClientError;
use app::rules::geo::{distance_m, LatLng};
use app::model::*;
use crate::helpers::{start, TestServer};
use std::collections::HashSet;

const WANGZHUANG: LatLng = LatLng::new(31.575, 120.358);

fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
    s.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn at(p: LatLng, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v = pairs(&[("lat", &p.lat.to_string()), ("lng", &p.lng.to_string())]);
    v.extend(pairs(extra));
    v
}

#[tokio::test]
async fn results_are_within_the_radius_nearest_first_and_complete() {
    let s = start().await;
    let r = s.client.places_raw(&at(WANGZHUANG, &[("limit", "200")])).await.unwrap();
    assert!(r.places.len() >= 10, "{}", r.places.len());
    assert_eq!(r.total as usize, r.places.len());
    assert!(r.places.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
    for h in &r.places {
        let d = distance_m(WANGZHUANG, LatLng::new(h.lat, h.lng));
        assert!((d - h.distance_m).abs() < 0.2 && d <= 3000.0, "{} {d}", h.id);
    }
    // Every place in the database within 3 km is found (checked without the index).
    let all: Vec<(i64, f64, f64)> = server::db::query_as("SELECT id, lat, lng FROM places").fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let expected: HashSet<i64> =
        all.iter().filter(|(_, lat, lng)| distance_m(WANGZHUANG, LatLng::new(*lat, *lng)) <= 3000.0).map(|x| x.0).collect();
    let got: HashSet<i64> = r.places.iter().map(|h| h.id).collect();
    assert_eq!(got, expected);
    // the nearest results around 旺庄's centre are in 旺庄
    assert!(r.places.iter().take(3).all(|h| h.street_name == "旺庄街道"), "{:?}", r.places.iter().take(3).map(|h| &h.street_name).collect::<Vec<_>>());
}

#[tokio::test]
async fn radius_and_limit() {
    let s = start().await;
    let near = s.client.places_raw(&at(WANGZHUANG, &[("radius_m", "1000"), ("limit", "200")])).await.unwrap();
    let far = s.client.places_raw(&at(WANGZHUANG, &[("radius_m", "8000"), ("limit", "200")])).await.unwrap();
    assert!(near.places.iter().all(|h| h.distance_m <= 1000.0));
    assert!(far.places.iter().any(|h| h.distance_m > 3000.0));
    assert!(near.total < far.total, "{} {}", near.total, far.total);
    assert_eq!(far.radius_m, 8000);
    let cut = s.client.places_raw(&at(WANGZHUANG, &[("radius_m", "8000"), ("limit", "5")])).await.unwrap();
    assert_eq!(cut.places.len(), 5);
    assert_eq!(cut.total, far.total);
    assert_eq!(cut.places, far.places[..5].to_vec());
}

#[tokio::test]
async fn each_filter_keeps_only_matching_places() {
    let s = start().await;
    let wide = [("radius_m", "10000"), ("limit", "200")];
    let base = s.client.places_raw(&at(WANGZHUANG, &wide)).await.unwrap();
    let with = |extra: &'static [(&'static str, &'static str)]| {
        let mut q = at(WANGZHUANG, &wide);
        q.extend(pairs(extra));
        let c = s.client.clone();
        async move { c.places_raw(&q).await.unwrap() }
    };

    let infant = with(&[("age_months", "8")]).await;
    assert!(!infant.places.is_empty() && infant.total < base.total);
    assert!(infant.places.iter().all(|h| h.vacancy.as_ref().unwrap().age_bands == vec![AgeBand::Infant]));
    // cross-check with the database: exactly the places with a 乳儿班
    let with_infant: HashSet<i64> = server::db::query_scalar("SELECT place_id FROM classes WHERE age_band = 'infant'")
        .fetch_all(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap()
        .into_iter()
        .collect();
    let base_ids: HashSet<i64> = base.places.iter().map(|h| h.id).collect();
    let expected: HashSet<i64> = base_ids.intersection(&with_infant).copied().collect();
    assert_eq!(infant.places.iter().map(|h| h.id).collect::<HashSet<_>>(), expected);

    let hourly = with(&[("care_mode", "hourly")]).await;
    assert!(!hourly.places.is_empty() && hourly.total < base.total);
    assert!(hourly.places.iter().all(|h| h.care_modes.contains(&CareMode::Hourly)));

    let puhui = with(&[("puhui", "1")]).await;
    assert!(!puhui.places.is_empty() && puhui.total < base.total);
    assert!(puhui.places.iter().all(|h| h.puhui && h.puhui_fee_yuan.is_some()));

    let cheap = with(&[("max_fee", "2000")]).await;
    assert!(!cheap.places.is_empty() && cheap.total < base.total);
    assert!(cheap.places.iter().all(|h| h.monthly_fee_yuan.is_some_and(|f| f <= 2000)));

    let open = with(&[("vacancy", "1")]).await;
    assert!(!open.places.is_empty() && open.total < base.total);
    assert!(open.places.iter().all(|h| h.vacancy.as_ref().is_some_and(|v| v.vacancies > 0)));

    let community = with(&[("type", "community")]).await;
    assert!(!community.places.is_empty() && community.total < base.total);
    assert!(community.places.iter().all(|h| h.provider_type == ProviderType::Community));

    // filters combine
    let both = with(&[("puhui", "1"), ("vacancy", "1")]).await;
    assert!(both.places.iter().all(|h| h.puhui && h.vacancy.as_ref().unwrap().vacancies > 0));
    assert!(both.total <= puhui.total.min(open.total));
}

#[tokio::test]
async fn search_from_an_area_uses_its_centre() {
    let s = start().await;
    let r = s.client.places_raw(&pairs(&[("area", "wuxi-xinwu-wangzhuang")])).await.unwrap();
    assert_eq!((r.origin_lat, r.origin_lng), (31.575, 120.358));
    assert!(!r.places.is_empty());
    let e = s.client.places_raw(&pairs(&[("area", "nowhere")])).await.unwrap_err();
    let ClientError::Api { status: 422, body } = e else { panic!("{e:?}") };
    assert_eq!(body.fields[0].field, "area");
}

async fn status_and_body(s: &TestServer, path: &str) -> (u16, serde_json::Value) {
    let res = s.http.get(format!("{}{}", s.base, path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn bad_input_is_422_naming_each_field_in_chinese() {
    let s = start().await;
    for (query, field, word) in [
        ("lat=200&lng=120", "lat", "纬度"),
        ("lat=31.5&lng=120&radius_m=-1", "radius_m", "半径"),
        ("lat=31.5&lng=120&age_months=abc", "age_months", "月龄"),
        ("lat=31.5&lng=120&care_mode=weekend", "care_mode", "托育形式"),
        ("lat=31.5&lng=120&type=zoo", "type", "机构类型"),
        ("lat=31.5&lng=120&max_fee=-5", "max_fee", "月费"),
        ("lng=120", "lat", "纬度"),
        ("", "lat", "位置"),
    ] {
        let (status, body) = status_and_body(&s, &format!("/api/v1/places?{query}")).await;
        assert_eq!(status, 422, "{query}");
        assert_eq!(body["error"], "validation");
        let f = body["fields"].as_array().unwrap();
        let hit = f.iter().find(|e| e["field"] == field).unwrap_or_else(|| panic!("{query}: {body}"));
        assert!(hit["message"].as_str().unwrap().contains(word), "{query}: {hit}");
    }
    // all at once: every field named
    let (status, body) =
        status_and_body(&s, "/api/v1/places?lat=200&lng=120&radius_m=-1&age_months=abc&care_mode=x").await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["lat", "radius_m", "age_months", "care_mode"]);
    // malformed percent-encoding is still a clean answer, never a 5xx
    let (status, _) = status_and_body(&s, "/api/v1/places?lat=%ZZ&lng=1").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn unknown_ids_and_routes_are_404_json() {
    let s = start().await;
    for path in ["/api/v1/places/999999", "/api/v1/places/abc", "/api/v1/places/-1", "/api/v1/nothing"] {
        let (status, body) = status_and_body(&s, path).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"], "not_found", "{path}");
    }
    assert!(s.client.place(999_999).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn place_detail_has_classes_organisation_and_siblings() {
    let s = start().await;
    // an organisation running several places (1+N)
    let (org, pid): (i64, i64) = server::db::query_as(
        "SELECT organisation_id, min(id) FROM places GROUP BY organisation_id HAVING count(*) > 1 ORDER BY organisation_id LIMIT 1",
    )
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    let p = s.client.place(pid).await.unwrap();
    assert_eq!(p.summary.id, pid);
    assert_eq!(p.organisation.id, org);
    assert!(p.organisation.name.contains("示例") && p.summary.name.contains("示例"));
    assert_eq!(p.organisation.uscc.len(), 18);
    assert!(!p.summary.classes.is_empty() && !p.summary.care_modes.is_empty());
    assert!(!p.siblings.is_empty() && p.siblings.iter().all(|x| x.id != pid));
    for c in &p.summary.classes {
        assert!(c.vacancies + c.enrolled <= c.capacity);
    }
    let n: i64 = server::db::query_scalar("SELECT count(*) FROM places WHERE organisation_id = ?").bind(org).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(p.siblings.len() as i64, n - 1);
}

#[tokio::test]
async fn areas_list_districts_and_streets() {
    let s = start().await;
    let a = s.client.areas().await.unwrap();
    let xinwu = a.districts.iter().find(|d| d.id == "wuxi-xinwu").unwrap();
    assert_eq!(xinwu.streets.len(), 6);
    assert!(xinwu.streets.iter().any(|s| s.name == "旺庄街道" && s.place_count > 10));
    for id in ["yangzhou-hanjiang", "yangzhou-guangling", "yangzhou-jiangdu", "haian", "suqian-sucheng"] {
        assert!(a.districts.iter().any(|d| d.id == id), "{id}");
    }
    let total: u32 = a.districts.iter().flat_map(|d| &d.streets).map(|s| s.place_count).sum();
    assert!(total >= 300, "{total}");
}

#[tokio::test]
async fn sample_data_has_the_named_yangzhou_projects() {
    let s = start().await;
    let rows: Vec<(String, i64)> = server::db::query_as(
        "SELECT p.name, CAST(sum(c.capacity) AS BIGINT) FROM places p JOIN classes c ON c.place_id = p.id
         WHERE p.district_id LIKE 'yangzhou-%' AND p.name LIKE '%托育%' GROUP BY p.id",
    )
    .fetch_all(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    for (name, slots) in [("菲奇兔", 80), ("文昌花园", 50), ("蒙鹿", 100), ("松鼠妈妈", 80), ("杨寿镇中心幼儿园", 25)] {
        let r = rows.iter().find(|(n, _)| n.contains(name)).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(r.1, slots, "{name}");
    }
    let unlabelled: i64 = server::db::query_scalar("SELECT count(*) FROM places WHERE name NOT LIKE '%示例%' OR is_sample = FALSE")
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(unlabelled, 0);
}

#[tokio::test]
async fn nearby_search_reads_the_rtree_not_every_row() {
    let s = start().await;
    if crate::helpers::on_postgres() {
        // PostGIS: ST_DWithin is answered from the GiST index on places.geog (with sequential
        // scans priced out, so a small sample table cannot hide an index that does not apply)
        let mut conn = s.pool.acquire().await.unwrap();
        server::db::query("SET enable_seqscan = off").execute(&mut *conn).await.unwrap();
        let plan: Vec<String> = server::db::query_scalar(
            "EXPLAIN SELECT id FROM places WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint(120.35, 31.55), 4326)::geography, 3000)",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        server::db::query("RESET enable_seqscan").execute(&mut *conn).await.unwrap();
        assert!(plan.iter().any(|l| l.contains("places_geog")), "{plan:?}");
        assert!(!plan.iter().any(|l| l.contains("Seq Scan")), "{plan:?}");
        return;
    }
    let plan: Vec<(i64, i64, i64, String)> = server::db::query_as(
        "EXPLAIN QUERY PLAN SELECT p.id FROM places p WHERE p.id IN
           (SELECT id FROM place_geo WHERE min_lat >= ? AND max_lat <= ? AND min_lng >= ? AND max_lng <= ?)",
    )
    .bind(31.5)
    .bind(31.6)
    .bind(120.3)
    .bind(120.4)
    .fetch_all(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    let text: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
    // R*Tree strategy 2 (a constrained tree search) over all four bounds, then
    // places by primary key; never a scan of `places`.
    assert!(text.iter().any(|t| t.contains("place_geo VIRTUAL TABLE INDEX 2:D0B1D2B3")), "{text:?}");
    assert!(text.iter().any(|t| t.starts_with("SEARCH p USING INTEGER PRIMARY KEY")), "{text:?}");
    assert!(!text.iter().any(|t| t.starts_with("SCAN p ") || *t == "SCAN p"), "{text:?}");
}

#[tokio::test]
async fn change_sequence_moves_on_every_change_and_records_deletions() {
    let s = start().await;
    let seq0: i64 = server::db::query_scalar("SELECT value FROM change_counter").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (class_id, place_id, place_seq): (i64, i64, i64) = server::db::query_as(
        "SELECT c.id, p.id, p.change_seq FROM classes c JOIN places p ON p.id = c.place_id ORDER BY c.id LIMIT 1",
    )
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap();
    assert!(place_seq > 0 && place_seq <= seq0);
    // an operator confirms a class: only confirmed_at moves, and the class and its place get new numbers
    server::db::query("UPDATE classes SET confirmed_at = unixepoch() WHERE id = ?").bind(class_id).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (cseq,): (i64,) = server::db::query_as("SELECT change_seq FROM classes WHERE id = ?").bind(class_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (pseq,): (i64,) = server::db::query_as("SELECT change_seq FROM places WHERE id = ?").bind(place_id).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert!(cseq > seq0, "{seq0} {cseq}");
    // SQLite numbers each row; PostgreSQL gives a transaction's rows its one number
    if crate::helpers::on_postgres() {
        assert_eq!(pseq, cseq);
    } else {
        assert!(pseq > cseq, "{cseq} {pseq}");
    }
    let changed: Vec<i64> = server::db::query_scalar("SELECT id FROM places WHERE change_seq > ?").bind(seq0).fetch_all(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    assert_eq!(changed, vec![place_id]);
    // the API shows the new number
    let p = s.client.place(place_id).await.unwrap();
    assert_eq!(p.summary.change_seq, pseq);
    // deleting a place leaves a tombstone with a later number
    let victim: i64 = server::db::query_scalar("SELECT id FROM places WHERE is_main = FALSE LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    server::db::query("DELETE FROM places WHERE id = ?").bind(victim).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (tseq,): (i64,) = server::db::query_as("SELECT change_seq FROM tombstones WHERE entity = 'place' AND entity_id = ?")
        .bind(victim.to_string())
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert!(tseq > pseq);
    assert!(s.client.place(victim).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn database_refuses_impossible_vacancies() {
    let s = start().await;
    let id: i64 = server::db::query_scalar("SELECT id FROM classes LIMIT 1").fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    for sql in [
        "UPDATE classes SET vacancies = -1 WHERE id = ?",
        "UPDATE classes SET enrolled = capacity + 1 WHERE id = ?",
        "UPDATE classes SET vacancies = capacity - enrolled + 1 WHERE id = ?",
    ] {
        assert!(server::db::query(sql).bind(id).execute(&mut *s.pool.acquire().await.unwrap()).await.is_err(), "{sql}");
    }
}

#[tokio::test]
async fn pages_are_server_rendered_with_real_results() {
    // 15 November 2026 on the server's clock: a child born in March 2026 is 8 months old
    let s = crate::helpers::start_at(chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 15, 4, 0, 0).unwrap()).await;
    let r = s.client.places_raw(&pairs(&[("area", "wuxi-xinwu-wangzhuang"), ("age_months", "8")])).await.unwrap();
    let res = s.http.get(format!("{}/?area=wuxi-xinwu-wangzhuang&birth=2026-03", s.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\""));
    // the age and the first result's name are in the HTML before any script runs
    assert!(html.contains("孩子 8 个月"));
    let first = &r.places[0].name;
    assert!(html.contains(first.as_str()), "{first}");
    // in the results' order: the server rendered this search, not another
    let names: Vec<usize> = r.places.iter().take(3).map(|p| html.find(p.name.as_str()).expect("each of the first results")).collect();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    assert!(html.contains("示例数据"));

    let res = s.http.get(format!("{}/places/{}", s.base, r.places[0].id)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains(first.as_str()) && html.contains("GCJ-02"));

    let res = s.http.get(format!("{}/places/999999", s.base)).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("页面不存在"));
    let res = s.http.get(format!("{}/no/such/page", s.base)).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn responses_are_compressed() {
    let s = start().await;
    for enc in ["br", "gzip"] {
        let res = s
            .http
            .get(format!("{}/api/v1/places?lat=31.575&lng=120.358&limit=50", s.base))
            .header("Accept-Encoding", enc)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers().get("content-encoding").unwrap(), enc);
    }
}

#[tokio::test]
async fn health_and_openapi() {
    let s = start().await;
    let res = s.http.get(format!("{}/healthz", s.base)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (status, doc) = status_and_body(&s, "/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in ["/api/v1/places", "/api/v1/places/{id}", "/api/v1/areas", "/api/v1/carer/visits", "/api/v1/welfare-visits"] {
        assert!(doc["paths"][p]["get"].is_object(), "{p}");
    }
    for p in ["/api/v1/carer/orders/{id}/check-in", "/api/v1/carer/orders/{id}/check-out", "/api/v1/orders/{id}/rating", "/api/v1/orders/{id}/reschedule"] {
        assert!(doc["paths"][p]["post"].is_object(), "{p}");
    }
    let params: Vec<&str> =
        doc["paths"]["/api/v1/places"]["get"]["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    for name in ["lat", "lng", "radius_m", "age_months", "care_mode", "puhui", "max_fee", "vacancy", "type", "limit"] {
        assert!(params.contains(&name), "{name} in {params:?}");
    }
}
