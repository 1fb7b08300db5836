//! Sample data (示例), generated deterministically from a fixed seed: the same
//! places, fees and vacancies every time; confirmation times are ages relative to
//! the moment of loading (minutes to weeks), so the data looks the same "fresh"
//! whenever it is loaded. Every name carries 示例.
//!
//! Areas: 无锡市新吴区 (six streets), 扬州市 (with the 13 named 普惠托育 projects of
//! its plan, rolling project list items 10–22, and their 托位 counts), 海安市 and
//! 宿迁市宿城区. Area centres are approximate (GCJ-02). The areas, the places the plans
//! name and the benchmark cities are data, in `areas.json`; `providers.rs` adds the
//! home-service side, `bench.rs` the large benchmark set.

use crate::db::places::{insert_place, AreaSeed, ClassSeed, OrgSeed, PlaceSeed};
use app::model::{AgeBand, Badge, BeianStatus, CareMode, ProviderType};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

mod bench;
mod population;
mod providers;
mod remove;
pub use remove::{remove, Removed};
pub use bench::{bench_city_centres, load_large};
pub use providers::{ensure_carer_accounts, ensure_providers};
pub use population::ensure_population;

pub const SEED: u64 = 20_261_122;

/// A 街道 of a sample district: (id suffix, name, lat, lng, generated places).
#[derive(serde::Deserialize)]
struct StreetDef(String, String, f64, f64, u32);

#[derive(serde::Deserialize)]
struct DistrictDef {
    id: String,
    city: String,
    name: String,
    lat: f64,
    lng: f64,
    area_code: String,
    phone_code: String,
    streets: Vec<StreetDef>,
}

/// The sample areas and the places the plans name, kept as data in `areas.json`.
#[derive(serde::Deserialize)]
struct Areas {
    districts: Vec<DistrictDef>,
    /// Places named in the plans: (district id, street suffix, name, type, 托位, 普惠, model badge).
    named: Vec<(String, String, String, ProviderType, u32, bool, bool)>,
    /// Main cities for the benchmark data set: (name, GCJ-02 centre, weight).
    bench_cities: Vec<(String, f64, f64, u32)>,
}

static AREAS: std::sync::LazyLock<Areas> =
    std::sync::LazyLock::new(|| serde_json::from_str(include_str!("areas.json")).expect("db/sample/areas.json is valid"));

const BRANDS: &[&str] = &[
    "小橡树", "贝乐", "童趣", "启航", "爱育", "宝贝家", "蒲公英", "七色花", "小太阳", "彩虹", "向日葵", "金苹果",
    "小海豚", "米乐", "禾苗", "星空", "小书虫", "暖阳", "萌芽", "乐乐", "森林", "小脚丫", "糖果", "芽芽",
    "知更鸟", "小蜜蜂", "童心", "晨曦", "安心", "伴成长",
];
const COMMUNITIES: &[&str] = &[
    "春潮", "香楠", "锦绣", "翠竹", "金港", "怡景", "和风", "清源", "瑞景", "桃园", "梧桐", "新城", "阳光", "芳草",
    "长江", "运河", "文华", "景苑", "枫林", "汇智",
];
const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "朱", "马"];
const COMPANIES: &[&str] = &["科创园", "软件园", "高新园", "物流园", "医院", "产业园", "电子厂"];
const ROADS: &[&str] = &[
    "和平路", "建设路", "人民路", "新华路", "朝阳路", "振兴路", "幸福路", "春晖路", "锦绣路", "运河路", "文昌路",
    "长江路", "珠江路", "湖滨路", "友谊路",
];
const HOURS: &[&str] = &[
    "周一至周五 07:30–17:30",
    "周一至周五 07:45–17:45",
    "周一至周六 07:30–18:00",
    "周一至周五 08:00–17:00",
    "周一至周日 08:00–20:00（计时托）",
];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.gen_range(0..xs.len())]
}

