//! 居家上门服务, read side: the catalogue, the seeded rule table priced at its boundaries,
//! and who serves an address (radius or 街道 list), nearest first.


use app::model::elder::{quote, ElderProfile, SubsidyRule};
use app::model::{CapabilityLevel, ElderCategory, ServiceItem};
use crate::helpers::{elder_with_categories, fields, start};
use serde_json::Value;

/// The tests' older person in 旺庄 (as a family's phone describes them), with these categories
/// and capability level (consented to when given).
fn elder(age: u8, categories: Vec<ElderCategory>, level: Option<CapabilityLevel>) -> ElderProfile {
    let mut e: ElderProfile = serde_json::from_value(elder_with_categories("张大爷", age, true, serde_json::json!(categories))).unwrap();
    e.consent_health = level.is_some();
    e.capability_level = level;
    e
}

#[tokio::test]
async fn the_catalogue_lists_every_item_and_emergency_is_a_call() {
    let s = start().await;
    let (st, list) = s.get(None, "/api/v1/services").await;
    assert_eq!(st, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), ServiceItem::ALL.len());
    let sos = list.iter().find(|i| i["item"] == "emergency").unwrap();
    assert_eq!((sos["orderable"].as_bool(), sos["label"].as_str()), (Some(false), Some("助急")));
    assert!(list.iter().filter(|i| i["item"] != "emergency").all(|i| i["orderable"] == true));
}

#[tokio::test]
async fn the_seeded_rule_table_prices_orders_at_its_boundaries() {
    let s = start().await;
    let (st, rules) = s.get(None, "/api/v1/subsidy-rules").await;
    assert_eq!(st, 200, "{rules}");
    let rules: Vec<SubsidyRule> = serde_json::from_value(rules).unwrap();
    assert_eq!(rules.len(), 3);
    assert!(rules.iter().all(|r| r.is_sample && r.name.contains("示例")));
    use CapabilityLevel as L;
    use ElderCategory as C;
    let cases = [
        (elder(80, vec![C::Dibao], None), 120, 0, Some(1)),
        (elder(79, vec![C::Dibao], None), 40, 80, Some(3)),
        (elder(70, vec![C::Tekun], Some(L::Moderate)), 120, 0, Some(2)),
        (elder(70, vec![C::Tekun], Some(L::Severe)), 120, 0, Some(2)),
        (elder(70, vec![C::Tekun], Some(L::Mild)), 40, 80, Some(3)),
        (elder(80, vec![], None), 40, 80, Some(3)),
        (elder(79, vec![], None), 0, 120, None),
    ];
    for (p, public, family, rule) in cases {
        let q = quote(&rules, &p, ServiceItem::Bathing, 120);
        assert_eq!((q.public_pays_yuan, q.family_pays_yuan, q.rule_id), (public, family, rule), "{p:?}");
        assert!(!q.explanation.is_empty());
    }
    // editing the table (data) changes prices without touching code
    server::db::query(server::db::Sql::by_engine(
        "UPDATE subsidy_rules SET condition = json_set(condition, '$.min_age', 75) WHERE id = 1",
        "UPDATE subsidy_rules SET condition = jsonb_set(CAST(condition AS jsonb), '{min_age}', '75')::text WHERE id = 1",
    )).execute(&mut *s.pool.acquire().await.unwrap()).await.unwrap();
    let (_, rules) = s.get(None, "/api/v1/subsidy-rules").await;
    let rules: Vec<SubsidyRule> = serde_json::from_value(rules).unwrap();
    assert_eq!(quote(&rules, &elder(79, vec![C::Dibao], None), ServiceItem::Bathing, 120).rule_id, Some(1));
}

fn names(v: &Value) -> Vec<String> {
    v["providers"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn providers_serving_an_address_nearest_first() {
    let s = start().await;
    // 旺庄街道, near its centre
    let (st, body) = s.get(None, "/api/v1/providers?lat=31.575&lng=120.358&street=wuxi-xinwu-wangzhuang&item=bathing").await;
    assert_eq!(st, 200, "{body}");
    let n = names(&body);
    assert!(n.iter().any(|x| x.starts_with("旺庄街道居家养老服务站")), "{n:?}");
    assert!(n.iter().all(|x| !x.starts_with("江溪")), "a station serves its own 街道 only: {n:?}");
    assert!(n.iter().all(|x| !x.contains("助餐点")), "meal points do not bathe: {n:?}");
    let d: Vec<f64> = body["providers"].as_array().unwrap().iter().map(|p| p["distance_m"].as_f64().unwrap()).collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "nearest first: {d:?}");
    let bath = &body["providers"][0]["items"].as_array().unwrap().iter().find(|i| i["item"] == "bathing").unwrap().clone();
    assert!(bath["market_price_yuan"].as_u64().unwrap() > 0 && bath["duration_min"].as_u64().unwrap() > 0);
    assert!(body["providers"][0]["emergency_phone"].as_str().unwrap().len() > 6);
    // meals: the meal point of 旺庄 too, with its modes
    let (_, meals) = s.get(None, "/api/v1/providers?lat=31.575&lng=120.358&street=wuxi-xinwu-wangzhuang&item=meal").await;
    let point = meals["providers"].as_array().unwrap().iter().find(|p| p["kind"] == "meal_point").expect("a meal point");
    assert_eq!(point["items"][0]["meal_modes"], serde_json::json!(["dine_in", "pick_up"]));
    // far from the district centre (鸿山, ~8 km): the centre's 6 km radius does not reach
    let (_, far) = s.get(None, "/api/v1/providers?lat=31.482&lng=120.462&street=wuxi-xinwu-hongshan&item=rehab_nursing").await;
    assert!(names(&far).iter().all(|x| !x.contains("居家养老服务中心")), "{far}");
    // bad input names the fields; 助急 is not ordered
    let (st, body) = s.get(None, "/api/v1/providers?lat=abc&item=emergency").await;
    assert_eq!(st, 422);
    assert_eq!(fields(&body), ["lat", "lng", "street", "item"]);
    assert!(body["fields"][3]["message"].as_str().unwrap().contains("120"));
}
