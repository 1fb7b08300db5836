//! Sample data (示例), generated deterministically from a fixed seed: the same
//! places, fees and vacancies every time; confirmation times are ages relative to
//! the moment of loading (minutes to weeks), so the data looks the same "fresh"
//! whenever it is loaded. Every name carries 示例.
//!
//! Areas: 无锡市新吴区 (six streets), 扬州市 (with the 13 named 普惠托育 projects of
//! its plan, rolling project list items 10–22, and their 托位 counts), 海安市 and
//! 宿迁市宿城区. Area centres are approximate (GCJ-02).

use crate::db::places::{insert_place, AreaSeed, ClassSeed, OrgSeed, PlaceSeed};
use app::model::{AgeBand, Badge, BeianStatus, CareMode, ProviderType};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::SqlitePool;

pub const SEED: u64 = 20_261_122;

struct StreetDef(&'static str, &'static str, f64, f64, u32);
struct DistrictDef {
    id: &'static str,
    city: &'static str,
    name: &'static str,
    lat: f64,
    lng: f64,
    area_code: &'static str,
    phone_code: &'static str,
    streets: &'static [StreetDef],
}

/// (street id suffix, name, lat, lng, generated places)
const DISTRICTS: &[DistrictDef] = &[
    DistrictDef {
        id: "wuxi-xinwu",
        city: "无锡市",
        name: "新吴区",
        lat: 31.530,
        lng: 120.390,
        area_code: "320214",
        phone_code: "0510",
        streets: &[
            StreetDef("wangzhuang", "旺庄街道", 31.575, 120.358, 29),
            StreetDef("jiangxi", "江溪街道", 31.537, 120.352, 33),
            StreetDef("xinan", "新安街道", 31.497, 120.353, 23),
            StreetDef("shuofang", "硕放街道（空港）", 31.498, 120.420, 17),
            StreetDef("meicun", "梅村街道", 31.523, 120.408, 23),
            StreetDef("hongshan", "鸿山街道", 31.482, 120.462, 21),
        ],
    },
    DistrictDef {
        id: "yangzhou-hanjiang",
        city: "扬州市",
        name: "邗江区",
        lat: 32.377,
        lng: 119.398,
        area_code: "321003",
        phone_code: "0514",
        streets: &[
            StreetDef("zhuxi", "竹西街道", 32.425, 119.447, 6),
            StreetDef("ganquan", "甘泉街道", 32.430, 119.380, 5),
            StreetDef("xihu", "西湖街道", 32.405, 119.385, 6),
            StreetDef("yangshou", "杨寿镇", 32.495, 119.400, 3),
            StreetDef("hanshang", "邗上街道", 32.392, 119.405, 7),
            StreetDef("jiangwang", "蒋王街道", 32.372, 119.380, 6),
        ],
    },
    DistrictDef {
        id: "yangzhou-guangling",
        city: "扬州市",
        name: "广陵区",
        lat: 32.395,
        lng: 119.435,
        area_code: "321002",
        phone_code: "0514",
        streets: &[
            StreetDef("wenfeng", "文峰街道", 32.380, 119.440, 7),
            StreetDef("dongguan", "东关街道", 32.398, 119.443, 6),
            StreetDef("tangwang", "汤汪乡（广陵新城）", 32.372, 119.470, 5),
            StreetDef("qujiang", "曲江街道", 32.390, 119.460, 6),
        ],
    },
    DistrictDef {
        id: "yangzhou-jiangdu",
        city: "扬州市",
        name: "江都区",
        lat: 32.434,
        lng: 119.570,
        area_code: "321012",
        phone_code: "0514",
        streets: &[
            StreetDef("xiannv", "仙女镇", 32.432, 119.565, 8),
            StreetDef("shaobo", "邵伯镇", 32.530, 119.480, 3),
        ],
    },
    DistrictDef {
        id: "yangzhou-jingqu",
        city: "扬州市",
        name: "蜀冈—瘦西湖风景名胜区",
        lat: 32.410,
        lng: 119.420,
        area_code: "321091",
        phone_code: "0514",
        streets: &[
            StreetDef("chengbei", "城北街道", 32.425, 119.425, 3),
            StreetDef("shouxihu", "瘦西湖街道", 32.408, 119.418, 2),
            StreetDef("meiling", "梅岭街道", 32.405, 119.440, 3),
        ],
    },
    DistrictDef {
        id: "yangzhou-kaifaqu",
        city: "扬州市",
        name: "扬州经济技术开发区",
        lat: 32.355,
        lng: 119.420,
        area_code: "321071",
        phone_code: "0514",
        streets: &[StreetDef("wenhui", "文汇街道", 32.360, 119.420, 4)],
    },
    DistrictDef {
        id: "haian",
        city: "南通市",
        name: "海安市",
        lat: 32.533,
        lng: 120.459,
        area_code: "320621",
        phone_code: "0513",
        streets: &[
            StreetDef("haian", "海安街道", 32.535, 120.465, 14),
            StreetDef("chengdong", "城东镇", 32.540, 120.490, 8),
            StreetDef("gaoxin", "高新区", 32.515, 120.430, 7),
            StreetDef("libao", "李堡镇", 32.574, 120.656, 6),
            StreetDef("qutang", "曲塘镇", 32.435, 120.375, 6),
        ],
    },
    DistrictDef {
        id: "suqian-sucheng",
        city: "宿迁市",
        name: "宿城区",
        lat: 33.963,
        lng: 118.243,
        area_code: "321302",
        phone_code: "0527",
        streets: &[
            StreetDef("xiangli", "项里街道", 33.955, 118.262, 10),
            StreetDef("yangbei", "洋北街道", 33.985, 118.215, 8),
            StreetDef("shuangzhuang", "双庄街道", 33.930, 118.215, 8),
            StreetDef("longhe", "龙河镇", 33.900, 118.170, 5),
            StreetDef("tuyuan", "屠园镇", 33.870, 118.330, 4),
            StreetDef("zhongyang", "中扬镇", 34.030, 118.300, 4),
            StreetDef("chenji", "陈集镇", 33.840, 118.250, 4),
        ],
    },
];