/// GB 32100-2015 weights: 3^i mod 31.
const W: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// 统一社会信用代码 with a valid GB 32100-2015 check character.
pub fn uscc(rng: &mut ChaCha8Rng, prefix: &str, area_code: &str) -> String {
    const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = format!("{prefix}{area_code}");
    while s.len() < 17 {
        s.push(CHARS[rng.gen_range(0..CHARS.len())] as char);
    }
    let sum: u32 = s.bytes().zip(W).map(|(b, w)| CHARS.iter().position(|&c| c == b).unwrap() as u32 * w).sum();
    let check = (31 - sum % 31) % 31;
    s.push(CHARS[check as usize] as char);
    s
}

pub use app::model::valid_uscc as uscc_is_valid;

fn round_to(x: f64, step: u32) -> u32 {
    ((x / step as f64).round() as u32).max(1) * step
}

/// Seconds before "now" an operator last confirmed: minutes (30%), hours (30%),
/// days (25%), weeks — stale (15%).
fn confirmed_age_s(rng: &mut ChaCha8Rng) -> i64 {
    let r: f64 = rng.gen();
    if r < 0.30 {
        rng.gen_range(2 * 60..60 * 60)
    } else if r < 0.60 {
        rng.gen_range(3600..24 * 3600)
    } else if r < 0.85 {
        rng.gen_range(86_400..7 * 86_400 - 3600)
    } else {
        rng.gen_range(8 * 86_400..35 * 86_400)
    }
}

fn bands_for(rng: &mut ChaCha8Rng, t: ProviderType) -> Vec<AgeBand> {
    use AgeBand::*;
    match t {
        ProviderType::PureChildcare => {
            let mut v = vec![Toddler, Preschool];
            if rng.gen_bool(0.5) {
                v.insert(0, Infant);
            }
            v
        }
        ProviderType::Kindergarten => {
            if rng.gen_bool(0.4) {
                vec![Toddler, Preschool]
            } else {
                vec![Preschool]
            }
        }
        ProviderType::EarlyEducation => vec![Toddler, Preschool],
        ProviderType::Community => {
            if rng.gen_bool(0.5) {
                vec![Mixed]
            } else if rng.gen_bool(0.3) {
                vec![Infant, Toddler, Preschool]
            } else {
                vec![Toddler, Preschool]
            }
        }
        ProviderType::Family => vec![Mixed],
        ProviderType::Employer => {
            if rng.gen_bool(0.3) {
                vec![Infant, Toddler, Preschool]
            } else {
                vec![Toddler, Preschool]
            }
        }
    }
}

/// Classes for a place: `total` 托位 split over the bands, or a few classes' worth each.
fn classes(rng: &mut ChaCha8Rng, t: ProviderType, total: Option<u32>, puhui: bool, place_age_s: i64) -> Vec<ClassSeed> {
    let bands = bands_for(rng, t);
    let weights: Vec<u32> = bands
        .iter()
        .map(|b| match b {
            AgeBand::Infant => 2,
            AgeBand::Toddler => 3,
            AgeBand::Preschool => 4,
            AgeBand::Mixed => 4,
        })
        .collect();
    let wsum: u32 = weights.iter().sum();
    let mut left = total;
    bands
        .iter()
        .enumerate()
        .map(|(i, &band)| {
            let capacity = match (total, t) {
                (Some(tot), _) => {
                    if i + 1 == bands.len() {
                        left.unwrap_or(0)
                    } else {
                        let c = (tot * weights[i] / wsum).max(1);
                        left = left.map(|l| l.saturating_sub(c));
                        c
                    }
                }
                (None, ProviderType::Family) => rng.gen_range(5..=10),
                (None, _) => band.max_class_size() as u32 * rng.gen_range(1..=3),
            };
            // Many classes are full; some have a few places.
            let reserved = if capacity > 4 { rng.gen_range(0..=1) } else { 0 };
            let vacancies = if rng.gen_bool(0.5) { 0 } else { rng.gen_range(1..=(capacity / 3).clamp(1, 6)) };
            let vacancies = vacancies.min(capacity);
            let enrolled = capacity.saturating_sub(vacancies + reserved);
            let puhui_slots = if puhui { ((capacity as f64) * rng.gen_range(0.6..=1.0)).ceil() as u32 } else { 0 };
            let jitter = rng.gen_range(0..600);
            ClassSeed {
                age_band: band,
                care_mode: CareMode::FullDay,
                capacity,
                enrolled,
                puhui_slots: puhui_slots.min(capacity),
                vacancies,
                confirmed_age_s: place_age_s + jitter,
            }
        })
        .collect()
}

