//! Nearby-search latency over the 100,000-place benchmark data set.
//!
//!     cargo bench -p server --bench nearby            # 100,000 places
//!     BENCH_PLACES=20000 cargo bench -p server --bench nearby
//!
//! Generates the data set once (deterministic, `server seed-large`) into
//! target/bench/, then times 2,000 searches at fixed pseudo-random points in the
//! data set's cities (3 km radius, a mix of filters): first the data layer alone,
//! then end to end over HTTP against the real router on a loopback port.
//! Prints p50/p90/p99/max and writes target/bench/nearby.json.

use app::rules::geo::LatLng;
use app::rules::query::{Filters, Origin, PlaceQuery};
use app::model::CareMode;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

const QUERIES: usize = 2_000;
const WARMUP: usize = 200;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn queries(n: usize) -> Vec<PlaceQuery> {
    let centres = server::db::sample::bench_city_centres();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    (0..n)
        .map(|_| {
            let (lat, lng) = centres[rng.gen_range(0..centres.len())];
            // within ~12 km of a city centre
            let (dlat, dlng) = (rng.gen_range(-0.11..0.11), rng.gen_range(-0.13..0.13));
            let mut filters = Filters::default();
            if rng.gen_bool(0.5) {
                filters.age_months = Some(rng.gen_range(6..36));
            }
            if rng.gen_bool(0.3) {
                filters.puhui_only = true;
            }
            if rng.gen_bool(0.2) {
                filters.vacancy_only = true;
            }
            if rng.gen_bool(0.2) {
                filters.care_mode = Some(CareMode::FullDay);
                filters.max_fee = Some(3000);
            }
            PlaceQuery { origin: Origin::Point(LatLng::new(lat + dlat, lng + dlng)), radius_m: 3000, filters, limit: 50 }
        })
        .collect()
}

fn report(name: &str, mut t: Vec<Duration>) -> serde_json::Value {
    t.sort();
    let mean = t.iter().map(|d| d.as_secs_f64()).sum::<f64>() / t.len() as f64 * 1000.0;
    let (p50, p90, p99, max) = (percentile(&t, 0.5), percentile(&t, 0.9), percentile(&t, 0.99), percentile(&t, 1.0));
    println!("{name:<28} n={:<5} p50={p50:.2} ms  p90={p90:.2} ms  p99={p99:.2} ms  max={max:.2} ms  mean={mean:.2} ms", t.len());
    serde_json::json!({ "n": t.len(), "p50_ms": p50, "p90_ms": p90, "p99_ms": p99, "max_ms": max, "mean_ms": mean })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let places: usize = std::env::var("BENCH_PLACES").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("large-{places}.db"));
    let url = format!("sqlite://{}", path.display());
    let pool = server::db::open(&url).await?;
    let have = server::db::places::place_count(&pool).await?;
    if have as usize != places {
        drop(pool);
        for s in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{s}", path.display()));
        }
        let pool = server::db::open(&url).await?;
        let t = Instant::now();
        server::db::sample::load_large(&pool, places).await?;
        println!("generated {places} places in {:.1} s", t.elapsed().as_secs_f64());
        pool.close().await;
    }
    let pool = server::db::open(&url).await?;
    let qs = queries(WARMUP + QUERIES);

    // 1. the data layer: R*Tree box → candidates → shared filter rules → sort
    let mut t = Vec::with_capacity(QUERIES);
    let (mut results, mut candidates_seen) = (0u64, 0u64);
    for (i, q) in qs.iter().enumerate() {
        let start = Instant::now();
        let r = server::db::places::search_places(&pool, q).await?;
        let el = start.elapsed();
        if i >= WARMUP {
            t.push(el);
            results += r.places.len() as u64;
            candidates_seen += r.total as u64;
        }
    }
    let repo = report("search_places (data layer)", t);

    // 2. end to end over HTTP (JSON), one client on loopback
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let cfg = server::Config { addr, site_root: dir.join("no-site").display().to_string(), clock: server::clock::Clock::system(), sample_logins: false, sample_data: true, trusted_proxies: vec![], writes_per_address: server::DEFAULT_WRITES_PER_ADDRESS, writes_per_device: server::DEFAULT_WRITES_PER_DEVICE };
    let router = server::router(server::db::open_db(&url).await?, &cfg);
    tokio::spawn(async move { axum::serve(listener, router).await });
    let client = app::net::client::ApiClient::new(format!("http://{addr}"));
    let mut t = Vec::with_capacity(QUERIES);
    for (i, q) in qs.iter().enumerate() {
        let start = Instant::now();
        client.places(q).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        if i >= WARMUP {
            t.push(start.elapsed());
        }
    }
    let http = report("GET /api/v1/places (HTTP)", t);

    println!(
        "mean results per query: {:.1} (limit 50), mean matches before limit: {:.1}",
        results as f64 / QUERIES as f64,
        candidates_seen as f64 / QUERIES as f64
    );
    let out = serde_json::json!({
        "places": places, "queries": QUERIES, "radius_m": 3000,
        "data_layer": repo, "http": http,
        "mean_results": results as f64 / QUERIES as f64,
    });
    std::fs::write(dir.join("nearby.json"), serde_json::to_string_pretty(&out)?)?;
    Ok(())
}
