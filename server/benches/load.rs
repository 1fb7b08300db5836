//! A city at once: 200 parents reading (server-rendered pages and the API), 20 tablets
//! tapping vacancies and 20 phones sending applications, all at the same time for 30 s,
//! against a running server (`scripts/load-test.sh` starts a release server on a copy of the
//! sample database and runs this). A prober asks `/healthz` every 100 ms throughout.
//!
//!   cargo bench -p server --bench load -- http://127.0.0.1:3999 [seconds] [parents] [think ms]
//!
//! `think`: a parent pauses 0–2×think ms between pages, and arrives at a random moment within
//! the first such pause (0 = no pause, everyone at once: the server saturated).
//!
//! Prints throughput, p50 / p99 / max per kind of request, and every answer that was not
//! 2xx, by kind and status. Exits non-zero if any answer was 5xx or a connection failed.

use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "yilao-sample-2026";
const OPERATORS: [&str; 4] = ["op-feiqitu", "op-libao", "op-jiacheng", "op-tongxin"];

#[derive(Default)]
struct Stats {
    /// kind → latencies (µs)
    ok: BTreeMap<&'static str, Vec<u64>>,
    /// (kind, status) → count; status 0 = no answer
    bad: BTreeMap<(&'static str, u16), u64>,
}

type Shared = Arc<Mutex<Stats>>;

fn record(stats: &Shared, kind: &'static str, started: Instant, status: u16) {
    let us = started.elapsed().as_micros() as u64;
    let mut s = stats.lock().unwrap();
    if (200..300).contains(&status) {
        s.ok.entry(kind).or_default().push(us);
    } else {
        *s.bad.entry((kind, status)).or_default() += 1;
        // latencies of refused requests still count for how fast the server answers
        s.ok.entry(kind).or_default().push(us);
    }
}

/// Sends, reads the whole body (a page is only served once its last byte is), records.
async fn timed(stats: &Shared, kind: &'static str, req: reqwest::RequestBuilder) {
    let t = Instant::now();
    let status = match req.send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            match res.bytes().await {
                Ok(_) => status,
                Err(_) => 0,
            }
        }
        Err(_) => 0,
    };
    record(stats, kind, t, status);
}

/// People arrive over time, as they pause between pages: each one's first request comes at
/// a random moment within one pause (`within` 0: everyone at the same instant, a thundering
/// herd — what `think` 0 measures).
async fn arrive(rng: &mut impl Rng, within: u64) {
    if within > 0 {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..within))).await;
    }
}

fn pct(v: &mut [u64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i] as f64 / 1000.0
}