fn care_modes(rng: &mut ChaCha8Rng, t: ProviderType, puhui: bool) -> Vec<(CareMode, u32)> {
    let full = if puhui { round_to(rng.gen_range(2200.0..3600.0), 100) } else { round_to(rng.gen_range(2000.0..5000.0), 100) };
    let half = round_to(full as f64 * 0.6, 50);
    let hourly = round_to(rng.gen_range(40.0..90.0), 5);
    let day = round_to(rng.gen_range(150.0..320.0), 10);
    let (pf, ph, pho, po) = match t {
        ProviderType::PureChildcare => (1.0, 0.7, 0.4, 0.3),
        ProviderType::Kindergarten => (1.0, 0.3, 0.0, 0.0),
        ProviderType::EarlyEducation => (0.5, 1.0, 1.0, 0.2),
        ProviderType::Community => (0.6, 0.7, 0.6, 0.5),
        ProviderType::Family => (1.0, 0.0, 0.0, 0.6),
        ProviderType::Employer => (1.0, 0.0, 0.3, 0.0),
    };
    let mut out = Vec::new();
    if rng.gen_bool(pf) {
        out.push((CareMode::FullDay, full));
    }
    if rng.gen_bool(ph) {
        out.push((CareMode::HalfDay, half));
    }
    if rng.gen_bool(pho) {
        out.push((CareMode::Hourly, hourly));
    }
    if rng.gen_bool(po) {
        out.push((CareMode::Occasional, day));
    }
    if out.is_empty() {
        out.push((CareMode::FullDay, full));
    }
    out
}

fn badges(rng: &mut ChaCha8Rng, puhui: bool, model: bool) -> Vec<Badge> {
    let mut b = Vec::new();
    if puhui {
        b.push(if rng.gen_bool(0.15) { Badge::ProvincialPuhui } else { Badge::CityPuhui });
    }
    if model {
        b.push(if rng.gen_bool(0.3) { Badge::ProvincialModel } else { Badge::CityModel });
    } else {
        let r: f64 = rng.gen();
        if r < 0.04 {
            b.push(Badge::ProvincialModel);
        } else if r < 0.12 {
            b.push(Badge::CityModel);
        } else if r < 0.25 {
            b.push(Badge::DistrictModel);
        }
    }
    b
}

fn generated_name(rng: &mut ChaCha8Rng, t: ProviderType) -> String {
    let brand = *pick(rng, BRANDS);
    let community = *pick(rng, COMMUNITIES);
    match t {
        ProviderType::PureChildcare => format!("{brand}{}", pick(rng, &["托育中心", "托育园", "婴幼儿照护中心"])),
        ProviderType::Kindergarten => format!("{community}{}幼儿园托班", pick(rng, &["", "实验", "中心", "第二"])),
        ProviderType::EarlyEducation => format!("{brand}早教中心托班"),
        ProviderType::Community => format!("{community}社区托育点"),
        ProviderType::Family => format!("{}家庭托育点（{community}苑）", pick(rng, SURNAMES)),
        ProviderType::Employer => format!("{community}{}职工托育室", pick(rng, COMPANIES)),
    }
}

fn random_type(rng: &mut ChaCha8Rng) -> ProviderType {
    let r: f64 = rng.gen();
    match r {
        x if x < 0.38 => ProviderType::PureChildcare,
        x if x < 0.58 => ProviderType::Kindergarten,
        x if x < 0.68 => ProviderType::EarlyEducation,
        x if x < 0.84 => ProviderType::Community,
        x if x < 0.93 => ProviderType::Family,
        _ => ProviderType::Employer,
    }
}

