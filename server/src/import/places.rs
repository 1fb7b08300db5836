//! The places file (托育机构备案 list): its columns, and its rows read into organisations and
//! places (1+N: several rows per organisation) with their classes (one row per 班级类型 ×
//! 托育形式; a place's other columns repeat on each of its rows).

use super::columns::{Column, Problems};
use super::table::{Row, Table};
use app::model::{AgeBand, Badge, BeianStatus, CareMode, ProviderType};
use app::rules::geo::{bd09_to_gcj02, wgs84_to_gcj02, LatLng};
use std::collections::HashMap;

pub const ORG: &str = "机构名称";
pub const USCC: &str = "统一社会信用代码";
pub const BEIAN: &str = "备案状态";
pub const BEIAN_NO: &str = "备案号";
pub const PLACE: &str = "点位名称";
pub const CODE: &str = "点位编号";
pub const MAIN: &str = "点位类别";
pub const TYPE: &str = "机构类型";
pub const DISTRICT: &str = "所在区";
pub const STREET: &str = "街道";
pub const ADDRESS: &str = "地址";
pub const LNG: &str = "经度";
pub const LAT: &str = "纬度";
pub const DATUM: &str = "坐标系";
pub const PHONE: &str = "电话";
pub const HOURS: &str = "开放时间";
pub const FEES: &str = "托育形式与收费";
pub const PUHUI: &str = "普惠";
pub const PUHUI_FEE: &str = "普惠收费（元/月）";
pub const BADGES: &str = "认定";
pub const BAND: &str = "班级类型";
pub const MODE: &str = "托育形式";
pub const CAPACITY: &str = "托位";
pub const ENROLLED: &str = "在托";
pub const VACANCIES: &str = "空位";
pub const PUHUI_SLOTS: &str = "普惠托位";

pub const MAIN_CENTRE: &str = "主园区";
pub const COMMUNITY_POINT: &str = "社区点";
pub const DATUMS: [&str; 3] = ["GCJ-02", "WGS-84", "BD-09"];

pub(super) fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&x| label(x)).collect()
}

/// Every column of the places file, in the template's order.
pub fn columns() -> Vec<Column> {
    vec![
        Column::required(ORG, "机构（法人）全称，与营业执照一致", "无锡市晨曦托育服务有限公司（示例）"),
        Column::required(USCC, "18 位统一社会信用代码，校验位会被核对；请把这一列设为文本格式", "91320214MA1MXXXX0Q").text(),
        Column::required(BEIAN, "托育机构备案信息系统中的状态", "已备案").choices(labels(BeianStatus::ALL, BeianStatus::label)),
        Column::optional(BEIAN_NO, "已备案时必填", "320214TY000123"),
        Column::required(PLACE, "家长看到的名称；一个机构有多个点位（1+N）时每个点位写一行", "晨曦托育中心（旺庄点）（示例）"),
        Column::optional(CODE, "登记系统中的点位编号；有编号时按编号对应已有点位，否则按机构 + 点位名称", "WX-XW-0001").text(),
        Column::optional(MAIN, "主园区或社区点；不填时机构的第一个点位为主园区", MAIN_CENTRE).choices(vec![MAIN_CENTRE, COMMUNITY_POINT]),
        Column::required(TYPE, "托育机构类型", ProviderType::PureChildcare.label()).choices(labels(ProviderType::ALL, ProviderType::label)),
        Column::required(DISTRICT, "区（县）名称，如“新吴区”；有同名区时写上市名，如“无锡市新吴区”", "新吴区"),
        Column::required(STREET, "街道（镇）名称", "旺庄街道"),
        Column::required(ADDRESS, "详细地址", "旺庄路 100 号"),
        Column::optional(LNG, "十进制度数；经纬度不填时按街道中心定位，并向家长显示“位置待核实”", "120.358123"),
        Column::optional(LAT, "十进制度数，与经度一起填写", "31.575456"),
        Column::optional(DATUM, "经纬度的坐标系：高德/腾讯地图为 GCJ-02，GPS 为 WGS-84，百度地图为 BD-09；不填按 GCJ-02", "GCJ-02")
            .choices(DATUMS.to_vec()),
        Column::required(PHONE, "家长可拨打的电话", "0510-88881234"),
        Column::required(HOURS, "开放时间", "周一至周五 7:30–17:30"),
        Column::required(FEES, "提供的托育形式及市场价，用“；”分隔：全日托、半日托按月，计时托按小时，临时托按天", "全日托 2800；半日托 1600"),
        Column::optional(PUHUI, "是否提供普惠托位：是 / 否（不填为否）", "是").choices(vec!["是", "否"]),
        Column::optional(PUHUI_FEE, "普惠托位的月收费（元），提供普惠托位时必填", "1500"),
        Column::optional(BADGES, "省级普惠、省级示范、市级普惠、市级示范、区级示范，多个用“、”分隔", "市级普惠"),
        Column::optional(BAND, "每个班级类型 × 托育形式写一行（点位的其他列照抄）；不填则不导入班级", AgeBand::Toddler.label())
            .choices(labels(AgeBand::ALL, AgeBand::label)),
        Column::optional(MODE, "该班级的托育形式，必须是“托育形式与收费”中列出的一种", CareMode::FullDay.label())
            .choices(labels(CareMode::ALL, CareMode::label)),
        Column::optional(CAPACITY, "托位数（整数）", "20"),
        Column::optional(ENROLLED, "在托人数（整数，不超过托位）", "15"),
        Column::optional(VACANCIES, "空位数（整数；在托 + 空位不超过托位）", "5"),
        Column::optional(PUHUI_SLOTS, "其中普惠托位数（不填为 0）", "5"),
    ]
}