fn uuid(rng: &mut impl Rng) -> String {
    let b: [u8; 16] = rng.gen();
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        u16::from_be_bytes([b[4], b[5]]),
        u16::from_be_bytes([b[6], b[7]]) & 0x0fff,
        u16::from_be_bytes([b[8], b[9]]) & 0x0fff,
        u64::from_be_bytes([0, 0, b[10], b[11], b[12], b[13], b[14], b[15]])
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let base = args.first().cloned().unwrap_or_else(|| "http://127.0.0.1:3999".into());
    let secs: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(30);
    let parents: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200);
    let think: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(0);
    // LOAD_READS_ONLY=1: parents only (what a static file server can also answer: the limit)
    let (tablets, phones) = if std::env::var("LOAD_READS_ONLY").is_ok_and(|v| v == "1") { (0usize, 0usize) } else { (20usize, 20usize) };
    let http = reqwest::Client::builder().pool_max_idle_per_host(400).timeout(Duration::from_secs(30)).build()?;

    // What the sample database holds: places of 新吴区 and the operators' classes.
    let snap: Value = http.get(format!("{base}/api/v1/areas/wuxi-xinwu/places")).send().await?.json().await?;
    let places: Vec<(i64, Vec<i64>)> = snap["places"]
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("no sample places at {base}: start the server with --sample"))?
        .iter()
        .map(|p| (p["id"].as_i64().unwrap(), p["classes"].as_array().unwrap().iter().filter_map(|c| c["id"].as_i64()).collect()))
        .collect();
    let streets: Vec<String> = snap["places"].as_array().unwrap().iter().filter_map(|p| p["street_id"].as_str().map(String::from)).collect();
    let mut logins = Vec::new();
    for (i, name) in OPERATORS.iter().cycle().take(tablets).enumerate() {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
        let res = client.post(format!("{base}/api/v1/auth/login")).json(&json!({ "username": name, "password": PASSWORD })).send().await?;
        let cookie = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).map(|c| c.split(';').next().unwrap().to_string());
        let body: Value = res.json().await?;
        let cookie = cookie.ok_or_else(|| anyhow::anyhow!("{name} cannot sign in: {body}"))?;
        let csrf = body["csrf_token"].as_str().unwrap().to_string();
        let mine: Value = client.get(format!("{base}/api/v1/operator/places")).header("Cookie", &cookie).send().await?.json().await?;
        let place = mine[0]["id"].as_i64().unwrap();
        let classes: Value = client.get(format!("{base}/api/v1/operator/places/{place}/classes")).header("Cookie", &cookie).send().await?.json().await?;
        // a class with a free place and room for one more, so −1 / +1 both stay valid
        let list = classes.as_array().unwrap();
        let fits = |c: &&Value| {
            let (cap, en, vac) = (c["capacity"].as_i64().unwrap(), c["enrolled"].as_i64().unwrap(), c["vacancies"].as_i64().unwrap());
            vac > 0 && vac < cap - en
        };
        let c = list.iter().filter(fits).nth(i / OPERATORS.len()).or_else(|| list.iter().find(fits)).unwrap_or(&list[0]);
        logins.push((cookie, csrf, c["class_id"].as_i64().unwrap()));
    }
    // classes that take a child born 2025-06 starting 2027-03 (21 months): 托小班 or 混龄
    let app_targets: Vec<(i64, i64)> = snap["places"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            let pid = p["id"].as_i64().unwrap();
            p["classes"].as_array().unwrap().iter().filter(|c| c["age_band"] == "toddler" || c["age_band"] == "mixed").map(move |c| (pid, c["id"].as_i64().unwrap()))
        })
        .collect();

    let stats: Shared = Arc::default();
    let end = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for n in 0..parents {
        let (http, stats, base, places, streets) = (http.clone(), stats.clone(), base.clone(), places.clone(), streets.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(n as u64);
            arrive(&mut rng, 2 * think).await;
            while Instant::now() < end {
                let (id, _) = &places[rng.gen_range(0..places.len())];
                let street = &streets[rng.gen_range(0..streets.len())];
                let (kind, url) = match rng.gen_range(0..10) {
                    0 => ("ssr home", format!("{base}/?area={street}")),
                    1 => ("ssr search", format!("{base}/?area={street}&birth=2025-06&puhui=1&radius_m=5000")),
                    2 | 3 => ("ssr place", format!("{base}/places/{id}")),
                    4..=6 => ("api search", format!("{base}/api/v1/places?lat={}&lng={}&radius_m=3000&age_months=18", 31.55 + rng.gen_range(0.0..0.05), 120.33 + rng.gen_range(0.0..0.06))),
                    _ => ("api place", format!("{base}/api/v1/places/{id}")),
                };
                timed(&stats, kind, http.get(url)).await;
                if think > 0 {
                    tokio::time::sleep(Duration::from_millis(rng.gen_range(0..=2 * think))).await;
                }
            }
        }));
    }
    for (n, (cookie, csrf, class)) in logins.into_iter().enumerate() {
        let (http, stats, base) = (http.clone(), stats.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(10_000 + n as u64);
            let mut up = false;
            arrive(&mut rng, if think > 0 { 800 } else { 0 }).await;
            while Instant::now() < end {
                let req = http
                    .post(format!("{base}/api/v1/operator/classes/{class}/vacancies"))
                    .header("Cookie", &cookie)
                    .header("X-CSRF-Token", &csrf)
                    .header("X-Device-Key", format!("load-test-tablet-{n:04}-device-key"))
                    .header("Idempotency-Key", uuid(&mut rng))
                    .json(&json!({ "delta": if up { 1 } else { -1 } }));
                up = !up;
                timed(&stats, "tablet tap", req).await;
                // a person taps, looks, taps again
                tokio::time::sleep(Duration::from_millis(rng.gen_range(200..800))).await;
            }
        }));
    }
    for n in 0..phones {
        let (http, stats, base, targets) = (http.clone(), stats.clone(), base.clone(), app_targets.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20_000 + n as u64);
            let mut k = 0u32;
            arrive(&mut rng, if think > 0 { 4000 } else { 0 }).await;
            while Instant::now() < end {
                let (place, class) = targets[rng.gen_range(0..targets.len())];
                k += 1;
                let body = json!({
                    "id": uuid(&mut rng), "place_id": place, "kind": "application", "class_id": class,
                    "child_birth_month": "2025-06", "start_month": "2027-03", "priority_grounds": [],
                    "contact_name": "压测家长", "contact_phone": format!("139{n:02}{k:06}"),
                    "consents": [{ "purpose": "contact", "version": 2 }, { "purpose": "child_data", "version": 2 }]
                });
                let req = http
                    .post(format!("{base}/api/v1/requests"))
                    .header("X-Device-Key", format!("load-test-phone-{n:04}-device-key"))
                    .header("Idempotency-Key", uuid(&mut rng))
                    .json(&body);
                timed(&stats, "phone request", req).await;
                // a family fills in a form between two requests (and 30 a minute is the limit)
                tokio::time::sleep(Duration::from_millis(rng.gen_range(2000..4000))).await;
            }
        }));
    }
    // /healthz every 100 ms
    let health = {
        let (http, base) = (http.clone(), base.clone());
        tokio::spawn(async move {
            let (mut worst, mut failed, mut n) = (Duration::ZERO, 0u32, 0u32);
            while Instant::now() < end {
                let t = Instant::now();
                match http.get(format!("{base}/healthz")).timeout(Duration::from_secs(5)).send().await {
                    Ok(r) if r.status() == 200 => {}
                    _ => failed += 1,
                }
                worst = worst.max(t.elapsed());
                n += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            (worst, failed, n)
        })
    };
    let started = Instant::now();
    for t in tasks {
        t.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (worst, hfailed, hn) = health.await?;

    let mut s = stats.lock().unwrap();
    let total: usize = s.ok.values().map(Vec::len).sum();
    println!("load: {parents} parents (pausing 0–{} ms between pages), {tablets} tablets, {phones} phones for {secs} s against {base}", 2 * think);
    println!("{total} requests in {elapsed:.1} s = {:.0} requests/s", total as f64 / elapsed);
    println!("{:<14} {:>8} {:>9} {:>9} {:>9}", "kind", "count", "p50 ms", "p99 ms", "max ms");
    for (kind, v) in s.ok.iter_mut() {
        let n = v.len();
        println!("{kind:<14} {n:>8} {:>9.1} {:>9.1} {:>9.1}", pct(v, 0.5), pct(v, 0.99), pct(v, 1.0));
    }
    println!("/healthz: {hn} probes, slowest {:.1} ms, {hfailed} failed", worst.as_secs_f64() * 1000.0);
    let bad: u64 = s.bad.values().sum();
    println!("non-2xx answers: {bad}");
    for ((kind, status), n) in &s.bad {
        println!("  {kind}: HTTP {} × {n}", if *status == 0 { "no answer".to_string() } else { status.to_string() });
    }
    let errors = s.bad.iter().filter(|((_, st), _)| *st == 0 || *st >= 500).map(|(_, n)| n).sum::<u64>() + hfailed as u64;
    if errors > 0 {
        anyhow::bail!("{errors} server errors or failed connections");
    }
    Ok(())
}