/// A point around a centre: uniform in a disc of `radius_m`.
fn scatter(rng: &mut ChaCha8Rng, lat: f64, lng: f64, radius_m: f64) -> (f64, f64) {
    let r = radius_m * rng.gen::<f64>().sqrt();
    let a = rng.gen_range(0.0..std::f64::consts::TAU);
    let dlat = (r * a.sin()) / 111_195.0;
    let dlng = (r * a.cos()) / (111_195.0 * lat.to_radians().cos());
    (((lat + dlat) * 1e6).round() / 1e6, ((lng + dlng) * 1e6).round() / 1e6)
}

struct Ctx<'a> {
    d: &'a DistrictDef,
    street: &'a StreetDef,
}

fn make_place(
    rng: &mut ChaCha8Rng,
    ctx: &Ctx,
    name: String,
    t: ProviderType,
    total: Option<u32>,
    puhui: bool,
    model: bool,
    is_main: bool,
) -> PlaceSeed {
    let (lat, lng) = scatter(rng, ctx.street.2, ctx.street.3, 1800.0);
    let age = confirmed_age_s(rng);
    let puhui_fee = puhui.then(|| round_to(rng.gen_range(1000.0..2000.0), 50));
    let place = PlaceSeed {
        name: format!("{name}（示例）"),
        is_main,
        provider_type: t,
        district_id: ctx.d.id.to_string(),
        street_id: format!("{}-{}", ctx.d.id, ctx.street.0),
        address: format!(
            "{}{}{}{}{}号（示例地址）",
            ctx.d.city,
            ctx.d.name,
            ctx.street.1,
            pick(rng, ROADS),
            rng.gen_range(1..400)
        ),
        lat,
        lng,
        opening_hours: pick(rng, HOURS).to_string(),
        // Local numbers never start with 0 after the area code: "0000" cannot ring anyone.
        phone: format!("{}-0000{:04}", ctx.d.phone_code, rng.gen_range(0..10_000)),
        puhui,
        puhui_fee_yuan: puhui_fee,
        badges: badges(rng, puhui, model),
        care_modes: care_modes(rng, t, puhui),
        classes: classes(rng, t, total, puhui, age),
        updated_age_s: age + rng.gen_range(0..30 * 86_400),
    };
    // The plan's named projects keep their listed 托位 count: no extra classes there.
    with_mode_classes(place, total.is_none())
}

/// Vacancies are kept per class × care mode. The classes drawn above are in the place's
/// main care mode (全日托 where offered); each other mode it offers gets one small class
/// of its oldest band. Figures come from a hash of the name, not from `rng`, so adding
/// them leaves every other sample value as it was.
fn with_mode_classes(mut p: PlaceSeed, extra: bool) -> PlaceSeed {
    let mut modes: Vec<CareMode> = p.care_modes.iter().map(|(m, _)| *m).collect();
    modes.sort();
    let Some((&main, others)) = modes.split_first() else { return p };
    for c in &mut p.classes {
        c.care_mode = main;
    }
    if !extra {
        return p;
    }
    let h = p.name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
    let Some(last) = p.classes.last() else { return p };
    let (band, confirmed_age_s) = (last.age_band, last.confirmed_age_s);
    for (i, &mode) in others.iter().enumerate() {
        let bits = h >> (i * 8);
        let capacity = match mode {
            CareMode::HalfDay => 5 + (bits % 6) as u32,
            _ => 3 + (bits % 3) as u32,
        };
        let vacancies = ((bits >> 4) % 3) as u32;
        p.classes.push(ClassSeed {
            age_band: band,
            care_mode: mode,
            capacity,
            enrolled: capacity - vacancies,
            puhui_slots: 0,
            vacancies,
            confirmed_age_s,
        });
    }
    p
}

