//! The providers file (民政 list of 居家上门服务 providers): its columns, and its rows read into
//! providers with their service items (one row per item, the provider's other columns repeated)
//! and, optionally, their carers (养老护理员: a row may name one, with or without an item).

use super::columns::{Column, Problems};
use super::places::{choice, labels, locate, whole, Areas, Located, DATUM, DATUMS, DISTRICT, LAT, LNG, STREET};
use super::table::{Row, Table};
use app::model::{CarerCreate, CarerLevel, MealMode, ProviderKind, ServiceItem};
use chrono::NaiveDate;
use std::collections::HashMap;

pub const ORG: &str = "机构名称";
pub const USCC: &str = "统一社会信用代码";
pub const NAME: &str = "服务机构名称";
pub const CODE: &str = "服务机构编号";
pub const KIND: &str = "服务机构类型";
pub const ADDRESS: &str = "地址";
pub const PHONE: &str = "电话";
pub const EMERGENCY: &str = "24小时电话";
pub const RADIUS: &str = "服务半径（米）";
pub const STREETS: &str = "服务街道";
pub const CANCEL: &str = "取消时限（小时）";
pub const ITEM: &str = "服务项目";
pub const MINUTES: &str = "服务时长（分钟）";
pub const PRICE: &str = "市场价（元/次）";
pub const MEAL_MODES: &str = "助餐方式";
pub const CARER: &str = "护理员姓名";
pub const CARER_PHONE: &str = "护理员手机号";
pub const CARER_LEVEL: &str = "护理员等级";
pub const CARER_CERT: &str = "护理员证书编号";
pub const CARER_EXPIRES: &str = "证书有效期至";

/// Items a provider can offer (助急 is a phone call, never an order).
fn orderable() -> Vec<ServiceItem> {
    ServiceItem::ALL.iter().copied().filter(|i| *i != ServiceItem::Emergency).collect()
}

/// Every column of the providers file, in the template's order.
pub fn columns() -> Vec<Column> {
    let items: Vec<&'static str> = orderable().into_iter().map(ServiceItem::label).collect();
    vec![
        Column::required(ORG, "运营机构（法人）全称，与营业执照一致", "无锡市康乐居家养老服务有限公司（示例）"),
        Column::required(USCC, "运营机构的 18 位统一社会信用代码，校验位会被核对；请把这一列设为文本格式", "91320214MA1MXXXX0Q").text(),
        Column::required(NAME, "老人家属看到的服务机构（站点）名称；一个机构有多个站点时每个站点分别填写", "旺庄街道居家养老服务中心（示例）"),
        Column::optional(CODE, "民政登记中的站点编号；有编号时按编号对应已有服务机构，否则按机构 + 服务机构名称", "WX-XW-YL-0001").text(),
        Column::required(KIND, "服务机构类型", ProviderKind::HomeCareCentre.label()).choices(labels(ProviderKind::ALL, ProviderKind::label)),
        Column::required(DISTRICT, "区（县）名称，如“新吴区”；有同名区时写上市名", "新吴区"),
        Column::required(STREET, "站点所在街道（镇）", "旺庄街道"),
        Column::required(ADDRESS, "站点详细地址", "旺庄路 200 号"),
        Column::optional(LNG, "十进制度数；不填时按街道中心定位，并显示“位置待核实”", "120.361234"),
        Column::optional(LAT, "十进制度数，与经度一起填写", "31.570123"),
        Column::optional(DATUM, "经纬度的坐标系：高德/腾讯为 GCJ-02，GPS 为 WGS-84，百度为 BD-09；不填按 GCJ-02", "GCJ-02").choices(DATUMS.to_vec()),
        Column::required(PHONE, "预约咨询电话", "0510-88885678"),
        Column::required(EMERGENCY, "24 小时有人接听的紧急电话（助急）", "0510-88889999"),
        Column::optional(RADIUS, "按距离服务时填写：站点周围多少米内上门（100–50000）；与“服务街道”二选一", "3000"),
        Column::optional(STREETS, "按街道服务时填写：服务的街道，用“、”分隔（须在同一区）；与“服务半径”二选一", ""),
        Column::optional(CANCEL, "老人家属可以免费取消的时限：上门前多少小时（0–168，不填为 12）", "12"),
        Column::optional(ITEM, "每个服务项目写一行（站点的其他列照抄）；文件中没有写的已有项目保持不变", ServiceItem::Bathing.label())
            .choices(items),
        Column::optional(MINUTES, "一次服务的时长（分钟，5–1440），填写了服务项目时必填", "60"),
        Column::optional(PRICE, "一次服务的市场价（元，整数），填写了服务项目时必填", "80"),
        Column::optional(MEAL_MODES, "助餐的方式：堂食、自取、送餐，多个用“、”分隔；只用于助餐", ""),
        Column::optional(CARER, "护理员（养老护理员）每人写一行，可与服务项目写在同一行；文件中没有写的已有护理员保持不变", "张（示例）"),
        Column::optional(CARER_PHONE, "护理员的 11 位手机号", "13800000000").text(),
        Column::optional(CARER_LEVEL, "养老护理员职业技能等级", CarerLevel::Intermediate.label()).choices(labels(CarerLevel::ALL, CarerLevel::label)),
        Column::optional(CARER_CERT, "养老护理员职业技能等级证书编号；按证书编号对应已有护理员", "S000032000000001").text(),
        Column::optional(CARER_EXPIRES, "证书有效期的最后一天，年-月-日；已过期的护理员不能上门", "2028-12-31"),
    ]
}

