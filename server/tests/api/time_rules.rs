//! Rules that depend on the day and the hour, at their edges, with the server's clock set
//! (`start_at`): a timeslot that has just started; the 1st of a month in Beijing while it is
//! still the last day of the month in UTC; a week that ends at Sunday 16:00Z; the 12 h cancel
//! window to the second (and moving into a time already inside it); the carer's list from
//! yesterday to a week ahead. Nothing here reads the machine's clock or time zone.


use chrono::{DateTime, Duration, TimeZone, Utc};
use crate::helpers::{elder, fields, start_at, uuid, Login, TestServer};
use serde_json::{json, Value};
use server::db::sample::SAMPLE_PASSWORD;

/// An instant given as Beijing wall time (UTC+8).
fn bj(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, s).unwrap() - Duration::hours(8)
}

fn utc(y: i32, m: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, mi, s).unwrap()
}


async fn w(s: &TestServer, l: Option<&Login>, path: &str, key: &str, body: Value) -> (u16, Value) {
    s.write(l, "POST", path, &format!("time-rules-{key}"), body).await
}


/// The 旺庄 station (sample: bathing Monday–Friday 09:00 and 14:00, 2 each; 12 h window).
async fn station(s: &TestServer) -> i64 {
    let (_, body) = s.get(None, "/api/v1/providers?lat=31.575&lng=120.358&street=wuxi-xinwu-wangzhuang&item=bathing").await;
    body["providers"].as_array().unwrap().iter().find(|p| p["kind"] == "home_care_station").unwrap()["id"].as_i64().unwrap()
}