fn org_for(rng: &mut ChaCha8Rng, d: &DistrictDef, place_name: &str, t: ProviderType) -> OrgSeed {
    let prefix = if matches!(t, ProviderType::Kindergarten) { "52" } else { "91" };
    let beian = match rng.gen_range(0..10) {
        0 => BeianStatus::NotFiled,
        1 => BeianStatus::Pending,
        _ => BeianStatus::Filed,
    };
    let legal = match t {
        ProviderType::Kindergarten => place_name.trim_end_matches("托班").trim_end_matches("托育中心").to_string(),
        ProviderType::Family => format!("{}（个体）", place_name),
        _ => format!("{}托育服务有限公司", place_name.split('（').next().unwrap_or(place_name).trim_end_matches("托育中心")),
    };
    OrgSeed {
        name: format!("{legal}（示例）"),
        uscc: uscc(rng, prefix, &d.area_code),
        beian_status: beian,
        beian_number: (beian == BeianStatus::Filed).then(|| format!("{}TY{:06}（示例）", d.area_code, rng.gen_range(1..999_999))),
    }
}

/// The area rows for every district and street.
pub fn areas() -> Vec<AreaSeed> {
    let mut out = Vec::new();
    for (i, d) in AREAS.districts.iter().enumerate() {
        out.push(AreaSeed {
            id: d.id.clone(),
            parent_id: None,
            city: d.city.clone(),
            name: d.name.clone(),
            lat: d.lat,
            lng: d.lng,
            sort_order: i as i64,
        });
        for (j, s) in d.streets.iter().enumerate() {
            out.push(AreaSeed {
                id: format!("{}-{}", d.id, s.0),
                parent_id: Some(d.id.clone()),
                city: d.city.clone(),
                name: s.1.clone(),
                lat: s.2,
                lng: s.3,
                sort_order: j as i64,
            });
        }
    }
    out
}

/// Every sample organisation with its places (1+N).
pub fn generate() -> Vec<(OrgSeed, Vec<PlaceSeed>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let mut out = Vec::new();
    let find = |did: &str, sid: &str| {
        let d = AREAS.districts.iter().find(|d| d.id == did).expect("district");
        let s = d.streets.iter().find(|s| s.0 == sid).expect("street");
        (d, s)
    };
    for (did, sid, name, t, total, puhui, model) in &AREAS.named {
        let (t, total, puhui, model) = (*t, *total, *puhui, *model);
        let (d, street) = find(did, sid);
        let ctx = Ctx { d, street };
        let place = make_place(&mut rng, &ctx, name.to_string(), t, Some(total), puhui, model, true);
        let org = org_for(&mut rng, d, name, t);
        out.push((org, vec![place]));
    }
    for d in &AREAS.districts {
        for street in &d.streets {
            let mut made = 0;
            while made < street.4 {
                let t = random_type(&mut rng);
                let puhui = rng.gen_bool(if matches!(t, ProviderType::Family) { 0.1 } else { 0.45 });
                let name = generated_name(&mut rng, t);
                let ctx = Ctx { d, street };
                let main = make_place(&mut rng, &ctx, name.clone(), t, None, puhui, false, true);
                let org = org_for(&mut rng, d, &name, t);
                let mut places = vec![main];
                made += 1;
                // 1+N: some organisations also run community points in nearby streets.
                if matches!(t, ProviderType::PureChildcare | ProviderType::EarlyEducation) && rng.gen_bool(0.3) {
                    for k in 0..rng.gen_range(1..=2) {
                        if made >= street.4 {
                            break;
                        }
                        let other = pick(&mut rng, &d.streets);
                        let ctx = Ctx { d, street: other };
                        let point_name = format!("{}·{}点", name, ["一", "二", "三"][k]);
                        places.push(make_place(&mut rng, &ctx, point_name, ProviderType::Community, None, puhui, false, false));
                        made += 1;
                    }
                }
                out.push((org, places));
            }
        }
    }
    out
}

/// The password of every sample account (documented in the README; sample only).
pub const SAMPLE_PASSWORD: &str = "yilao-sample-2026";

