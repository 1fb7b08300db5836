//! The phone's search over a cached district (issue 13's goal: a filter over 5,000 cached
//! places in ≤5 ms): what a filter change costs when the list comes from the device —
//! reading the kept district (its JSON, as localStorage holds it) and running
//! `rules::search::search` — timed natively on this machine; WASM in a phone's browser runs
//! the same code, typically 1.5–2× slower per core.
//!
//!     cargo bench -p app --bench cache_search            # 5,000 places
//!     BENCH_PLACES=20000 cargo bench -p app --bench cache_search
//!
//! Prints p50/p90/p99 of 1,000 filter changes (after 100 to warm up) for the search alone
//! and for JSON parse + search.

use app::model::*;
use app::rules::geo::LatLng;
use app::rules::query::Filters;
use chrono::{Duration as Age, Utc};
use std::time::{Duration, Instant};

/// A small deterministic generator (no dependency): xorshift64*.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn district(n: usize) -> Vec<PlaceSummary> {
    let mut r = Rng(0x5EED_2026);
    let now = Utc::now();
    let bands = [AgeBand::Infant, AgeBand::Toddler, AgeBand::Preschool, AgeBand::Mixed];
    let modes = [CareMode::FullDay, CareMode::HalfDay, CareMode::Hourly];
    let types = [ProviderType::PureChildcare, ProviderType::Kindergarten, ProviderType::Community, ProviderType::Employer];
    (0..n as i64)
        .map(|id| {
            let puhui = r.below(2) == 0;
            let classes = (0..1 + r.below(4) as i64)
                .map(|k| {
                    let capacity = 10 + r.below(30) as u32;
                    let enrolled = r.below(capacity as u64 + 1) as u32;
                    ClassVacancy {
                        id: id * 10 + k,
                        age_band: bands[r.below(4) as usize],
                        care_mode: modes[r.below(3) as usize],
                        capacity,
                        enrolled,
                        puhui_slots: if puhui { capacity / 2 } else { 0 },
                        vacancies: capacity - enrolled,
                        confirmed_at: now - Age::minutes(r.below(20_000) as i64),
                        updated_at: now,
                        change_seq: id,
                    }
                })
                .collect();
            PlaceSummary {
                id,
                organisation_id: id,
                name: format!("示例托育中心 {id}（示例）"),
                provider_type: types[r.below(4) as usize],
                badges: vec![],
                puhui,
                puhui_fee_yuan: puhui.then(|| 1000 + r.below(1000) as u32),
                district_id: "bench".into(),
                district_name: "示例区".into(),
                street_id: format!("bench-{}", r.below(8)),
                street_name: "示例街道".into(),
                address: "示例地址".into(),
                // spread over ~15 km around the centre
                lat: 31.53 + (r.unit() - 0.5) * 0.27,
                lng: 120.39 + (r.unit() - 0.5) * 0.32,
                care_modes: vec![CareModeFee { care_mode: CareMode::FullDay, fee_yuan: 1500 + r.below(3000) as u32, unit: FeeUnit::Month }],
                classes,
                is_sample: true,
                location_unverified: false,
                updated_at: now,
                change_seq: id,
            }
        })
        .collect()
}

fn filters(r: &mut Rng) -> Filters {
    Filters {
        age_months: (r.below(2) == 0).then(|| 6 + r.below(30) as u16),
        care_mode: (r.below(3) == 0).then_some(CareMode::FullDay),
        puhui_only: r.below(2) == 0,
        max_fee: (r.below(3) == 0).then(|| 2000 + r.below(2000) as u32),
        vacancy_only: r.below(2) == 0,
        provider_type: None,
    }
}

fn report(name: &str, mut t: Vec<Duration>) {
    t.sort();
    let p = |q: f64| t[((t.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1000.0;
    println!("{name:<32} p50 {:>7.3} ms  p90 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms", p(0.5), p(0.9), p(0.99), p(1.0));
}

fn main() {
    let n: usize = std::env::var("BENCH_PLACES").ok().and_then(|v| v.parse().ok()).unwrap_or(5_000);
    let places = district(n);
    let json = serde_json::to_string(&places).unwrap();
    println!("{n} cached places, {:.1} MB of JSON", json.len() as f64 / 1e6);
    let origin = LatLng::new(31.53, 120.39);
    let mut r = Rng(7);
    let (mut search, mut both) = (Vec::new(), Vec::new());
    for i in 0..1_100 {
        let f = filters(&mut r);
        let radius = [1_000, 3_000, 5_000, 10_000][r.below(4) as usize];
        let t = Instant::now();
        let (hits, _) = app::rules::search::search(&places, origin, radius, &f, 50);
        let s = t.elapsed();
        std::hint::black_box(hits);
        let t = Instant::now();
        let kept: Vec<PlaceSummary> = serde_json::from_str(&json).unwrap();
        let (hits, _) = app::rules::search::search(&kept, origin, radius, &f, 50);
        let b = t.elapsed();
        std::hint::black_box(hits);
        if i >= 100 {
            search.push(s);
            both.push(b);
        }
    }
    report("search (filters, radius, sort)", search);
    report("read kept JSON + search", both);
}