/// Places named in the plans: (district id, street suffix, name, type, 托位, 普惠, model badge).
const NAMED: &[(&str, &str, &str, ProviderType, u32, bool, bool)] = &[
    // 扬州市 rolling project list (seed 003), items 10–22: all 普惠托育.
    ("yangzhou-jiangdu", "xiannv", "江都区实验幼儿园托育园", ProviderType::Kindergarten, 100, true, false),
    ("yangzhou-hanjiang", "zhuxi", "邗江区竹西街道菲奇兔托育中心", ProviderType::PureChildcare, 80, true, false),
    ("yangzhou-guangling", "wenfeng", "广陵区文昌花园托育中心", ProviderType::PureChildcare, 50, true, false),
    ("yangzhou-hanjiang", "yangshou", "邗江区杨寿镇中心幼儿园托育中心", ProviderType::Kindergarten, 25, true, false),
    ("yangzhou-guangling", "tangwang", "广陵新城幼儿园托育中心", ProviderType::Kindergarten, 100, true, false),
    ("yangzhou-jingqu", "chengbei", "城北街道娃娃礼堂托育中心", ProviderType::PureChildcare, 32, true, false),
    ("yangzhou-jingqu", "chengbei", "城北街道东方剑奥园幼儿园托班", ProviderType::Kindergarten, 90, true, false),
    ("yangzhou-hanjiang", "ganquan", "邗江区甘泉街道嘉宝亲子园托育中心", ProviderType::EarlyEducation, 60, true, true),
    ("yangzhou-hanjiang", "xihu", "邗江区西湖街道蜀秀社区小脑斧托育中心", ProviderType::Community, 50, true, true),
    ("yangzhou-kaifaqu", "wenhui", "扬州经济开发区智谷科技综合体企萌学院托育中心", ProviderType::Employer, 30, true, true),
    ("yangzhou-jingqu", "shouxihu", "瘦西湖街道蒙鹿幼儿托育中心", ProviderType::PureChildcare, 100, true, true),
    ("yangzhou-jingqu", "meiling", "梅岭街道松鼠妈妈托育中心", ProviderType::PureChildcare, 80, true, true),
    ("yangzhou-guangling", "dongguan", "联谊南苑幼儿园托育中心", ProviderType::Kindergarten, 20, true, false),
    // 无锡市新吴区 (seed 000).
    ("wuxi-xinwu", "wangzhuang", "嘉城社区托育服务中心", ProviderType::Community, 40, true, false),
    ("wuxi-xinwu", "wangzhuang", "红旗社区托育服务中心", ProviderType::Community, 40, true, false),
    ("wuxi-xinwu", "xinan", "太科城（新安）立宝托育中心", ProviderType::PureChildcare, 150, true, true),
    ("wuxi-xinwu", "shuofang", "硕放幼儿园托班", ProviderType::Kindergarten, 40, true, false),
    ("wuxi-xinwu", "meicun", "优加宝贝托育中心", ProviderType::PureChildcare, 40, false, false),
    // 宿迁市宿城区 (seed 002).
    ("suqian-sucheng", "shuangzhuang", "童心蔚来托育中心", ProviderType::PureChildcare, 150, true, true),
];

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
        uscc: uscc(rng, prefix, d.area_code),
        beian_status: beian,
        beian_number: (beian == BeianStatus::Filed).then(|| format!("{}TY{:06}（示例）", d.area_code, rng.gen_range(1..999_999))),
    }
}