/// Sample logins: (username, display name, index into `named` in areas.json whose organisation they run).
pub const SAMPLE_OPERATORS: &[(&str, &str, usize)] = &[
    ("op-feiqitu", "菲奇兔前台（示例）", 1),
    ("op-libao", "立宝托育前台（示例）", 15),
    ("op-jiacheng", "嘉城社区托育点（示例）", 13),
    ("op-tongxin", "童心蔚来前台（示例）", 18),
];

/// The sample accounts (README) for a sample database that lacks them — databases made
/// before accounts existed get them on the next start. Accounts that exist are left alone.
pub async fn ensure_accounts(pool: &crate::db::Pool) -> anyhow::Result<()> {
    let sample_places: i64 = crate::db::query_scalar("SELECT count(*) FROM places WHERE is_sample = TRUE").fetch_one(&mut *pool.acquire().await?).await?;
    let have: i64 = crate::db::query_scalar("SELECT count(*) FROM users WHERE username = 'admin-sample'").fetch_one(&mut *pool.acquire().await?).await?;
    if sample_places == 0 || have > 0 {
        return Ok(());
    }
    use app::model::Role;
    // One hash for the one documented sample password.
    let hash = crate::api::auth::hash_password(SAMPLE_PASSWORD)?;
    let orgs = generate();
    let exists = |u: &'static str| async move {
        crate::db::query_scalar::<i64>("SELECT count(*) FROM users WHERE username = ?").bind(u).fetch_one(&mut *pool.acquire().await?).await.map(|n| n > 0)
    };
    for &(username, display, named) in SAMPLE_OPERATORS {
        let org: Option<i64> = crate::db::query_scalar("SELECT id FROM organisations WHERE name = ? AND is_sample = TRUE")
            .bind(&orgs[named].0.name)
            .fetch_optional(&mut *pool.acquire().await?)
            .await?;
        if let (Some(org), false) = (org, exists(username).await?) {
            crate::db::accounts::create_account(pool, crate::db::accounts::NewAccount { username: username, display_name: display, password_hash: &hash, role: app::model::Role::Operator, organisation_id: Some(org), district_id: None, is_sample: true }, chrono::Utc::now().timestamp()).await?;
        }
    }
    if !exists("sup-xinwu").await? {
        crate::db::accounts::create_account(pool, crate::db::accounts::NewAccount { username: "sup-xinwu", display_name: "新吴区卫健委（示例）", password_hash: &hash, role: Role::Supervisor, organisation_id: None, district_id: Some("wuxi-xinwu"), is_sample: true }, chrono::Utc::now().timestamp()).await?;
    }
    crate::db::accounts::create_account(pool, crate::db::accounts::NewAccount { username: "admin-sample", display_name: "平台管理员（示例）", password_hash: &hash, role: Role::Admin, organisation_id: None, district_id: None, is_sample: true }, chrono::Utc::now().timestamp()).await?;
    Ok(())
}

/// Weekly visit and trial timeslots for sample places that have none: visits 周二、周四
/// 10:00–10:30 for 3 families and 周六 09:30–10:00 for 5; at centres a half-day trial
/// 周三 09:00–11:30 for 2. Safe to run again (also brings older sample databases up).
pub async fn ensure_timeslots(pool: &crate::db::Pool) -> sqlx::Result<u64> {
    let r = crate::db::query(
        "INSERT INTO timeslots (place_id, kind, weekday, start_min, end_min, capacity, created_at)
         SELECT p.id, s.kind, s.weekday, s.start_min, s.end_min, s.capacity, unixepoch()
         FROM places p
         CROSS JOIN (SELECT 'visit' AS kind, 2 AS weekday, 600 AS start_min, 630 AS end_min, 3 AS capacity, 0 AS centre_only
               UNION ALL SELECT 'visit', 4, 600, 630, 3, 0
               UNION ALL SELECT 'visit', 6, 570, 600, 5, 0
               UNION ALL SELECT 'trial', 3, 540, 690, 2, 1) s
         WHERE p.is_sample = TRUE
           AND (s.centre_only = 0 OR p.provider_type IN ('pure_childcare', 'community', 'employer'))
           AND NOT EXISTS (SELECT 1 FROM timeslots x WHERE x.place_id = p.id)",
    )
    .execute(&mut *pool.acquire().await?)
    .await?;
    Ok(r.rows_affected())
}