/// An organisation (机构) as the file gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct OrgRecord {
    pub uscc: String,
    pub name: String,
    pub beian_status: BeianStatus,
    pub beian_number: Option<String>,
}

/// One class of a place as the file gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassRecord {
    pub row: u32,
    pub age_band: AgeBand,
    pub care_mode: CareMode,
    pub capacity: u32,
    pub enrolled: u32,
    pub vacancies: u32,
    pub puhui_slots: u32,
}

/// One place (点位) as the file gives it, its position already GCJ-02.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceRecord {
    pub rows: Vec<u32>,
    pub uscc: String,
    pub registry_code: Option<String>,
    pub name: String,
    /// `None`: the file left 点位类别 blank (the organisation's first place is the main one).
    pub is_main: Option<bool>,
    pub provider_type: ProviderType,
    pub district_id: String,
    pub street_id: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub location_unverified: bool,
    pub phone: String,
    pub opening_hours: String,
    pub care_modes: Vec<(CareMode, u32)>,
    pub puhui: bool,
    pub puhui_fee_yuan: Option<u32>,
    pub badges: Vec<Badge>,
    /// `None`: no row of this place names a class (its classes are left as they are).
    pub classes: Option<Vec<ClassRecord>>,
}

impl PlaceRecord {
    /// What matches it to a place in the database: 点位编号 when given, else the name.
    pub fn key(&self) -> (String, String) {
        match &self.registry_code {
            Some(c) => (self.uscc.clone(), format!("#{c}")),
            None => (self.uscc.clone(), self.name.clone()),
        }
    }
}

/// Districts and 街道 by the names a file uses.
pub struct Areas {
    /// (id, city, name, lat, lng) of every district.
    districts: Vec<(String, String, String)>,
    /// district id → (street id, name, lat, lng).
    streets: HashMap<String, Vec<(String, String, f64, f64)>>,
}

/// "硕放街道（空港）" and "硕放街道" are the same 街道.
fn bare(name: &str) -> &str {
    name.split(['（', '(']).next().unwrap_or(name).trim()
}

impl Areas {
    /// From the `areas` rows: (id, parent id, city, name, lat, lng).
    pub fn new(rows: Vec<(String, Option<String>, String, String, f64, f64)>) -> Self {
        let mut districts = Vec::new();
        let mut streets: HashMap<String, Vec<(String, String, f64, f64)>> = HashMap::new();
        for (id, parent, city, name, lat, lng) in rows {
            match parent {
                None => districts.push((id, city, name)),
                Some(p) => streets.entry(p).or_default().push((id, name, lat, lng)),
            }
        }
        Areas { districts, streets }
    }