/// The area rows for every district and street.
pub fn areas() -> Vec<AreaSeed> {
    let mut out = Vec::new();
    for (i, d) in DISTRICTS.iter().enumerate() {
        out.push(AreaSeed {
            id: d.id.into(),
            parent_id: None,
            city: d.city.into(),
            name: d.name.into(),
            lat: d.lat,
            lng: d.lng,
            sort_order: i as i64,
        });
        for (j, s) in d.streets.iter().enumerate() {
            out.push(AreaSeed {
                id: format!("{}-{}", d.id, s.0),
                parent_id: Some(d.id.into()),
                city: d.city.into(),
                name: s.1.into(),
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
        let d = DISTRICTS.iter().find(|d| d.id == did).expect("district");
        let s = d.streets.iter().find(|s| s.0 == sid).expect("street");
        (d, s)
    };
    for &(did, sid, name, t, total, puhui, model) in NAMED {
        let (d, street) = find(did, sid);
        let ctx = Ctx { d, street };
        let place = make_place(&mut rng, &ctx, name.to_string(), t, Some(total), puhui, model, true);
        let org = org_for(&mut rng, d, name, t);
        out.push((org, vec![place]));
    }
    for d in DISTRICTS {
        for street in d.streets {
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
                        let other = pick(&mut rng, d.streets);
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

/// Sample logins: (username, display name, index into NAMED whose organisation they run).
pub const SAMPLE_OPERATORS: &[(&str, &str, usize)] = &[
    ("op-feiqitu", "菲奇兔前台（示例）", 1),
    ("op-libao", "立宝托育前台（示例）", 15),
    ("op-jiacheng", "嘉城社区托育点（示例）", 13),
    ("op-tongxin", "童心蔚来前台（示例）", 18),
];

/// The sample accounts (README) for a sample database that lacks them — databases made
/// before accounts existed get them on the next start. Accounts that exist are left alone.
pub async fn ensure_accounts(pool: &SqlitePool) -> anyhow::Result<()> {
    let sample_places: i64 = sqlx::query_scalar("SELECT count(*) FROM places WHERE is_sample = 1").fetch_one(pool).await?;
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE username = 'admin-sample'").fetch_one(pool).await?;
    if sample_places == 0 || have > 0 {
        return Ok(());
    }
    use app::model::Role;
    // One hash for the one documented sample password.
    let hash = crate::api::auth::hash_password(SAMPLE_PASSWORD)?;
    let orgs = generate();
    let exists = |u: &'static str| async move {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM users WHERE username = ?").bind(u).fetch_one(pool).await.map(|n| n > 0)
    };
    for &(username, display, named) in SAMPLE_OPERATORS {
        let org: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE name = ? AND is_sample = 1")
            .bind(&orgs[named].0.name)
            .fetch_optional(pool)
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
pub async fn ensure_timeslots(pool: &SqlitePool) -> sqlx::Result<u64> {
    let r = sqlx::query(
        "INSERT INTO timeslots (place_id, kind, weekday, start_min, end_min, capacity, created_at)
         SELECT p.id, s.kind, s.weekday, s.start_min, s.end_min, s.capacity, unixepoch()
         FROM places p
         JOIN (SELECT 'visit' AS kind, 2 AS weekday, 600 AS start_min, 630 AS end_min, 3 AS capacity, 0 AS centre_only
               UNION ALL SELECT 'visit', 4, 600, 630, 3, 0
               UNION ALL SELECT 'visit', 6, 570, 600, 5, 0
               UNION ALL SELECT 'trial', 3, 540, 690, 2, 1) s
         WHERE p.is_sample = 1
           AND (s.centre_only = 0 OR p.provider_type IN ('pure_childcare', 'community', 'employer'))
           AND NOT EXISTS (SELECT 1 FROM timeslots x WHERE x.place_id = p.id)",
    )
    .execute(pool)
    .await?;
    Ok(r.rows_affected())
}

/// Loads the areas, the sample places and the sample accounts into an empty database.
pub async fn load(pool: &SqlitePool) -> anyhow::Result<usize> {
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
    Ok(n)
}

// ------------------------------------------------------------- home services

/// Sample carer accounts (示例): `carer-wangzhuang` is the first carer of the 旺庄 station
/// of the sample 新吴区 centre (the one `op-xinwu-yanglao` dispatches).
pub async fn ensure_carer_accounts(pool: &SqlitePool) -> anyhow::Result<()> {
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE username = 'carer-wangzhuang'").fetch_one(pool).await?;
    if have > 0 {
        return Ok(());
    }
    let carer: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, c.name, p.organisation_id FROM carers c JOIN providers p ON p.id = c.provider_id
         WHERE p.is_sample = 1 AND c.is_sample = 1 AND p.name LIKE '%旺庄街道居家养老服务站%'
           AND p.organisation_id = (SELECT organisation_id FROM users WHERE username = 'op-xinwu-yanglao')
         ORDER BY p.id, c.id LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    let Some((carer_id, name, org)) = carer else { return Ok(()) };
    let hash = crate::api::auth::hash_password(SAMPLE_PASSWORD)?;
    let id = crate::db::accounts::create_account(pool, crate::db::accounts::NewAccount { username: "carer-wangzhuang", display_name: &format!("护理员 {name}"), password_hash: &hash, role: app::model::Role::Operator, organisation_id: Some(org), district_id: None, is_sample: true }, chrono::Utc::now().timestamp())
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    sqlx::query("UPDATE users SET carer_id = ? WHERE id = ?").bind(carer_id).bind(id).execute(pool).await?;
    Ok(())
}

/// Sample carers' names (示例).
const CARER_NAMES: &[&str] = &["王秀英", "李桂兰", "张建国", "刘淑珍", "陈玉梅", "杨志强", "赵凤英", "黄丽华", "周明", "吴海燕"];

/// (item, minutes, yuan) a centre offers; stations offer the first six.
const CENTRE_ITEMS: &[(&str, i64, i64)] = &[
    ("meal", 30, 15),
    ("cleaning", 120, 80),
    ("bathing", 90, 120),
    ("welfare_visit", 30, 30),
    ("companionship", 60, 50),
    ("errands", 60, 40),
    ("medical_escort", 180, 150),
    ("mobility", 60, 60),
    ("life_care", 120, 90),
    ("rehab_nursing", 60, 130),
    ("respite", 480, 300),
    ("adaptation_assessment", 90, 0),
];

/// Sample providers (示例) in every sample district: one 居家养老服务中心 serving 6 km around
/// the district centre, one 居家养老服务站 per 街道 serving that 街道, and a 助餐点 in every
/// other 街道; each with weekly timeslots and three carers, under one organisation per
/// district with its own operator login for 新吴区. Safe to run again: does nothing when
/// providers exist.
pub async fn ensure_providers(pool: &SqlitePool) -> anyhow::Result<usize> {
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM providers").fetch_one(pool).await?;
    let sample_places: i64 = sqlx::query_scalar("SELECT count(*) FROM places WHERE is_sample = 1").fetch_one(pool).await?;
    if have > 0 || sample_places == 0 {
        return Ok(0);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0x0E1D);
    let mut tx = pool.begin().await?;
    let mut n = 0;
    let mut xinwu_org = None;
    for d in DISTRICTS {
        let org = OrgSeed {
            name: format!("{}{}居家养老服务有限公司（示例）", d.city, d.name),
            uscc: uscc(&mut rng, "91", d.area_code),
            beian_status: BeianStatus::NotFiled,
            beian_number: None,
        };
        let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE name = ? AND is_sample = 1")
            .bind(&org.name)
            .fetch_optional(&mut *tx)
            .await?;
        let org_id = match existing {
            Some(id) => id,
            None => crate::db::places::insert_org(&mut tx, &org, chrono::Utc::now().timestamp()).await?,
        };
        if d.id == "wuxi-xinwu" {
            xinwu_org = Some(org_id);
        }
        let mut sites: Vec<(String, &str, &StreetDef, f64, f64, Option<i64>, usize)> = vec![(
            format!("{}居家养老服务中心（示例）", d.name),
            "home_care_centre",
            &d.streets[0],
            d.lat,
            d.lng,
            Some(6_000),
            CENTRE_ITEMS.len(),
        )];
        for (i, st) in d.streets.iter().enumerate() {
            sites.push((format!("{}居家养老服务站（示例）", st.1.split('（').next().unwrap_or(st.1)), "home_care_station", st, st.2, st.3, None, 6));
            if i % 2 == 0 {
                sites.push((format!("{}长者助餐点（示例）", st.1.split('（').next().unwrap_or(st.1)), "meal_point", st, st.2 + 0.004, st.3 - 0.003, None, 1));
            }
        }
        for (name, kind, st, lat, lng, radius, items) in sites {
            let (lat, lng) = scatter(&mut rng, lat, lng, if radius.is_some() { 300.0 } else { 800.0 });
            let phone = format!("{}-0000{:04}", d.phone_code, rng.gen_range(0..10_000));
            let emergency = format!("{}-0000{:04}", d.phone_code, rng.gen_range(0..10_000));
            let street_id = format!("{}-{}", d.id, st.0);
            let pid = sqlx::query(
                "INSERT INTO providers (organisation_id, name, kind, district_id, street_id, address, lat, lng, phone, emergency_phone,
                                        serve_radius_m, is_sample, created_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, unixepoch())",
            )
            .bind(org_id)
            .bind(&name)
            .bind(kind)
            .bind(d.id)
            .bind(&street_id)
            .bind(format!("{}{}{}{}号（示例地址）", d.city, d.name, st.1, rng.gen_range(1..300)))
            .bind(lat)
            .bind(lng)
            .bind(&phone)
            .bind(&emergency)
            .bind(radius)
            .execute(&mut *tx)
            .await?
            .last_insert_rowid();
            if radius.is_none() {
                sqlx::query("INSERT INTO provider_streets (provider_id, street_id) VALUES (?, ?)").bind(pid).bind(&street_id).execute(&mut *tx).await?;
            }
            for &(item, minutes, price) in &CENTRE_ITEMS[..items] {
                let modes = match (item, kind) {
                    ("meal", "meal_point") => r#"["dine_in","pick_up"]"#,
                    ("meal", _) => r#"["dine_in","pick_up","delivery"]"#,
                    _ => "[]",
                };
                sqlx::query("INSERT INTO provider_items (provider_id, service_item, duration_min, market_price_yuan, meal_modes) VALUES (?, ?, ?, ?, ?)")
                    .bind(pid)
                    .bind(item)
                    .bind(minutes)
                    .bind(price)
                    .bind(modes)
                    .execute(&mut *tx)
                    .await?;
                // Meals every day at noon for 20; visits on weekdays, morning and afternoon, for 2.
                let windows: &[(i64, i64, i64)] = if item == "meal" { &[(660, 750, 20)] } else { &[(540, 660, 2), (840, 960, 2)] };
                let days: &[i64] = if item == "meal" { &[1, 2, 3, 4, 5, 6, 7] } else { &[1, 2, 3, 4, 5] };
                for &day in days {
                    for &(start, end, cap) in windows {
                        sqlx::query(
                            "INSERT INTO provider_timeslots (provider_id, service_item, weekday, start_min, end_min, capacity, created_at)
                             VALUES (?, ?, ?, ?, ?, ?, unixepoch())",
                        )
                        .bind(pid)
                        .bind(item)
                        .bind(day)
                        .bind(start)
                        .bind(end)
                        .bind(cap)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            if kind != "meal_point" {
                for (k, level) in ["senior", "intermediate", "junior"].into_iter().enumerate() {
                    let name = CARER_NAMES[(pid as usize * 3 + k) % CARER_NAMES.len()];
                    sqlx::query(
                        "INSERT INTO carers (provider_id, name, phone, level, certificate_no, is_sample, created_at)
                         VALUES (?, ?, ?, ?, ?, 1, unixepoch())",
                    )
                    .bind(pid)
                    .bind(format!("{name}（示例）"))
                    // 100… is no mainland mobile prefix: a sample number that rings nobody
                    .bind(format!("1000000{:04}", rng.gen_range(0..10_000)))
                    .bind(level)
                    .bind(format!("示例-{}-{:06}", d.area_code, rng.gen_range(0..1_000_000)))
                    .execute(&mut *tx)
                    .await?;
                }
            }
            n += 1;
        }
    }
    tx.commit().await?;
    if let Some(org) = xinwu_org {
        let hash = crate::api::auth::hash_password(SAMPLE_PASSWORD)?;
        let exists: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE username = 'op-xinwu-yanglao'").fetch_one(pool).await?;
        if exists == 0 {
            crate::db::accounts::create_account(pool, crate::db::accounts::NewAccount { username: "op-xinwu-yanglao", display_name: "新吴区居家养老服务中心调度（示例）", password_hash: &hash, role: app::model::Role::Operator, organisation_id: Some(org), district_id: None, is_sample: true }, chrono::Utc::now().timestamp())
                .await?;
        }
    }
    Ok(n)
}

// ------------------------------------------------------------- benchmark data

/// Main cities for the benchmark data set: (name, GCJ-02 centre, weight).
const CITIES: &[(&str, f64, f64, u32)] = &[
    ("北京", 39.904, 116.407, 6), ("上海", 31.230, 121.474, 6), ("广州", 23.129, 113.264, 5),
    ("深圳", 22.543, 114.058, 5), ("天津", 39.084, 117.201, 4), ("重庆", 29.563, 106.551, 5),
    ("成都", 30.573, 104.066, 5), ("武汉", 30.593, 114.305, 4), ("杭州", 30.274, 120.155, 4),
    ("南京", 32.060, 118.797, 4), ("西安", 34.341, 108.940, 4), ("苏州", 31.299, 120.585, 4),
    ("郑州", 34.746, 113.625, 4), ("长沙", 28.228, 112.939, 3), ("沈阳", 41.806, 123.432, 3),
    ("青岛", 36.067, 120.383, 3), ("济南", 36.651, 117.120, 3), ("合肥", 31.820, 117.227, 3),
    ("福州", 26.075, 119.306, 2), ("厦门", 24.480, 118.089, 2), ("昆明", 25.038, 102.718, 2),
    ("哈尔滨", 45.803, 126.535, 2), ("长春", 43.817, 125.324, 2), ("大连", 38.914, 121.615, 2),
    ("宁波", 29.868, 121.544, 2), ("无锡", 31.491, 120.312, 2), ("石家庄", 38.042, 114.514, 2),
    ("太原", 37.870, 112.549, 2), ("南昌", 28.683, 115.858, 2), ("南宁", 22.817, 108.366, 2),
    ("贵阳", 26.647, 106.630, 2), ("兰州", 36.061, 103.834, 1), ("乌鲁木齐", 43.825, 87.617, 1),
    ("呼和浩特", 40.842, 111.749, 1), ("海口", 20.044, 110.199, 1), ("银川", 38.487, 106.231, 1),
    ("西宁", 36.617, 101.778, 1), ("拉萨", 29.652, 91.172, 1), ("东莞", 23.021, 113.752, 2),
    ("佛山", 23.022, 113.122, 2),
];

/// City centres of the benchmark data set, for the benchmark's query points.
pub fn bench_city_centres() -> Vec<(f64, f64)> {
    CITIES.iter().map(|c| (c.1, c.2)).collect()
}

/// Generates `count` sample places over China's main cities (deterministic), for benchmarks.
pub async fn load_large(pool: &SqlitePool, count: usize) -> anyhow::Result<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 0xBE4C);
    let now = chrono::Utc::now().timestamp();
    let wsum: u32 = CITIES.iter().map(|c| c.3).sum();
    let mut tx = pool.begin().await?;
    for (i, c) in CITIES.iter().enumerate() {
        let id = format!("bench-{i}");
        crate::db::places::insert_area(
            &mut tx,
            &AreaSeed { id: id.clone(), parent_id: None, city: format!("{}市", c.0), name: "全市（基准测试示例）".into(), lat: c.1, lng: c.2, sort_order: 100 + i as i64 },
        )
        .await?;
        crate::db::places::insert_area(
            &mut tx,
            &AreaSeed { id: format!("{id}-all"), parent_id: Some(id), city: format!("{}市", c.0), name: "全市".into(), lat: c.1, lng: c.2, sort_order: 0 },
        )
        .await?;
    }
    let mut made = 0;
    for (i, c) in CITIES.iter().enumerate() {
        let n = if i + 1 == CITIES.len() { count - made } else { count * c.3 as usize / wsum as usize };
        let d = DistrictDef {
            id: "bench",
            city: c.0,
            name: "",
            lat: c.1,
            lng: c.2,
            area_code: "110000",
            phone_code: "010",
            streets: &[],
        };
        let street = StreetDef("all", "全市", c.1, c.2, 0);
        let mut k = 0;
        while k < n {
            let t = random_type(&mut rng);
            let puhui = rng.gen_bool(0.45);
            let ctx = Ctx { d: &d, street: &street };
            let name = format!("{}{}", c.0, generated_name(&mut rng, t));
            let mut p = make_place(&mut rng, &ctx, name, t, None, puhui, false, true);
            // Denser in the centre, thinning out to ~25 km.
            let spread = if rng.gen_bool(0.6) { 8_000.0 } else { 25_000.0 };
            let (lat, lng) = scatter(&mut rng, c.1, c.2, spread);
            p.lat = lat;
            p.lng = lng;
            p.district_id = format!("bench-{i}");
            p.street_id = format!("bench-{i}-all");
            let mut org = org_for(&mut rng, &d, &p.name, t);
            org.uscc = uscc(&mut rng, "91", "110000");
            let org_id = crate::db::places::insert_org(&mut tx, &org, now).await?;
            insert_place(&mut tx, org_id, &p, now).await?;
            k += 1;
        }
        made += n;
    }
    tx.commit().await?;
    Ok(made)
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