/// Loads the areas, the sample places and the sample accounts into an empty database.
pub async fn load(pool: &crate::db::Pool) -> anyhow::Result<usize> {
    let now = chrono::Utc::now().timestamp();
    let mut tx = pool.begin().await?;
    for a in areas() {
        crate::db::places::insert_area(&mut tx, &a).await?;
    }
    let mut n = 0;
    for (org, places) in generate() {
        let org_id = crate::db::places::insert_org(&mut tx, &org, now).await?;
        for p in places {
            insert_place(&mut tx, org_id, &p, now).await?;
            n += 1;
        }
    }
    tx.commit().await?;
    ensure_accounts(pool).await?;
    ensure_timeslots(pool).await?;
    ensure_providers(pool).await?;
    ensure_carer_accounts(pool).await?;
    ensure_population(pool).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_labelled() {
        let a = generate();
        let b = generate();
        let names = |v: &Vec<(OrgSeed, Vec<PlaceSeed>)>| v.iter().flat_map(|(_, p)| p.iter().map(|p| p.name.clone())).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        let places: Vec<&PlaceSeed> = a.iter().flat_map(|(_, p)| p.iter()).collect();
        assert!(places.len() >= 300, "{}", places.len());
        assert!(places.iter().all(|p| p.name.contains("示例")));
        assert!(a.iter().all(|(o, _)| o.name.contains("示例") && uscc_is_valid(&o.uscc)));
        // many full, some open
        let classes: Vec<&ClassSeed> = places.iter().flat_map(|p| p.classes.iter()).collect();
        let full = classes.iter().filter(|c| c.vacancies == 0).count();
        assert!(full * 10 > classes.len() * 3 && full * 10 < classes.len() * 7, "{full}/{}", classes.len());
        assert!(classes.iter().all(|c| c.enrolled + c.vacancies <= c.capacity && c.puhui_slots <= c.capacity));
        // classes per care mode: every class is in a mode its place offers, and some places have several modes
        assert!(places.iter().all(|p| p.classes.iter().all(|c| p.care_modes.iter().any(|(m, _)| *m == c.care_mode))));
        let multi = places.iter().filter(|p| p.classes.iter().any(|c| c.care_mode != p.classes[0].care_mode)).count();
        assert!(multi * 5 > places.len(), "{multi}/{}", places.len());
        // the named 扬州 projects keep their 托位 counts
        let feiqitu = places.iter().find(|p| p.name.starts_with("邗江区竹西街道菲奇兔托育中心")).unwrap();
        assert_eq!(feiqitu.classes.iter().map(|c| c.capacity).sum::<u32>(), 80);
        let wenchang = places.iter().find(|p| p.name.starts_with("广陵区文昌花园托育中心")).unwrap();
        assert_eq!(wenchang.classes.iter().map(|c| c.capacity).sum::<u32>(), 50);
        // 普惠 fees in range, market fees in range
        for p in &places {
            if let Some(f) = p.puhui_fee_yuan {
                assert!((1000..=2000).contains(&f), "{f}");
            }
            for (m, fee) in &p.care_modes {
                if *m == CareMode::FullDay {
                    assert!((2000..=5000).contains(fee), "{fee}");
                }
            }
        }
        // 1+N exists
        assert!(a.iter().any(|(_, p)| p.len() > 1));
    }

    #[test]
    fn uscc_check_character() {
        // A published example code.
        assert!(uscc_is_valid("91350100M000100Y43"));
        assert!(uscc_is_valid("91110108551385082Q"));
        assert!((0..17).all(|i| W[i] == 3u32.pow(i as u32 % 30) % 31 || W[i] == (0..i).fold(1, |w, _| w * 3 % 31)));
        assert!(!uscc_is_valid("91350100M000100Y44"));
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..50 {
            assert!(uscc_is_valid(&uscc(&mut rng, "91", "320214")));
        }
    }
}
