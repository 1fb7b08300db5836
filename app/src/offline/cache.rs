//! The offline cache of what users read: whole areas (all of a district's places,
//! not only the last result page), the areas list, and place pages opened. Kept in
//! step by delta sync (`/api/v1/changes`); searched on the device when offline
//! with the same rules the server uses (`crate::rules::search`).

use crate::model::{
    AreasResponse, BeianStatus, ChangesResponse, Organisation, PlaceDetail, PlaceSummary, SiblingPlace,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const KEY_AREAS: &str = "yl1.areas";
pub const KEY_SYNC: &str = "yl1.sync";
pub const AREA_PREFIX: &str = "yl1.area.";
pub const PLACE_PREFIX: &str = "yl1.place.";
pub const KEY_PLACE_INDEX: &str = "yl1.places";
/// Stay well inside localStorage's ~5 MB (UTF-16).
pub const BUDGET_BYTES: usize = 4_000_000;
pub const MAX_PLACE_PAGES: usize = 30;

/// Every place of one district (or street), as of `seq`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AreaCache {
    pub area_id: String,
    pub seq: i64,
    pub places: Vec<PlaceSummary>,
    pub fetched_at: DateTime<Utc>,
    pub last_used: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncState {
    pub last_sync_at: Option<DateTime<Utc>>,
}

fn in_area(p: &PlaceSummary, area: &str) -> bool {
    p.district_id == area || p.street_id == area
}

/// Applies a changes response to an area's cache: changed places of the area are
/// replaced or added, places that left it or were deleted are dropped.
pub fn apply_changes(cache: &mut AreaCache, ch: &ChangesResponse) {
    for p in &ch.places {
        let at = cache.places.iter().position(|x| x.id == p.id);
        match (at, in_area(p, &cache.area_id)) {
            (Some(i), true) => cache.places[i] = p.clone(),
            (None, true) => cache.places.push(p.clone()),
            (Some(i), false) => {
                cache.places.remove(i);
            }
            (None, false) => {}
        }
    }
    cache.places.retain(|p| !ch.deleted_places.contains(&p.id));
    cache.seq = cache.seq.max(ch.seq);
}

/// The district an area id belongs to (itself for a district), from the areas list.
pub fn district_of(areas: &AreasResponse, area_id: &str) -> Option<String> {
    areas
        .districts
        .iter()
        .find(|d| d.id == area_id || d.streets.iter().any(|s| s.id == area_id))
        .map(|d| d.id.clone())
}

/// All cached places, each once.
pub fn all_places(caches: &[AreaCache]) -> Vec<PlaceSummary> {
    let mut seen = std::collections::HashSet::new();
    caches.iter().flat_map(|c| c.places.iter()).filter(|p| seen.insert(p.id)).cloned().collect()
}

/// Which area to evict: the least recently used one other than `keep`.
pub fn lru_victim(caches: &[(String, DateTime<Utc>)], keep: &str) -> Option<String> {
    caches.iter().filter(|(id, _)| id != keep).min_by_key(|(_, t)| *t).map(|(id, _)| id.clone())
}

/// A place page built from the cached search data of a place never opened online:
/// everything the search knows, siblings from the cache, the rest marked unknown.
pub fn partial_detail(p: &PlaceSummary, cached: &[PlaceSummary], synced_at: DateTime<Utc>) -> PlaceDetail {
    PlaceDetail {
        summary: p.clone(),
        is_main: true,
        opening_hours: "联网后显示".into(),
        phone: String::new(),
        organisation: Organisation {
            id: p.organisation_id,
            name: "联网后显示".into(),
            uscc: "—".into(),
            beian_status: BeianStatus::Pending,
            beian_number: None,
            is_sample: p.is_sample,
        },
        siblings: cached
            .iter()
            .filter(|x| x.organisation_id == p.organisation_id && x.id != p.id)
            .map(|x| SiblingPlace { id: x.id, name: x.name.clone(), street_name: x.street_name.clone(), is_main: false })
            .collect(),
        generated_at: synced_at,
        from_cache: Some(synced_at),
        partial: true,
    }
}

#[cfg(feature = "hydrate")]
pub mod browser {
    use super::*;
    use crate::net::client::{ApiClient, ClientError};
    use crate::rules::query::{Origin, PlaceQuery};
    use crate::offline::store::browser::{bytes_used, read, remove, write};
    use crate::model::PlacesResponse;
    use crate::rules::geo::LatLng;

    fn area_keys() -> Vec<String> {
        let Some(Ok(Some(s))) = web_sys::window().map(|w| w.local_storage()) else { return vec![] };
        (0..s.length().unwrap_or(0))
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with(AREA_PREFIX))
            .collect()
    }

    pub fn cached_areas() -> Vec<AreaCache> {
        area_keys().iter().filter_map(|k| read::<AreaCache>(k)).collect()
    }

    pub fn sync_state() -> SyncState {
        read(KEY_SYNC).unwrap_or_default()
    }

    pub fn remember_areas(a: &AreasResponse) {
        if read::<AreasResponse>(KEY_AREAS).as_ref() != Some(a) {
            let _ = write(KEY_AREAS, a);
        }
    }

    pub fn areas() -> Option<AreasResponse> {
        read(KEY_AREAS)
    }

    fn store_area(cache: &AreaCache) {
        let key = format!("{AREA_PREFIX}{}", cache.area_id);
        // Keep whole areas: evict the least recently used ones until this one fits.
        loop {
            if write(&key, cache).is_ok() && bytes_used() <= BUDGET_BYTES {
                return;
            }
            let others: Vec<(String, DateTime<Utc>)> =
                cached_areas().into_iter().map(|c| (c.area_id, c.last_used)).collect();
            match lru_victim(&others, &cache.area_id) {
                Some(victim) => remove(&format!("{AREA_PREFIX}{victim}")),
                None => {
                    // Alone and still too big: drop opened place pages, then give up quietly.
                    for (id, _) in read::<Vec<(i64, DateTime<Utc>)>>(KEY_PLACE_INDEX).unwrap_or_default() {
                        remove(&format!("{PLACE_PREFIX}{id}"));
                    }
                    remove(KEY_PLACE_INDEX);
                    let _ = write(&key, cache);
                    return;
                }
            }
        }
    }

    /// After an online search: make sure the districts it touched are cached whole.
    pub async fn remember_search(resp: &PlacesResponse, origin_area: Option<String>) {
        if resp.from_cache.is_some() {
            return;
        }
        let Some(areas) = areas() else { return };
        let mut districts: Vec<String> = resp.places.iter().filter_map(|h| district_of(&areas, &h.street_id)).collect();
        if let Some(a) = &origin_area {
            districts.extend(district_of(&areas, a));
        }
        districts.sort();
        districts.dedup();
        let client = ApiClient::same_origin();
        let now = Utc::now();
        for d in districts {
            let key = format!("{AREA_PREFIX}{d}");
            if let Some(mut c) = read::<AreaCache>(&key) {
                c.last_used = now;
                let _ = write(&key, &c);
                continue;
            }
            if let Ok(snap) = client.area_places(&d).await {
                store_area(&AreaCache { area_id: d, seq: snap.seq, places: snap.places, fetched_at: now, last_used: now });
            }
        }
        mark_synced();
    }

    fn mark_synced() {
        let _ = write(KEY_SYNC, &SyncState { last_sync_at: Some(Utc::now()) });
    }

    /// Delta sync of every cached area. Returns the time of the sync when it reached the server.
    pub async fn sync() -> Option<DateTime<Utc>> {
        let caches = cached_areas();
        if caches.is_empty() {
            return None;
        }
        let client = ApiClient::same_origin();
        let since = caches.iter().map(|c| c.seq).min().unwrap_or(0);
        let ids: Vec<String> = caches.iter().map(|c| c.area_id.clone()).collect();
        let ch = client.changes(since, &ids).await.ok()?;
        let now = Utc::now();
        for mut c in caches {
            if ch.reset {
                if let Ok(snap) = client.area_places(&c.area_id).await {
                    c.places = snap.places;
                    c.seq = snap.seq;
                    c.fetched_at = now;
                }
            } else {
                apply_changes(&mut c, &ch);
            }
            store_area(&c);
        }
        // Opened place pages go stale by the same changes: drop changed or deleted ones.
        let mut index = read::<Vec<(i64, DateTime<Utc>)>>(KEY_PLACE_INDEX).unwrap_or_default();
        index.retain(|(id, _)| {
            let stale = ch.reset || ch.deleted_places.contains(id) || ch.places.iter().any(|p| p.id == *id);
            if stale {
                remove(&format!("{PLACE_PREFIX}{id}"));
            }
            !stale
        });
        let _ = write(KEY_PLACE_INDEX, &index);
        mark_synced();
        Some(now)
    }

    /// The search over the cache when the phone keeps the whole district the query is in
    /// (an area query whose district is cached): shown at once, online or not, and then
    /// checked against the server. `None` when the answer could miss places.
    pub fn search_kept(q: &PlaceQuery) -> Option<PlacesResponse> {
        let Origin::Area(id) = &q.origin else { return None };
        let district = areas()?.districts.into_iter().find(|d| d.id == *id || d.streets.iter().any(|s| s.id == *id))?;
        if !area_keys().contains(&format!("{AREA_PREFIX}{}", district.id)) {
            return None;
        }
        search_offline(q)
    }

    thread_local! {
        static KEPT: std::cell::RefCell<Option<(KeptStamp, std::rc::Rc<Vec<PlaceSummary>>)>> = const { std::cell::RefCell::new(None) };
    }
    /// Which areas are kept and when they were last synced (by any tab): what the parsed
    /// copy below depends on.
    type KeptStamp = (Vec<String>, Option<DateTime<Utc>>);

    /// Every place the phone keeps, parsed from localStorage once per change of the kept
    /// areas: a filter change searches memory instead of parsing the districts' JSON again
    /// (≈20 ms natively for 5,000 places: `cargo bench -p app --bench cache_search`).
    fn kept_places() -> std::rc::Rc<Vec<PlaceSummary>> {
        let mut keys = area_keys();
        keys.sort();
        let stamp = (keys, sync_state().last_sync_at);
        KEPT.with(|k| {
            if let Some((s, places)) = &*k.borrow() {
                if *s == stamp {
                    return places.clone();
                }
            }
            let places = std::rc::Rc::new(all_places(&cached_areas()));
            *k.borrow_mut() = Some((stamp, places.clone()));
            places
        })
    }

    /// Nearby search over the cache (offline).
    pub fn search_offline(q: &PlaceQuery) -> Option<PlacesResponse> {
        let places = kept_places();
        if places.is_empty() {
            return None;
        }
        let origin = match &q.origin {
            Origin::Point(p) => *p,
            Origin::Area(id) => {
                let areas = areas()?;
                areas.districts.iter().find_map(|d| {
                    if d.id == *id {
                        Some(LatLng::new(d.lat, d.lng))
                    } else {
                        d.streets.iter().find(|s| s.id == *id).map(|s| LatLng::new(s.lat, s.lng))
                    }
                })?
            }
        };
        let (hits, total) = crate::rules::search::search(places.iter(), origin, q.radius_m, &q.filters, q.limit);
        let synced = sync_state().last_sync_at.unwrap_or_else(Utc::now);
        Some(PlacesResponse {
            origin_lat: origin.lat,
            origin_lng: origin.lng,
            radius_m: q.radius_m,
            age_months: q.filters.age_months,
            places: hits,
            total,
            generated_at: synced,
            from_cache: Some(synced),
        })
    }

    pub fn remember_detail(p: &PlaceDetail) {
        if p.from_cache.is_some() {
            return;
        }
        let mut index = read::<Vec<(i64, DateTime<Utc>)>>(KEY_PLACE_INDEX).unwrap_or_default();
        index.retain(|(id, _)| *id != p.summary.id);
        index.insert(0, (p.summary.id, Utc::now()));
        while index.len() > MAX_PLACE_PAGES {
            if let Some((old, _)) = index.pop() {
                remove(&format!("{PLACE_PREFIX}{old}"));
            }
        }
        if write(&format!("{PLACE_PREFIX}{}", p.summary.id), p).is_ok() {
            let _ = write(KEY_PLACE_INDEX, &index);
        }
    }

    /// A place page offline: as opened before, else built from the cached areas.
    pub fn detail_offline(id: i64) -> Option<PlaceDetail> {
        let synced = sync_state().last_sync_at.unwrap_or_else(Utc::now);
        if let Some(mut d) = read::<PlaceDetail>(&format!("{PLACE_PREFIX}{id}")) {
            // fresher vacancies may have arrived by sync into the area cache
            let places = all_places(&cached_areas());
            if let Some(s) = places.iter().find(|p| p.id == id) {
                if s.change_seq >= d.summary.change_seq {
                    d.summary = s.clone();
                }
            }
            d.from_cache = Some(synced);
            return Some(d);
        }
        let places = all_places(&cached_areas());
        let p = places.iter().find(|p| p.id == id)?;
        Some(partial_detail(p, &places, synced))
    }

    pub fn is_network(e: &ClientError) -> bool {
        matches!(e, ClientError::Network(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn place(id: i64, district: &str, street: &str, org: i64) -> PlaceSummary {
        PlaceSummary {
            id,
            organisation_id: org,
            name: format!("示例 {id}"),
            provider_type: ProviderType::Community,
            badges: vec![],
            puhui: false,
            puhui_fee_yuan: None,
            district_id: district.into(),
            district_name: "区".into(),
            street_id: street.into(),
            street_name: "街道".into(),
            address: "示例地址".into(),
            lat: 31.5,
            lng: 120.3,
            care_modes: vec![],
            classes: vec![],
            is_sample: true,
            location_unverified: false,
            updated_at: Utc::now(),
            change_seq: id,
        }
    }

    fn changes(seq: i64, places: Vec<PlaceSummary>, deleted: Vec<i64>) -> ChangesResponse {
        ChangesResponse { seq, reset: false, places, deleted_places: deleted, generated_at: Utc::now() }
    }

    #[test]
    fn changes_upsert_move_and_delete() {
        let now = Utc::now();
        let mut c = AreaCache {
            area_id: "d1".into(),
            seq: 10,
            places: vec![place(1, "d1", "s1", 1), place(2, "d1", "s2", 1), place(3, "d1", "s1", 2)],
            fetched_at: now,
            last_used: now,
        };
        let mut changed = place(1, "d1", "s1", 1);
        changed.name = "新名字".into();
        let moved = place(2, "d2", "s9", 1);
        let added = place(4, "d1", "s1", 3);
        let elsewhere = place(5, "d2", "s9", 3);
        apply_changes(&mut c, &changes(20, vec![changed, moved, added, elsewhere], vec![3, 99]));
        let ids: Vec<i64> = c.places.iter().map(|p| p.id).collect();
        assert_eq!(ids, vec![1, 4]);
        assert_eq!(c.places[0].name, "新名字");
        assert_eq!(c.seq, 20);
        // a street-level cache keeps only its street
        let mut s = AreaCache { area_id: "s1".into(), seq: 0, places: vec![], fetched_at: now, last_used: now };
        apply_changes(&mut s, &changes(21, vec![place(7, "d1", "s1", 1), place(8, "d1", "s2", 1)], vec![]));
        assert_eq!(s.places.iter().map(|p| p.id).collect::<Vec<_>>(), vec![7]);
    }

    #[test]
    fn lru_and_union() {
        let t = Utc::now();
        let list = vec![("a".to_string(), t), ("b".to_string(), t - chrono::Duration::hours(2)), ("c".to_string(), t - chrono::Duration::hours(1))];
        assert_eq!(lru_victim(&list, "x"), Some("b".into()));
        assert_eq!(lru_victim(&list, "b"), Some("c".into()));
        assert_eq!(lru_victim(&list[..1], "a"), None);
        let a = AreaCache { area_id: "d1".into(), seq: 1, places: vec![place(1, "d1", "s1", 1)], fetched_at: t, last_used: t };
        let b = AreaCache { area_id: "s1".into(), seq: 1, places: vec![place(1, "d1", "s1", 1), place(2, "d1", "s1", 1)], fetched_at: t, last_used: t };
        assert_eq!(all_places(&[a, b]).len(), 2);
    }

    #[test]
    fn partial_detail_says_what_it_does_not_know() {
        let ps = vec![place(1, "d1", "s1", 7), place(2, "d1", "s2", 7), place(3, "d1", "s2", 8)];
        let d = partial_detail(&ps[0], &ps, Utc::now());
        assert!(d.partial && d.from_cache.is_some());
        assert_eq!(d.siblings.iter().map(|s| s.id).collect::<Vec<_>>(), vec![2]);
        assert_eq!(d.organisation.name, "联网后显示");
    }
}