    pub(super) fn district(&self, text: &str) -> Result<String, String> {
        let hits: Vec<&(String, String, String)> = self
            .districts
            .iter()
            .filter(|(id, city, name)| text == id || text == name || text == format!("{city}{name}"))
            .collect();
        match hits.as_slice() {
            [one] => Ok(one.0.clone()),
            [] => Err(format!("没有名为“{text}”的区（县）：请写区名，如“新吴区”")),
            _ => Err(format!("有多个名为“{text}”的区，请写上市名，如“{}{}”", hits[0].1, hits[0].2)),
        }
    }

    pub(super) fn street(&self, district_id: &str, text: &str) -> Result<(String, f64, f64), String> {
        let list = self.streets.get(district_id).map(Vec::as_slice).unwrap_or_default();
        list.iter()
            .find(|(id, name, ..)| text == id || text == name || bare(text) == bare(name))
            .map(|(id, _, lat, lng)| (id.clone(), *lat, *lng))
            .ok_or_else(|| {
                let names: Vec<&str> = list.iter().map(|(_, n, ..)| n.as_str()).collect();
                format!("该区没有名为“{text}”的街道；可填：{}", names.join("、"))
            })
    }
}

fn yes_no(s: &str) -> Option<bool> {
    match s {
        "是" | "有" | "Y" | "y" | "1" | "true" | "TRUE" => Some(true),
        "否" | "无" | "N" | "n" | "0" | "false" | "FALSE" | "" => Some(false),
        _ => None,
    }
}

pub(super) fn whole(s: &str) -> Option<u32> {
    let s = s.trim_end_matches(['元', '个', '人']).replace([',', '，'], "");
    s.parse::<u32>().ok()
}