/// The station's bathing opening on `date` at `start`.
async fn bathing_at(s: &TestServer, station: i64, date: &str, start: &str) -> Value {
    let (st, open) = s.get(None, &format!("/api/v1/providers/{station}/openings?item=bathing")).await;
    assert_eq!(st, 200, "{open}");
    open["openings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["date"] == date && o["start"] == start)
        .unwrap_or_else(|| panic!("an opening {date} {start} in {open}"))
        .clone()
}

async fn order(s: &TestServer, n: u64, station: i64, o: &Value, elder: Value) -> (u16, Value) {
    let body = json!({ "id": uuid(n), "provider_id": station, "item": "bathing", "timeslot_id": o["timeslot_id"], "date": o["date"], "elder": elder, "consent": true });
    w(s, None, "/api/v1/orders", &format!("order-{n}"), body).await
}

/// A visit timeslot of a sample place of `op-feiqitu` (周二、周四 10:00, 周六 09:30).
async fn feiqitu_place(s: &TestServer) -> i64 {
    server::db::query_scalar(
        "SELECT p.id FROM places p JOIN users u ON u.organisation_id = p.organisation_id
         WHERE u.username = 'op-feiqitu' AND EXISTS (SELECT 1 FROM timeslots t WHERE t.place_id = p.id AND t.kind = 'visit')
         ORDER BY p.id LIMIT 1",
    )
    .fetch_one(&mut *s.pool.acquire().await.unwrap())
    .await
    .unwrap()
}

async fn first_visit_opening(s: &TestServer, place: i64) -> Value {
    let (st, body) = s.get(None, &format!("/api/v1/places/{place}/timeslots")).await;
    assert_eq!(st, 200, "{body}");
    body["openings"].as_array().unwrap().iter().find(|o| o["kind"] == "visit").unwrap().clone()
}

fn visit_request(n: u64, place: i64, o: &Value, phone: &str) -> Value {
    json!({
        "id": uuid(n), "place_id": place, "kind": "visit", "timeslot_id": o["timeslot_id"], "timeslot_date": o["date"],
        "contact_name": "王女士", "contact_phone": phone, "consent": true
    })
}

#[tokio::test]
async fn a_timeslot_that_has_started_is_neither_offered_nor_bookable() {
    // Thursday 26 November 2026, one second before the 10:00 visit
    let s = start_at(bj(2026, 11, 26, 9, 59, 59)).await;
    let place = feiqitu_place(&s).await;
    let thursday = first_visit_opening(&s, place).await;
    assert_eq!((thursday["date"].as_str(), thursday["start"].as_str()), (Some("2026-11-26"), Some("10:00")));
    // 10:00:00: it has started; the next is Saturday 09:30
    s.clock.set(bj(2026, 11, 26, 10, 0, 0));
    let next = first_visit_opening(&s, place).await;
    assert_eq!((next["date"].as_str(), next["start"].as_str()), (Some("2026-11-28"), Some("09:30")));
    let (st, body) = w(&s, None, "/api/v1/requests", "late-visit", visit_request(1, place, &thursday, "13800001111")).await;
    assert_eq!((st, fields(&body)), (422, vec!["timeslot".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("已经开始"), "{body}");
    // one second earlier the same booking goes through
    s.clock.set(bj(2026, 11, 26, 9, 59, 59));
    let (st, body) = w(&s, None, "/api/v1/requests", "in-time-visit", visit_request(2, place, &thursday, "13800001111")).await;
    assert_eq!(st, 201, "{body}");
    assert_eq!((body["timeslot_date"].as_str(), body["timeslot_start"].as_str()), (Some("2026-11-26"), Some("10:00")));

    // the same for a home visit: Thursday 09:00 bathing at 09:00:00
    let station = station(&s).await;
    s.clock.set(bj(2026, 11, 26, 8, 59, 59));
    let nine = bathing_at(&s, station, "2026-11-26", "09:00").await;
    s.clock.set(bj(2026, 11, 26, 9, 0, 0));
    let (st, body) = order(&s, 3, station, &nine, elder("王奶奶", 70, false)).await;
    assert_eq!((st, fields(&body)), (422, vec!["timeslot".to_string()]), "{body}");
    let (_, open) = s.get(None, &format!("/api/v1/providers/{station}/openings?item=bathing")).await;
    assert_eq!((open["openings"][0]["date"].as_str(), open["openings"][0]["start"].as_str()), (Some("2026-11-26"), Some("14:00")));
}

#[tokio::test]
async fn the_month_is_beijings_on_the_first_while_utc_is_still_in_the_last_day() {
    // 2026-11-30 15:59:59Z is 23:59:59 in Beijing, still November
    let s = start_at(utc(2026, 11, 30, 15, 59, 59)).await;
    let page = |birth: &'static str| {
        let (http, base) = (s.http.clone(), s.base.clone());
        async move { http.get(format!("{base}/?area=wuxi-xinwu-wangzhuang&birth={birth}")).send().await.unwrap().text().await.unwrap() }
    };
    let html = page("2026-12").await;
    assert!(html.contains("出生年月不能晚于本月"), "a December birth is in the future in November");
    assert!(page("2026-03").await.contains("孩子 8 个月"));

    // 16:30Z: 00:30 on 1 December in Beijing (UTC still says 30 November)
    s.clock.set(utc(2026, 11, 30, 16, 30, 0));
    let html = page("2026-12").await;
    assert!(!html.contains("出生年月不能晚于本月"), "born this month is accepted");
    assert!(html.contains("孩子 0 个月"));
    let html = page("2026-03").await;
    assert!(html.contains("孩子 9 个月"), "March to December: 9 months");
    // the results are those for 9 months, rendered on the server
    let api = s.client.places_raw(&[("area".into(), "wuxi-xinwu-wangzhuang".into()), ("age_months".into(), "9".into())]).await.unwrap();
    assert!(html.contains(api.places[0].name.as_str()), "{}", api.places[0].name);

    // an application with a child born this (Beijing) month is not refused for the month
    let place = feiqitu_place(&s).await;
    let class: i64 = server::db::query_scalar("SELECT id FROM classes WHERE place_id = ? LIMIT 1").bind(place).fetch_one(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let app = |n: u64, birth: &str| {
        json!({
            "id": uuid(n), "place_id": place, "kind": "application", "class_id": class, "child_birth_month": birth,
            "start_month": "2027-06", "priority_grounds": [], "contact_name": "李先生", "contact_phone": "13800002222", "consent": true,
            "consents": [{ "purpose": "contact", "version": 2 }, { "purpose": "child_data", "version": 2 }]
        })
    };
    let (st, body) = w(&s, None, "/api/v1/requests", "born-this-month", app(10, "2026-12")).await;
    // (the class may still not take a child of that age: only the month rule is at issue)
    assert!(st == 201 || st == 422, "{body}");
    let msgs: Vec<&str> = body["fields"].as_array().map(|a| a.iter().map(|f| f["message"].as_str().unwrap()).collect()).unwrap_or_default();
    assert!(!msgs.contains(&"出生年月不能晚于本月"), "{msgs:?}");
    // and January is still the future
    let (st, body) = w(&s, None, "/api/v1/requests", "born-next-month", app(11, "2027-01")).await;
    assert_eq!((st, body["fields"][0]["message"].as_str()), (422, Some("出生年月不能晚于本月")), "{body}");
}

#[tokio::test]
async fn a_week_of_weekly_visits_ends_at_sunday_16_00_utc() {
    // Wednesday 25 November 2026, 10:00 in Beijing: three people the 探访 rule covers
    let s = start_at(bj(2026, 11, 25, 10, 0, 0)).await;
    let station = station(&s).await;
    for (n, (name, date, start)) in
        [("张大爷", "2026-11-26", "09:00"), ("李奶奶", "2026-11-26", "14:00"), ("赵大爷", "2026-11-27", "09:00")].into_iter().enumerate()
    {
        let o = bathing_at(&s, station, date, start).await;
        let (st, body) = order(&s, 20 + n as u64, station, &o, elder(name, 82, true)).await;
        assert_eq!(st, 201, "{body}");
    }
    let week_of = |name: &'static str, week: &'static str| {
        let pool = s.pool.clone();
        async move {
            server::db::query_scalar::<i64>(
                "SELECT v.id FROM welfare_visits v JOIN welfare_plans w ON w.id = v.plan_id WHERE w.elder_name = ? AND v.week_start = ?",
            )
            .bind(name)
            .bind(week)
            .fetch_one(&mut *pool.acquire().await.unwrap())
            .await
            .unwrap()
        }
    };
    let op = s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap();
    let (sr, opr) = (&s, &op);
    let record = move |id: i64, key: &'static str| {
        let at = sr.clock.now();
        async move { w(sr, Some(opr), &format!("/api/v1/operator/welfare-visits/{id}"), key, json!({ "mode": "phone", "done_at": at })).await }
    };

    // Sunday 23:59:59 in Beijing (15:59:59Z): still the week of Monday 23 November
    s.clock.set(utc(2026, 11, 29, 15, 59, 59));
    let (st, body) = record(week_of("张大爷", "2026-11-23").await, "zhang-1").await;
    assert_eq!((st, body["status"].as_str()), (200, Some("done")), "{body}");
    // two seconds later (16:00:01Z) it is Monday in Beijing: a record for last week is kept but
    // the week stays missed
    s.clock.set(utc(2026, 11, 29, 16, 0, 1));
    let (st, body) = record(week_of("李奶奶", "2026-11-23").await, "li-1").await;
    assert_eq!((st, body["status"].as_str(), body["mode"].as_str()), (200, Some("missed"), Some("phone")), "{body}");

    // the hourly generator: at 15:30Z (Sunday in Beijing) nothing is new and nothing missed yet
    let g = server::db::welfare::generate(&s.pool, utc(2026, 11, 29, 15, 30, 0)).await.unwrap();
    assert_eq!((g.created, g.missed), (0, 0));
    // at Sunday 16:30Z (Monday 00:30 in Beijing): next week's three, and 赵大爷's undone week missed
    let g = server::db::welfare::generate(&s.pool, utc(2026, 11, 29, 16, 30, 0)).await.unwrap();
    assert_eq!((g.created, g.missed), (3, 1));
    let g = server::db::welfare::generate(&s.pool, utc(2026, 11, 29, 17, 30, 0)).await.unwrap();
    assert_eq!((g.created, g.missed), (0, 0), "an hour later: nothing twice");
    let status: String = server::db::query_scalar("SELECT status FROM welfare_visits WHERE id = ?")
        .bind(week_of("赵大爷", "2026-11-23").await)
        .fetch_one(&mut *s.pool.acquire().await.unwrap())
        .await
        .unwrap();
    assert_eq!(status, "missed");
    // the Monday call counts for the new week
    s.clock.set(utc(2026, 11, 29, 16, 30, 0));
    let (st, body) = record(week_of("李奶奶", "2026-11-30").await, "li-2").await;
    assert_eq!((st, body["status"].as_str(), body["week_start"].as_str()), (200, Some("done"), Some("2026-11-30")), "{body}");
}

#[tokio::test]
async fn the_cancel_window_holds_to_the_second_and_a_move_cannot_go_inside_it() {
    let s = start_at(bj(2026, 11, 25, 10, 0, 0)).await;
    let station = station(&s).await;
    let fri = bathing_at(&s, station, "2026-11-27", "09:00").await;
    let mon = bathing_at(&s, station, "2026-11-30", "14:00").await;
    for (n, o) in [(31, &fri), (32, &fri), (33, &mon)] {
        let (st, body) = order(&s, n, station, o, elder("王奶奶", 70, false)).await;
        assert_eq!(st, 201, "{body}");
    }
    // Friday 09:00 less 12 h: Thursday 21:00 in Beijing
    let edge = bj(2026, 11, 26, 21, 0, 0);
    let res = s.http.get(format!("{}/api/v1/orders", s.base)).header("X-Device-Key", crate::helpers::DEVICE).send().await.unwrap();
    let mine: Value = res.json().await.unwrap();
    let until = mine["orders"].as_array().unwrap().iter().find(|o| o["id"] == uuid(31)).unwrap()["cancel_until"].clone();
    assert_eq!(until.as_str().map(|t| t.parse::<DateTime<Utc>>().unwrap()), Some(edge));

    s.clock.set(edge);
    let (st, body) = w(&s, None, &format!("/api/v1/orders/{}/cancel", uuid(31)), "cancel-31", json!({})).await;
    assert_eq!((st, body["status"].as_str()), (200, Some("cancelled")), "at the edge itself: still allowed");
    s.clock.set(edge + Duration::seconds(1));
    let (st, body) = w(&s, None, &format!("/api/v1/orders/{}/cancel", uuid(32)), "cancel-32", json!({})).await;
    assert_eq!((st, fields(&body)), (422, vec!["id".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("请直接致电"), "{body}");

    // moving the Monday visit to Friday 09:00 when that is less than 12 h away: refused, by name
    let move_to_fri = json!({ "timeslot_id": fri["timeslot_id"], "date": "2026-11-27" });
    let path = format!("/api/v1/orders/{}/reschedule", uuid(33));
    let (st, body) = w(&s, None, &path, "move-33-late", move_to_fri.clone()).await;
    assert_eq!((st, fields(&body)), (422, vec!["timeslot".to_string()]), "{body}");
    assert!(body["fields"][0]["message"].as_str().unwrap().contains("不足 12 小时"), "{body}");
    // exactly 12 h ahead it is allowed, and the order is back with the provider
    s.clock.set(edge);
    let (st, body) = w(&s, None, &path, "move-33", move_to_fri).await;
    assert_eq!((st, body["status"].as_str(), body["date"].as_str(), body["start"].as_str()), (200, Some("submitted"), Some("2026-11-27"), Some("09:00")), "{body}");
}

#[tokio::test]
async fn the_carers_list_runs_from_yesterday_to_a_week_ahead_in_beijing_days() {
    let s = start_at(bj(2026, 11, 25, 10, 0, 0)).await;
    let station = station(&s).await;
    let fri = bathing_at(&s, station, "2026-11-27", "09:00").await;
    let (st, body) = order(&s, 41, station, &fri, elder("王奶奶", 70, false)).await;
    assert_eq!(st, 201, "{body}");
    let op = s.login("op-xinwu-yanglao", SAMPLE_PASSWORD).await.1.unwrap();
    let carer = s.login("carer-wangzhuang", SAMPLE_PASSWORD).await.1.unwrap();
    let carer_id = carer.body["user"]["carer_id"].as_i64().unwrap();
    let decision = format!("/api/v1/operator/orders/{}/decision", uuid(41));
    assert_eq!(w(&s, Some(&op), &decision, "acc-41", json!({ "action": "accept" })).await.0, 200);
    assert_eq!(w(&s, Some(&op), &decision, "asg-41", json!({ "action": "assign", "carer_id": carer_id })).await.0, 200);
    let sr = &s;
    let listed = move |at: DateTime<Utc>| {
        sr.clock.set(at);
        let s = sr;
        async move {
            // a fresh sign-in each time: the session is the clock's too
            let carer = s.login("carer-wangzhuang", SAMPLE_PASSWORD).await.1.unwrap();
            let (st, list) = s.get(Some(&carer), "/api/v1/carer/visits").await;
            assert_eq!(st, 200, "{list}");
            list.as_array().unwrap().iter().any(|o| o["id"] == uuid(41))
        }
    };
    assert!(listed(bj(2026, 11, 28, 0, 0, 0)).await, "Saturday: Friday was yesterday");
    assert!(listed(bj(2026, 11, 28, 23, 59, 59)).await);
    assert!(!listed(bj(2026, 11, 29, 0, 0, 0)).await, "Sunday: two days ago");
    assert!(listed(bj(2026, 11, 20, 0, 0, 0)).await, "a week ahead");
    assert!(!listed(bj(2026, 11, 19, 23, 59, 59)).await, "eight days ahead");
}