/// Where a provider goes to people's homes.
#[derive(Clone, Debug, PartialEq)]
pub enum Serves {
    /// Within this many metres of the provider.
    Radius(u32),
    /// Exactly these 街道 (ids, sorted).
    Streets(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemRecord {
    pub row: u32,
    /// Offered now (a file's item always is; the database may hold one the provider stopped).
    pub active: bool,
    pub item: ServiceItem,
    pub duration_min: u32,
    pub price_yuan: u32,
    pub meal_modes: Vec<MealMode>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CarerRecord {
    pub row: u32,
    pub carer: CarerCreate,
}

/// One provider as the file gives it, its position already GCJ-02.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderRecord {
    pub rows: Vec<u32>,
    pub uscc: String,
    pub org_name: String,
    pub registry_code: Option<String>,
    pub name: String,
    pub kind: ProviderKind,
    pub district_id: String,
    pub street_id: String,
    pub address: String,
    pub lat: f64,
    pub lng: f64,
    pub location_unverified: bool,
    pub phone: String,
    pub emergency_phone: String,
    pub serves: Serves,
    pub cancel_window_h: u32,
    /// Sorted by item.
    pub items: Vec<ItemRecord>,
    /// Sorted by certificate number.
    pub carers: Vec<CarerRecord>,
}

impl ProviderRecord {
    /// What matches it to a provider in the database: 服务机构编号 when given, else the name.
    pub fn key(&self) -> (String, String) {
        match &self.registry_code {
            Some(c) => (self.uscc.clone(), format!("#{c}")),
            None => (self.uscc.clone(), self.name.clone()),
        }
    }

    /// The provider's own facts, its items and carers aside (rows of one provider must agree on them).
    fn same_provider(&self, other: &ProviderRecord) -> bool {
        let bare = |p: &ProviderRecord| ProviderRecord { rows: vec![], items: vec![], carers: vec![], ..p.clone() };
        bare(self) == bare(other)
    }
}

/// What the file says, by provider, and every problem it has. A provider any of whose rows
/// has a problem is left out as a whole.
pub struct Parsed {
    pub read_as: String,
    pub providers: Vec<ProviderRecord>,
    pub problems: Problems,
    pub rows: u32,
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(['、', '，', ',', '；', ';', '\n']).map(str::trim).filter(|p| !p.is_empty())
}

/// A row: the provider's facts, and the item and carer it names (if any).
struct RowFacts {
    provider: ProviderRecord,
    item: Option<ItemRecord>,
    carer: Option<CarerRecord>,
}

fn read_row(t: &Table, row: &Row, areas: &Areas, today: NaiveDate, p: &mut Problems) -> Option<RowFacts> {
    let n = row.number;
    let cell = |c: &str| t.cell(row, c);
    let before = p.count_in(n);
    let uscc = super::columns::row_head(t, row, &columns(), (ORG, NAME), USCC, p);
    let kind = match cell(KIND) {
        "" => None,
        s => choice(ProviderKind::ALL, ProviderKind::label, s).or_else(|| {
            p.add(n, KIND, format!("应为：{}", labels(ProviderKind::ALL, ProviderKind::label).join("、")));
            None
        }),
    };
    let Located { district, street, position } = locate(t, row, areas, p);
    let serves = match (cell(RADIUS), cell(STREETS)) {
        ("", "") => {
            p.add(n, RADIUS, "请填写服务半径（米）或服务街道（二选一）");
            None
        }
        (r, s) if !r.is_empty() && !s.is_empty() => {
            p.add(n, STREETS, "服务半径和服务街道只填一种");
            None
        }
        (r, "") => whole(r.trim_end_matches(['米', 'm'])).filter(|m| (100..=50_000).contains(m)).map(Serves::Radius).or_else(|| {
            p.add(n, RADIUS, "应为 100 到 50000 的整数（米）");
            None
        }),
        (_, s) => district.as_ref().and_then(|d| {
            let mut ids = Vec::new();
            for name in split_list(s) {
                match areas.street(d, name) {
                    Ok((id, ..)) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(e) => p.add(n, STREETS, e),
                }
            }
            ids.sort();
            (!ids.is_empty()).then_some(Serves::Streets(ids))
        }),
    };
    let cancel_window_h = match cell(CANCEL) {
        "" => Some(12),
        s => whole(s.trim_end_matches("小时")).filter(|h| *h <= 168).or_else(|| {
            p.add(n, CANCEL, "应为 0 到 168 的整数（小时）");
            None
        }),
    };
    let item = read_item(t, row, p);
    let carer = read_carer(t, row, today, p);
    if p.count_in(n) > before {
        return None;
    }
    let (street_id, centre_lat, centre_lng) = street?;
    let (lat, lng, location_unverified) = match position {
        Some(g) => (g.lat, g.lng, false),
        None => (centre_lat, centre_lng, true),
    };
    Some(RowFacts {
        provider: ProviderRecord {
            rows: vec![n],
            uscc,
            org_name: cell(ORG).to_string(),
            registry_code: Some(cell(CODE).to_string()).filter(|s| !s.is_empty()),
            name: cell(NAME).to_string(),
            kind: kind?,
            district_id: district?,
            street_id,
            address: cell(ADDRESS).to_string(),
            lat,
            lng,
            location_unverified,
            phone: cell(PHONE).to_string(),
            emergency_phone: cell(EMERGENCY).to_string(),
            serves: serves?,
            cancel_window_h: cancel_window_h?,
            items: vec![],
            carers: vec![],
        },
        item,
        carer,
    })
}

fn read_item(t: &Table, row: &Row, p: &mut Problems) -> Option<ItemRecord> {
    let n = row.number;
    let cell = |c: &str| t.cell(row, c);
    if cell(ITEM).is_empty() {
        for c in [MINUTES, PRICE, MEAL_MODES] {
            if !cell(c).is_empty() {
                p.add(n, ITEM, format!("填写了“{c}”，但没有填写服务项目"));
                return None;
            }
        }
        return None;
    }
    let item = match ServiceItem::ALL.iter().copied().find(|i| i.label() == cell(ITEM) || i.label().split('/').next() == Some(cell(ITEM))) {
        Some(ServiceItem::Emergency) => {
            p.add(n, ITEM, "助急不需要下单：请把 24 小时电话填在“24小时电话”列");
            None
        }
        Some(i) => Some(i),
        None => {
            p.add(n, ITEM, format!("应为：{}", orderable().into_iter().map(ServiceItem::label).collect::<Vec<_>>().join("、")));
            None
        }
    };
    let minutes = match cell(MINUTES) {
        "" => {
            p.add(n, MINUTES, "填写了服务项目时必填");
            None
        }
        s => whole(s.trim_end_matches("分钟")).filter(|m| (5..=1440).contains(m)).or_else(|| {
            p.add(n, MINUTES, "应为 5 到 1440 的整数（分钟）");
            None
        }),
    };
    let price = match cell(PRICE) {
        "" => {
            p.add(n, PRICE, "填写了服务项目时必填");
            None
        }
        s => whole(s.trim_end_matches("/次")).filter(|y| *y <= 100_000).or_else(|| {
            p.add(n, PRICE, "应为整数金额（元/次）");
            None
        }),
    };
    let mut modes = Vec::new();
    for m in split_list(cell(MEAL_MODES)) {
        match choice(MealMode::ALL, MealMode::label, m) {
            Some(x) if !modes.contains(&x) => modes.push(x),
            Some(_) => {}
            None => p.add(n, MEAL_MODES, "应为堂食、自取、送餐（多个用“、”分隔）"),
        }
    }
    modes.sort();
    match item {
        Some(ServiceItem::Meal) if modes.is_empty() => p.add(n, MEAL_MODES, "助餐请填写方式：堂食、自取或送餐"),
        Some(i) if i != ServiceItem::Meal && !modes.is_empty() => p.add(n, MEAL_MODES, "只有助餐填写助餐方式"),
        _ => {}
    }
    Some(ItemRecord { row: n, active: true, item: item?, duration_min: minutes?, price_yuan: price?, meal_modes: modes })
}

fn read_carer(t: &Table, row: &Row, today: NaiveDate, p: &mut Problems) -> Option<CarerRecord> {
    let n = row.number;
    let cell = |c: &str| t.cell(row, c);
    let cols = [CARER, CARER_PHONE, CARER_LEVEL, CARER_CERT, CARER_EXPIRES];
    if cols.iter().all(|c| cell(c).is_empty()) {
        return None;
    }
    let level = choice(CarerLevel::ALL, CarerLevel::label, cell(CARER_LEVEL))
        .or_else(|| CarerLevel::ALL.iter().copied().find(|l| !cell(CARER_LEVEL).is_empty() && l.label().starts_with(cell(CARER_LEVEL))));
    if level.is_none() {
        let msg = if cell(CARER_LEVEL).is_empty() { "填写了护理员时必填".to_string() } else { format!("应为：{}", labels(CarerLevel::ALL, CarerLevel::label).join("、")) };
        p.add(n, CARER_LEVEL, msg);
    }
    let carer = CarerCreate {
        name: cell(CARER).to_string(),
        phone: cell(CARER_PHONE).to_string(),
        level: level.unwrap_or(CarerLevel::Junior),
        certificate_no: cell(CARER_CERT).to_string(),
        certificate_expires_on: cell(CARER_EXPIRES).replace(['/', '.'], "-"),
    };
    let column = |field: &str| match field {
        "name" => CARER,
        "phone" => CARER_PHONE,
        "certificate_no" => CARER_CERT,
        _ => CARER_EXPIRES,
    };
    for e in carer.validate(today) {
        p.add(n, column(&e.field), e.message);
    }
    level.map(|_| CarerRecord { row: n, carer })
}

pub fn parse(t: &Table, areas: &Areas, today: NaiveDate) -> Parsed {
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
    let rows = t.rows.len() as u32;
    if p.fatal() {
        return Parsed { read_as: t.read_as.clone(), providers: vec![], problems: p, rows };
    }
    let mut providers: Vec<ProviderRecord> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut bad: Vec<usize> = Vec::new();
    // The first row of each organisation, for its name (an organisation's rows must agree).
    let mut org_names: HashMap<String, (String, u32)> = HashMap::new();
    for row in &t.rows {
        let n = row.number;
        let key_of = |code: &str, name: &str| {
            let uscc = t.cell(row, USCC).to_uppercase();
            if code.is_empty() { (uscc, name.to_string()) } else { (uscc, format!("#{code}")) }
        };
        let Some(facts) = read_row(t, row, areas, today, &mut p) else {
            let k = key_of(t.cell(row, CODE), t.cell(row, NAME));
            match index.get(&k) {
                Some(&i) if i != usize::MAX => bad.push(i),
                Some(_) => {}
                None => {
                    // Remembered as bad: later rows of this provider are left out with it.
                    providers.push(ProviderRecord { rows: vec![], ..placeholder() });
                    bad.push(providers.len() - 1);
                    index.insert(k, providers.len() - 1);
                }
            }
            continue;
        };
        let RowFacts { provider, item, carer } = facts;
        match org_names.get(&provider.uscc) {
            Some((name, first)) if *name != provider.org_name => {
                p.add(n, ORG, format!("与第 {first} 行同一统一社会信用代码的机构名称不一致"));
            }
            Some(_) => {}
            None => {
                org_names.insert(provider.uscc.clone(), (provider.org_name.clone(), n));
            }
        }
        let key = provider.key();
        let i = match index.get(&key).copied() {
            Some(i) => {
                let first = providers[i].rows.first().copied().unwrap_or(n);
                if !bad.contains(&i) && !providers[i].same_provider(&provider) {
                    p.add(n, NAME, format!("与第 {first} 行是同一服务机构，但其他列（地址、电话、服务范围等）不一致"));
                    bad.push(i);
                }
                providers[i].rows.push(n);
                i
            }
            None => {
                providers.push(provider);
                index.insert(key, providers.len() - 1);
                providers.len() - 1
            }
        };
        let pr = &mut providers[i];
        if let Some(it) = item {
            if let Some(other) = pr.items.iter().find(|x| x.item == it.item) {
                p.add(n, ITEM, format!("{}在第 {} 行已经写过", it.item.label(), other.row));
                bad.push(i);
            } else {
                pr.items.push(it);
                pr.items.sort_by_key(|x| x.item);
            }
        }
        if let Some(c) = carer {
            if let Some(other) = pr.carers.iter().find(|x| x.carer.certificate_no == c.carer.certificate_no) {
                p.add(n, CARER_CERT, format!("证书编号在第 {} 行已经写过", other.row));
                bad.push(i);
            } else {
                pr.carers.push(c);
                pr.carers.sort_by(|a, b| a.carer.certificate_no.cmp(&b.carer.certificate_no));
            }
        }
    }
    // An organisation whose rows disagree on its name: all its providers are left out.
    let bad_orgs: Vec<String> = org_names
        .keys()
        .filter(|u| providers.iter().any(|pr| &pr.uscc == *u && pr.org_name != org_names[*u].0))
        .cloned()
        .collect();
    for (i, pr) in providers.iter().enumerate() {
        if bad.contains(&i) || bad_orgs.contains(&pr.uscc) {
            for &r in &pr.rows {
                if p.count_in(r) == 0 {
                    p.note(r, NAME, "同一服务机构（或同一机构）的其他行有问题，这一行也不会导入");
                }
            }
        }
    }
    let providers = providers
        .into_iter()
        .enumerate()
        .filter(|(i, pr)| !bad.contains(i) && !bad_orgs.contains(&pr.uscc) && !pr.rows.is_empty())
        .map(|(_, pr)| pr)
        .collect();
    Parsed { read_as: t.read_as.clone(), providers, problems: p, rows }
}

/// Stands for a provider whose first row could not be read (its later rows are left out too).
fn placeholder() -> ProviderRecord {
    ProviderRecord {
        rows: vec![],
        uscc: String::new(),
        org_name: String::new(),
        registry_code: None,
        name: String::new(),
        kind: ProviderKind::HomeCareCentre,
        district_id: String::new(),
        street_id: String::new(),
        address: String::new(),
        lat: 0.0,
        lng: 0.0,
        location_unverified: true,
        phone: String::new(),
        emergency_phone: String::new(),
        serves: Serves::Radius(0),
        cancel_window_h: 0,
        items: vec![],
        carers: vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::table;
    use app::model::import::TextEncoding;

    fn areas() -> Areas {
        Areas::new(crate::db::sample::areas().into_iter().map(|a| (a.id, a.parent_id, a.city, a.name, a.lat, a.lng)).collect())
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    /// A CSV with every column and `rows` (column → value; the rest from a valid row).
    fn csv(rows: &[&[(&str, &str)]]) -> Parsed {
        let valid: Vec<(&str, &str)> = vec![
            (ORG, "无锡市康乐居家养老服务有限公司"),
            (USCC, "91350100M000100Y43"),
            (NAME, "旺庄居家养老服务中心"),
            (KIND, "居家养老服务中心"),
            (DISTRICT, "新吴区"),
            (STREET, "旺庄街道"),
            (ADDRESS, "旺庄路 200 号"),
            (PHONE, "0510-88885678"),
            (EMERGENCY, "0510-88889999"),
            (RADIUS, "3000"),
            (ITEM, "助浴"),
            (MINUTES, "60"),
            (PRICE, "80"),
        ];
        let cols: Vec<&str> = columns().iter().map(|c| c.name).collect();
        let mut text = cols.join(",") + "\n";
        for r in rows {
            let line: Vec<String> = cols
                .iter()
                .map(|c| {
                    r.iter().find(|(k, _)| k == c).map(|(_, v)| v.to_string())
                        .or_else(|| valid.iter().find(|(k, _)| k == c).map(|(_, v)| v.to_string()))
                        .unwrap_or_default()
                })
                .collect();
            text += &(line.join(",") + "\n");
        }
        let t = table::read(text.as_bytes(), "p.csv", TextEncoding::Auto).unwrap();
        parse(&t, &areas(), today())
    }

    #[test]
    fn a_provider_spans_its_item_and_carer_rows() {
        let p = csv(&[
            &[],
            &[(ITEM, "助洁"), (MINUTES, "120"), (PRICE, "100")],
            &[(ITEM, "助餐"), (MINUTES, "30"), (PRICE, "15"), (MEAL_MODES, "堂食、送餐")],
            &[(ITEM, ""), (MINUTES, ""), (PRICE, ""), (CARER, "李秀英"), (CARER_PHONE, "13912345678"), (CARER_LEVEL, "中级养老护理员"),
              (CARER_CERT, "S320200000001"), (CARER_EXPIRES, "2028/06/30")],
        ]);
        assert!(!p.problems.any(), "{:?}", p.problems.issues());
        assert_eq!(p.providers.len(), 1);
        let pr = &p.providers[0];
        assert_eq!(pr.rows, vec![2, 3, 4, 5]);
        assert_eq!(pr.items.iter().map(|i| i.item).collect::<Vec<_>>(), vec![ServiceItem::Meal, ServiceItem::Cleaning, ServiceItem::Bathing]);
        assert_eq!(pr.items[0].meal_modes, vec![MealMode::DineIn, MealMode::Delivery]);
        assert_eq!(pr.serves, Serves::Radius(3000));
        assert!(pr.location_unverified);
        assert_eq!(pr.carers[0].carer.certificate_expires_on, "2028-06-30");
        assert_eq!(pr.carers[0].carer.level, CarerLevel::Intermediate);
    }

    #[test]
    fn every_problem_names_its_row_and_column() {
        let p = csv(&[
            &[(RADIUS, ""), (STREETS, "旺庄街道、没有这个街道")],
            &[(NAME, "二号站"), (ITEM, "助急")],
            &[(NAME, "三号站"), (RADIUS, "3000"), (STREETS, "旺庄街道")],
            &[(NAME, "四号站"), (CARER, "王"), (CARER_LEVEL, "高级"), (CARER_PHONE, "123"), (CARER_CERT, "S1"), (CARER_EXPIRES, "2020-01-01")],
            &[(NAME, "五号站"), (ITEM, "助餐"), (MEAL_MODES, "")],
            &[(NAME, "六号站"), (USCC, "91350100M000100Y44")],
        ]);
        let texts: Vec<String> = p.problems.issues().iter().map(|i| i.text()).collect();
        for want in [
            "第 2 行「服务街道」该区没有名为“没有这个街道”的街道",
            "第 3 行「服务项目」助急不需要下单",
            "第 4 行「服务街道」服务半径和服务街道只填一种",
            "第 5 行「护理员姓名」姓名应为 2 到 20 个字",
            "第 5 行「护理员手机号」请填写 11 位手机号",
            "第 5 行「护理员证书编号」",
            "第 5 行「证书有效期至」证书已过期",
            "第 6 行「助餐方式」助餐请填写方式",
            "第 7 行「统一社会信用代码」校验位不正确",
        ] {
            assert!(texts.iter().any(|t| t.starts_with(want)), "{want} not in {texts:#?}");
        }
        assert!(p.providers.is_empty());
    }

    #[test]
    fn a_bad_row_leaves_its_whole_provider_out_and_says_so() {
        let p = csv(&[&[], &[(ITEM, "助洁"), (MINUTES, "abc"), (PRICE, "100")], &[(NAME, "另一站")]]);
        let texts: Vec<String> = p.problems.issues().iter().map(|i| i.text()).collect();
        assert!(texts.iter().any(|t| t.starts_with("第 3 行「服务时长（分钟）」")), "{texts:?}");
        assert!(texts.iter().any(|t| t.starts_with("第 2 行「服务机构名称」同一服务机构")), "{texts:?}");
        assert_eq!(p.providers.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), vec!["另一站"]);
    }

    #[test]
    fn rows_of_one_provider_must_agree() {
        let p = csv(&[&[], &[(ITEM, "助洁"), (PHONE, "0510-1"), (PRICE, "100")]]);
        let texts: Vec<String> = p.problems.issues().iter().map(|i| i.text()).collect();
        assert!(texts.iter().any(|t| t.starts_with("第 3 行「服务机构名称」与第 2 行是同一服务机构")), "{texts:?}");
        assert!(p.providers.is_empty());
    }

    #[test]
    fn the_template_example_row_is_refused() {
        let p = csv(&[&[(NAME, "旺庄街道居家养老服务中心（示例）")]]);
        assert!(p.problems.issues()[0].text().contains("示例行"));
    }
}