/// "全日托 2800；半日托 1600元/月" → the modes with their fees.
pub fn parse_fees(s: &str) -> Result<Vec<(CareMode, u32)>, String> {
    let mut out: Vec<(CareMode, u32)> = Vec::new();
    for part in s.split(['；', ';', '、', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let mode = CareMode::ALL
            .iter()
            .copied()
            .find(|m| part.starts_with(m.label()))
            .ok_or_else(|| format!("“{part}”：应以全日托、半日托、计时托或临时托开头，如“全日托 2800”"))?;
        let rest = part[mode.label().len()..].trim_start_matches([' ', ':', '：', '\u{3000}']);
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        let fee = digits.parse::<u32>().ok().filter(|f| (1..=100_000).contains(f)).ok_or_else(|| {
            format!("“{part}”：缺少收费金额（元/{}），如“{} 2800”", mode.fee_unit().label(), mode.label())
        })?;
        if out.iter().any(|(m, _)| *m == mode) {
            return Err(format!("{}写了两次", mode.label()));
        }
        out.push((mode, fee));
    }
    if out.is_empty() {
        return Err("至少填写一种托育形式及收费，如“全日托 2800”".into());
    }
    out.sort_by_key(|(m, _)| *m);
    Ok(out)
}

/// The care modes and fees as the file and the preview write them.
pub fn format_fees(modes: &[(CareMode, u32)]) -> String {
    modes.iter().map(|(m, f)| format!("{} {f}元/{}", m.label(), m.fee_unit().label())).collect::<Vec<_>>().join("；")
}

fn parse_badges(s: &str) -> Result<Vec<Badge>, String> {
    let mut out = Vec::new();
    for part in s.split(['、', '，', ',', '；', ';', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let b = Badge::ALL.iter().copied().find(|b| b.label() == part).ok_or_else(|| {
            format!("“{part}”不是可填的认定：{}", labels(Badge::ALL, Badge::label).join("、"))
        })?;
        if !out.contains(&b) {
            out.push(b);
        }
    }
    out.sort();
    Ok(out)
}

pub(super) fn choice<T: Copy>(all: &[T], label: fn(T) -> &'static str, s: &str) -> Option<T> {
    all.iter().copied().find(|&x| label(x) == s)
}

/// A row's own facts (its class aside), or the problems it has (each naming its column).
struct RowFacts {
    org: OrgRecord,
    place: PlaceRecord,
    class: Option<ClassRecord>,
}

fn read_row(t: &Table, row: &Row, areas: &Areas, p: &mut Problems) -> Option<RowFacts> {
    let n = row.number;
    let cell = |c: &str| t.cell(row, c);
    let before = p.count_in(n);
    let uscc = super::columns::row_head(t, row, &columns(), (ORG, PLACE), USCC, p);
    let beian_status = match cell(BEIAN) {
        "" => None,
        "备案中" => Some(BeianStatus::Pending),
        s => choice(BeianStatus::ALL, BeianStatus::label, s).or_else(|| {
            p.add(n, BEIAN, "应为已备案、备案审核中或未备案");
            None
        }),
    };
    let beian_number = Some(cell(BEIAN_NO).to_string()).filter(|s| !s.is_empty());
    if beian_status == Some(BeianStatus::Filed) && beian_number.is_none() {
        p.add(n, BEIAN_NO, "已备案的机构需要填写备案号");
    }
    let provider_type = match cell(TYPE) {
        "" => None,
        s => choice(ProviderType::ALL, ProviderType::label, s).or_else(|| {
            p.add(n, TYPE, format!("应为：{}", labels(ProviderType::ALL, ProviderType::label).join("、")));
            None
        }),
    };
    let is_main = match cell(MAIN) {
        "" => None,
        MAIN_CENTRE => Some(true),
        COMMUNITY_POINT => Some(false),
        _ => {
            p.add(n, MAIN, "应为主园区或社区点");
            None
        }
    };
    let Located { district, street, position } = locate(t, row, areas, p);
    let care_modes = match cell(FEES) {
        "" => None,
        s => parse_fees(s).map_err(|e| p.add(n, FEES, e)).ok(),
    };
    let puhui = yes_no(cell(PUHUI)).unwrap_or_else(|| {
        p.add(n, PUHUI, "应为是或否");
        false
    });
    let puhui_fee_yuan = match cell(PUHUI_FEE) {
        "" => None,
        s => whole(s).filter(|f| (1..=100_000).contains(f)).or_else(|| {
            p.add(n, PUHUI_FEE, "应为整数金额（元/月）");
            None
        }),
    };
    if puhui && puhui_fee_yuan.is_none() && cell(PUHUI_FEE).is_empty() {
        p.add(n, PUHUI_FEE, "提供普惠托位时必填");
    }
    let badges = parse_badges(cell(BADGES)).map_err(|e| p.add(n, BADGES, e)).unwrap_or_default();
    let class = read_class(t, row, care_modes.as_deref(), p);
    if p.count_in(n) > before {
        return None;
    }
    let (street_id, centre_lat, centre_lng) = street?;
    let (lat, lng, location_unverified) = match position {
        Some(g) => (g.lat, g.lng, false),
        None => (centre_lat, centre_lng, true),
    };
    Some(RowFacts {
        org: OrgRecord { uscc: uscc.clone(), name: cell(ORG).to_string(), beian_status: beian_status?, beian_number },
        place: PlaceRecord {
            rows: vec![n],
            uscc,
            registry_code: Some(cell(CODE).to_string()).filter(|s| !s.is_empty()),
            name: cell(PLACE).to_string(),
            is_main,
            provider_type: provider_type?,
            district_id: district?,
            street_id,
            address: cell(ADDRESS).to_string(),
            lat,
            lng,
            location_unverified,
            phone: cell(PHONE).to_string(),
            opening_hours: cell(HOURS).to_string(),
            care_modes: care_modes?,
            puhui,
            puhui_fee_yuan: if puhui { puhui_fee_yuan } else { None },
            badges,
            classes: None,
        },
        class,
    })
}

/// Where a row's record is: 所在区, 街道 (id, centre) and the position the file gives (GCJ-02).
pub(super) struct Located {
    pub district: Option<String>,
    pub street: Option<(String, f64, f64)>,
    pub position: Option<LatLng>,
}

/// 所在区 / 街道 / 经度 / 纬度 / 坐标系 of a row (the same columns in every registry file).
pub(super) fn locate(t: &Table, row: &Row, areas: &Areas, p: &mut Problems) -> Located {
    let n = row.number;
    let cell = |c: &str| t.cell(row, c);
    let district = match cell(DISTRICT) {
        "" => None,
        s => areas.district(s).map_err(|e| p.add(n, DISTRICT, e)).ok(),
    };
    let street = match (&district, cell(STREET)) {
        (Some(d), s) if !s.is_empty() => areas.street(d, s).map_err(|e| p.add(n, STREET, e)).ok(),
        _ => None,
    };
    let position = read_position(cell(LNG), cell(LAT), cell(DATUM), n, p);
    Located { district, street, position }
}

/// 经度 / 纬度 / 坐标系 → a GCJ-02 position (`None`: not given, or wrong — then a problem is noted).
fn read_position(lng: &str, lat: &str, datum: &str, n: u32, p: &mut Problems) -> Option<LatLng> {
    if lng.is_empty() && lat.is_empty() {
        return None;
    }
    let num = |s: &str, col: &str, lo: f64, hi: f64, p: &mut Problems| match s.parse::<f64>() {
        Ok(v) if (lo..=hi).contains(&v) => Some(v),
        _ if s.is_empty() => {
            p.add(n, col, "经度和纬度要一起填写");
            None
        }
        _ => {
            p.add(n, col, format!("应为 {lo} 到 {hi} 之间的十进制度数（中国境内）"));
            None
        }
    };
    let lng = num(lng, LNG, 73.0, 136.0, p);
    let lat = num(lat, LAT, 3.0, 54.0, p);
    let raw = LatLng::new(lat?, lng?);
    match datum.to_uppercase().replace(['_', ' '], "-").as_str() {
        "" | "GCJ-02" | "GCJ02" | "高德" | "腾讯" => Some(raw),
        "WGS-84" | "WGS84" | "GPS" => Some(wgs84_to_gcj02(raw)),
        "BD-09" | "BD09" | "百度" => Some(bd09_to_gcj02(raw)),
        _ => {
            p.add(n, DATUM, "应为 GCJ-02、WGS-84 或 BD-09");
            None
        }
    }
}

fn read_class(t: &Table, row: &Row, modes: Option<&[(CareMode, u32)]>, p: &mut Problems) -> Option<ClassRecord> {
    let n = row.number;
    let cell = |c: &str| t.cell(row, c);
    let figures = [CAPACITY, ENROLLED, VACANCIES, PUHUI_SLOTS];
    if cell(BAND).is_empty() {
        if cell(MODE).is_empty() && figures.iter().all(|c| cell(c).is_empty()) {
            return None;
        }
        p.add(n, BAND, "填写了托育形式或托位，但没有填写班级类型");
        return None;
    }
    let band = choice(AgeBand::ALL, AgeBand::label, cell(BAND)).or_else(|| {
        p.add(n, BAND, format!("应为：{}", labels(AgeBand::ALL, AgeBand::label).join("、")));
        None
    });
    let mode = match cell(MODE) {
        "" => {
            p.add(n, MODE, "填写了班级类型时必填");
            None
        }
        s => choice(CareMode::ALL, CareMode::label, s).or_else(|| {
            p.add(n, MODE, "应为全日托、半日托、计时托或临时托");
            None
        }),
    };
    if let (Some(m), Some(modes)) = (mode, modes) {
        if !modes.iter().any(|(x, _)| *x == m) {
            p.add(n, MODE, format!("“托育形式与收费”中没有{}", m.label()));
        }
    }
    let mut num = |c: &str, required: bool| match cell(c) {
        "" if !required => Some(0),
        "" => {
            p.add(n, c, "填写了班级类型时必填");
            None
        }
        s => whole(s).filter(|v| *v <= 1000).or_else(|| {
            p.add(n, c, "应为 0 到 1000 的整数");
            None
        }),
    };
    let (capacity, enrolled, vacancies, puhui_slots) = (num(CAPACITY, true), num(ENROLLED, true), num(VACANCIES, true), num(PUHUI_SLOTS, false));
    let (capacity, enrolled, vacancies, puhui_slots) = (capacity?, enrolled?, vacancies?, puhui_slots?);
    if enrolled + vacancies > capacity {
        p.add(n, VACANCIES, format!("在托 {enrolled} + 空位 {vacancies} 超过了托位 {capacity}"));
    }
    if puhui_slots > capacity {
        p.add(n, PUHUI_SLOTS, format!("普惠托位 {puhui_slots} 超过了托位 {capacity}"));
    }
    Some(ClassRecord { row: n, age_band: band?, care_mode: mode?, capacity, enrolled, vacancies, puhui_slots })
}

/// What the file says, by organisation and place, and every problem it has. A place any of
/// whose rows has a problem is left out (and so is every place of an organisation whose rows
/// disagree on its name or 备案).
pub struct Parsed {
    /// How the file was read ("XLSX", "UTF-8", "GB18030" …; empty when it could not be).
    pub read_as: String,
    pub orgs: HashMap<String, OrgRecord>,
    pub places: Vec<PlaceRecord>,
    pub problems: Problems,
    pub rows: u32,
}

pub fn parse(t: &Table, areas: &Areas) -> Parsed {
    let mut p = Problems::default();
    let names: Vec<&str> = columns().iter().map(|c| c.name).collect();
    for c in columns().iter().filter(|c| c.required) {
        if !t.has(c.name) {
            p.fatal_at(t.header_row, c.name, "缺少这一列（请使用模板的表头）");
        }
    }
    for h in t.unknown_headers(&names) {
        p.note(t.header_row, h, "不是模板中的列，已忽略");
    }
    if p.fatal() {
        return Parsed { read_as: t.read_as.clone(), orgs: HashMap::new(), places: vec![], problems: p, rows: t.rows.len() as u32 };
    }
    let mut orgs: HashMap<String, (OrgRecord, u32)> = HashMap::new();
    let mut bad_orgs: Vec<String> = Vec::new();
    let mut places: Vec<PlaceRecord> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut bad_places: Vec<usize> = Vec::new();
    for row in &t.rows {
        let n = row.number;
        let Some(facts) = read_row(t, row, areas, &mut p) else {
            // The place this row belongs to, if it can be told, is left out as a whole.
            let key = (t.cell(row, USCC).to_uppercase(), t.cell(row, CODE).to_string(), t.cell(row, PLACE).to_string());
            let k = if key.1.is_empty() { (key.0, key.2) } else { (key.0, format!("#{}", key.1)) };
            if let Some(&i) = index.get(&k) {
                bad_places.push(i);
            } else {
                index.insert(k, usize::MAX);
            }
            continue;
        };
        match orgs.get(&facts.org.uscc) {
            Some((o, first)) if *o != facts.org => {
                let col = if o.name != facts.org.name { ORG } else if o.beian_status != facts.org.beian_status { BEIAN } else { BEIAN_NO };
                p.add(n, col, format!("与第 {first} 行同一统一社会信用代码的机构不一致"));
                bad_orgs.push(facts.org.uscc.clone());
            }
            Some(_) => {}
            None => {
                orgs.insert(facts.org.uscc.clone(), (facts.org.clone(), n));
            }
        }
        let key = facts.place.key();
        match index.get(&key).copied() {
            Some(usize::MAX) => {
                // An earlier row of this place had problems: this one is left out with it.
                p.note(n, PLACE, "同一点位的其他行有问题，这一行也不会导入");
            }
            Some(i) => {
                let existing = &mut places[i];
                let mut same = facts.place.clone();
                same.rows = existing.rows.clone();
                same.classes = existing.classes.clone();
                if same != *existing {
                    p.add(n, PLACE, format!("与第 {} 行是同一点位，但其他列（地址、电话、收费等）不一致", existing.rows[0]));
                    bad_places.push(i);
                }
                existing.rows.push(n);
                if let Some(c) = facts.class {
                    add_class(existing, c, &mut p, &mut bad_places, i);
                }
            }
            None => {
                let mut place = facts.place;
                let i = places.len();
                if let Some(c) = facts.class {
                    add_class(&mut place, c, &mut p, &mut bad_places, i);
                }
                index.insert(key, i);
                places.push(place);
            }
        }
    }
    // Rows of a place left out for another row's problem are said to be left out too.
    for (i, pl) in places.iter().enumerate() {
        if bad_places.contains(&i) || bad_orgs.contains(&pl.uscc) {
            for &r in &pl.rows {
                if p.count_in(r) == 0 {
                    p.note(r, PLACE, "同一点位（或同一机构）的其他行有问题，这一行也不会导入");
                }
            }
        }
    }
    let places = places
        .into_iter()
        .enumerate()
        .filter(|(i, pl)| !bad_places.contains(i) && !bad_orgs.contains(&pl.uscc))
        .map(|(_, pl)| pl)
        .collect();
    Parsed {
        read_as: t.read_as.clone(),
        orgs: orgs.into_iter().map(|(k, (o, _))| (k, o)).collect(),
        places,
        problems: p,
        rows: t.rows.len() as u32,
    }
}

fn add_class(place: &mut PlaceRecord, c: ClassRecord, p: &mut Problems, bad: &mut Vec<usize>, i: usize) {
    let classes = place.classes.get_or_insert_with(Vec::new);
    if let Some(other) = classes.iter().find(|x| x.age_band == c.age_band && x.care_mode == c.care_mode) {
        p.add(c.row, BAND, format!("{}·{}在第 {} 行已经写过", c.age_band.label(), c.care_mode.label(), other.row));
        bad.push(i);
        return;
    }
    classes.push(c);
    classes.sort_by_key(|c| (c.care_mode, c.age_band));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::table;
    use app::model::import::TextEncoding;

    fn areas() -> Areas {
        Areas::new(
            crate::db::sample::areas()
                .into_iter()
                .map(|a| (a.id, a.parent_id, a.city, a.name, a.lat, a.lng))
                .collect(),
        )
    }

    /// A CSV with the template's header and `rows` (column → value; the rest from a valid row).
    fn csv(rows: &[&[(&str, &str)]]) -> Parsed {
        let valid: Vec<(&str, String)> = vec![
            (ORG, "无锡市测试托育有限公司".into()),
            (USCC, "91350100M000100Y43".into()),
            (BEIAN, "已备案".into()),
            (BEIAN_NO, "320214TY000001".into()),
            (PLACE, "测试托育中心".into()),
            (TYPE, "纯托育机构".into()),
            (DISTRICT, "新吴区".into()),
            (STREET, "旺庄街道".into()),
            (ADDRESS, "旺庄路 1 号".into()),
            (PHONE, "0510-88880000".into()),
            (HOURS, "周一至周五".into()),
            (FEES, "全日托 2800".into()),
        ];
        let names: Vec<&str> = columns().iter().map(|c| c.name).collect();
        let mut text = names.join(",") + "\n";
        for r in rows {
            let line: Vec<String> = names
                .iter()
                .map(|n| {
                    r.iter().find(|(k, _)| k == n).map(|(_, v)| v.to_string()).or_else(|| valid.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone())).unwrap_or_default()
                })
                .collect();
            text += &(line.join(",") + "\n");
        }
        let t = table::read(text.as_bytes(), "t.csv", TextEncoding::Auto).unwrap();
        parse(&t, &areas())
    }

    fn texts(p: &Parsed) -> Vec<String> {
        p.problems.issues().iter().map(|i| i.text()).collect()
    }

    #[test]
    fn a_valid_row_is_one_place_with_its_street_centre_when_no_position_is_given() {
        let p = csv(&[&[]]);
        assert_eq!(texts(&p), Vec::<String>::new());
        let pl = &p.places[0];
        assert_eq!((pl.district_id.as_str(), pl.street_id.as_str()), ("wuxi-xinwu", "wuxi-xinwu-wangzhuang"));
        assert!(pl.location_unverified);
        assert_eq!((pl.lat, pl.lng), (31.575, 120.358));
        assert_eq!(pl.care_modes, vec![(CareMode::FullDay, 2800)]);
        assert_eq!(pl.classes, None, "no class columns: classes left as they are");
    }

    #[test]
    fn fees_take_the_forms_people_write() {
        assert_eq!(parse_fees("全日托 2800；半日托:1600元/月").unwrap(), vec![(CareMode::FullDay, 2800), (CareMode::HalfDay, 1600)]);
        assert_eq!(parse_fees("计时托 30元/小时、临时托 150").unwrap(), vec![(CareMode::Hourly, 30), (CareMode::Occasional, 150)]);
        assert!(parse_fees("全托 2800").unwrap_err().contains("全日托"));
        assert!(parse_fees("全日托").unwrap_err().contains("金额"));
        assert!(parse_fees("全日托 1；全日托 2").unwrap_err().contains("两次"));
        assert_eq!(format_fees(&parse_fees("半日托 1600；全日托 2800").unwrap()), "全日托 2800元/月；半日托 1600元/月");
    }

    #[test]
    fn positions_are_converted_to_gcj02_and_checked() {
        let p = csv(&[&[(LNG, "120.358"), (LAT, "31.575"), (DATUM, "WGS-84")]]);
        let pl = &p.places[0];
        assert!(!pl.location_unverified);
        let g = wgs84_to_gcj02(LatLng::new(31.575, 120.358));
        assert_eq!((pl.lat, pl.lng), (g.lat, g.lng));
        let p = csv(&[&[(LNG, "200"), (LAT, "31.5")], &[(PLACE, "乙"), (LAT, "31.5")], &[(PLACE, "丙"), (LNG, "120.3"), (LAT, "31.5"), (DATUM, "火星")]]);
        assert_eq!(
            texts(&p),
            ["第 2 行「经度」应为 73 到 136 之间的十进制度数（中国境内）", "第 3 行「经度」经度和纬度要一起填写", "第 4 行「坐标系」应为 GCJ-02、WGS-84 或 BD-09"]
        );
        assert!(p.places.is_empty());
    }

    #[test]
    fn classes_are_one_row_each_and_must_add_up() {
        let class = |band: &'static str, cap: &'static str, enrolled: &'static str, vac: &'static str| -> Vec<(&'static str, &'static str)> {
            vec![(BAND, band), (MODE, "全日托"), (CAPACITY, cap), (ENROLLED, enrolled), (VACANCIES, vac)]
        };
        let (a, b) = (class("托小班", "15", "12", "3"), class("托大班", "20", "20", "0"));
        let p = csv(&[&a, &b]);
        assert_eq!(texts(&p), Vec::<String>::new());
        assert_eq!(p.places.len(), 1, "two rows of one place");
        assert_eq!(p.places[0].classes.as_ref().unwrap().len(), 2);
        let bad = class("托大班", "15", "12", "4");
        let p = csv(&[&a, &bad]);
        assert!(texts(&p).contains(&"第 3 行「空位」在托 12 + 空位 4 超过了托位 15".to_string()), "{:?}", texts(&p));
        assert!(p.places.is_empty(), "a place with a bad row is left out whole");
        let p = csv(&[&a, &a]);
        assert!(texts(&p).contains(&"第 3 行「班级类型」托小班·全日托在第 2 行已经写过".to_string()), "{:?}", texts(&p));
        assert!(p.places.is_empty());
        let mut other_mode = class("托小班", "15", "12", "3");
        other_mode[1] = (MODE, "半日托");
        assert!(texts(&csv(&[&other_mode]))[0].contains("“托育形式与收费”中没有半日托"));
    }

    #[test]
    fn an_organisation_whose_rows_disagree_is_left_out() {
        let p = csv(&[&[], &[(PLACE, "二号点"), (ORG, "另一个名称")]]);
        assert!(texts(&p).contains(&"第 3 行「机构名称」与第 2 行同一统一社会信用代码的机构不一致".to_string()), "{:?}", texts(&p));
        assert!(p.places.is_empty());
    }

    #[test]
    fn required_columns_codes_and_choices_are_checked() {
        let p = csv(&[&[(USCC, "91350100M000100Y44"), (TYPE, "托育所"), (BEIAN_NO, ""), (STREET, "")]]);
        let t = texts(&p);
        assert!(t.contains(&"第 2 行「统一社会信用代码」校验位不正确".to_string()), "{t:?}");
        assert!(t.contains(&"第 2 行「街道」未填写（必填）".to_string()), "{t:?}");
        assert!(t.contains(&"第 2 行「备案号」已备案的机构需要填写备案号".to_string()), "{t:?}");
        assert!(t.iter().any(|x| x.starts_with("第 2 行「机构类型」应为：纯托育机构")), "{t:?}");
        assert!(texts(&csv(&[&[(USCC, "9.13502E+17")]]))[0].contains("文本格式"));
        assert!(texts(&csv(&[&[(DISTRICT, "鼓楼")]]))[0].contains("没有名为“鼓楼”的区"));
        assert!(texts(&csv(&[&[(PLACE, "晨曦托育中心（示例）")]]))[0].contains("示例"));
        // a street written without its parenthesis is the same street
        assert_eq!(csv(&[&[(STREET, "硕放街道")]]).places[0].street_id, "wuxi-xinwu-shuofang");
    }

    #[test]
    fn a_file_without_a_required_column_is_refused_as_a_whole() {
        let t = table::read("机构名称,点位名称\nA,B\n".as_bytes(), "t.csv", TextEncoding::Auto).unwrap();
        let p = parse(&t, &areas());
        assert!(p.problems.fatal());
        assert!(texts(&p).contains(&"第 1 行「统一社会信用代码」缺少这一列（请使用模板的表头）".to_string()));
    }
}
