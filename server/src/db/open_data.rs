//! Open data: the public facts of every open place and home-care provider, as rows of text
//! (`server/src/open_data.rs` writes them as CSV and XLSX). No personal data: no carers, no
//! requests, no orders, no accounts; phones are the places' and providers' public numbers.

use crate::http::error::AppError;
use app::model::{AgeBand, Badge, BeianStatus, CareMode, ProviderKind, ProviderType, ServiceItem};
use sqlx::FromRow;

/// Which records: an area (district or 街道 id) or all, with or without sample (示例) ones.
pub struct Scope {
    pub area: Option<String>,
    pub sample: bool,
}

#[derive(FromRow)]
struct PlaceRow {
    id: i64,
    org_name: String,
    uscc: String,
    beian_status: String,
    beian_number: Option<String>,
    name: String,
    registry_code: Option<String>,
    is_main: bool,
    provider_type: String,
    district: String,
    street: String,
    address: String,
    lng: f64,
    lat: f64,
    location_unverified: bool,
    phone: String,
    opening_hours: String,
    puhui: bool,
    puhui_fee_yuan: Option<i64>,
    is_sample: bool,
    updated_at: i64,
    modes: Option<String>,
    badges: Option<String>,
    classes: Option<String>,
    capacity: Option<i64>,
    vacancies: Option<i64>,
    confirmed_at: Option<i64>,
}

fn label<T: Copy>(code: &str, from: fn(&str) -> Option<T>, label: fn(T) -> &'static str) -> String {
    from(code).map(label).unwrap_or(code).to_string()
}

fn beijing(t: i64) -> String {
    (crate::db::places::ts(t) + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()
}

/// The places' columns, each with its meaning (the data dictionary).
pub const PLACE_COLUMNS: [(&str, &str); 26] = [
    ("点位ID", "本平台的点位编号（稳定，可用于关联）"),
    ("机构名称", "机构（法人）全称"),
    ("统一社会信用代码", "机构的 18 位统一社会信用代码"),
    ("备案状态", "托育机构备案信息系统中的状态：已备案、备案审核中、未备案"),
    ("备案号", "已备案机构的备案号"),
    ("点位名称", "家长看到的名称"),
    ("点位编号", "登记系统中的点位编号（有时）"),
    ("点位类别", "主园区或社区点（1+N）"),
    ("机构类型", "纯托育机构、幼儿园托班、早教机构托班、社区嵌入式托育点、家庭托育点、用人单位办托"),
    ("所在区", "区（县）"),
    ("街道", "街道（镇）"),
    ("地址", "详细地址"),
    ("经度", "GCJ-02 坐标系（高德/腾讯地图）"),
    ("纬度", "GCJ-02 坐标系（高德/腾讯地图）"),
    ("位置待核实", "是：登记信息没有经纬度，位置为街道中心"),
    ("电话", "机构对外电话"),
    ("开放时间", "开放时间"),
    ("托育形式与收费", "托育形式及市场价：全日托、半日托按月，计时托按小时，临时托按天（元）"),
    ("普惠", "是否提供普惠托位"),
    ("普惠收费（元/月）", "普惠托位的月收费"),
    ("认定", "省级/市级普惠、示范等认定"),
    ("班级", "班级类型·托育形式 托位/在托/空位，多个用“；”分隔"),
    ("托位合计", "各班级托位之和"),
    ("空位合计", "各班级空位之和"),
    ("空位确认时间", "各班级空位中最早的一次确认（北京时间）：空位只有这么新"),
    ("示例数据", "是：演示用的示例记录，不是真实机构（默认不导出）"),
];

pub async fn places(conn: &mut crate::db::Conn, scope: &Scope) -> Result<Vec<Vec<String>>, AppError> {
    let rows: Vec<PlaceRow> = crate::db::query_as(
        "SELECT p.id, o.name AS org_name, o.uscc, o.beian_status, o.beian_number, p.name, p.registry_code, p.is_main,
                p.provider_type, d.name AS district, s.name AS street, p.address, p.lng, p.lat, p.location_unverified,
                p.phone, p.opening_hours, p.puhui, p.puhui_fee_yuan, p.is_sample, p.updated_at,
                (SELECT group_concat(m.care_mode || ':' || m.fee_yuan, ';') FROM place_care_modes m WHERE m.place_id = p.id) AS modes,
                (SELECT group_concat(b.badge, ';') FROM place_badges b WHERE b.place_id = p.id) AS badges,
                (SELECT group_concat(c.age_band || ':' || c.care_mode || ':' || c.capacity || ':' || c.enrolled || ':' || c.vacancies, ';')
                   FROM classes c WHERE c.place_id = p.id) AS classes,
                (SELECT CAST(sum(c.capacity) AS BIGINT) FROM classes c WHERE c.place_id = p.id) AS capacity,
                (SELECT CAST(sum(c.vacancies) AS BIGINT) FROM classes c WHERE c.place_id = p.id) AS vacancies,
                (SELECT min(c.confirmed_at) FROM classes c WHERE c.place_id = p.id) AS confirmed_at
         FROM places p JOIN organisations o ON o.id = p.organisation_id
              JOIN areas d ON d.id = p.district_id JOIN areas s ON s.id = p.street_id
         WHERE p.closed_at IS NULL AND (?1 IS NULL OR p.district_id = ?1 OR p.street_id = ?1) AND (?2 OR p.is_sample = FALSE)
         ORDER BY p.district_id, p.street_id, p.id",
    )
    .bind(&scope.area)
    .bind(scope.sample)
    .fetch_all(&mut *conn)
    .await?;
    let yes = |b: bool| if b { "是" } else { "否" }.to_string();
    Ok(rows
        .into_iter()
        .map(|r| {
            let modes: Vec<String> = r
                .modes
                .unwrap_or_default()
                .split(';')
                .filter_map(|m| m.split_once(':'))
                .filter_map(|(m, fee)| CareMode::from_code(m).map(|m| (m, fee)))
                .map(|(m, fee)| format!("{} {fee}元/{}", m.label(), m.fee_unit().label()))
                .collect();
            let badges: Vec<String> =
                r.badges.unwrap_or_default().split(';').filter(|b| !b.is_empty()).map(|b| label(b, Badge::from_code, Badge::label)).collect();
            let classes: Vec<String> = r
                .classes
                .unwrap_or_default()
                .split(';')
                .filter_map(|c| {
                    let f: Vec<&str> = c.split(':').collect();
                    (f.len() == 5).then(|| {
                        format!(
                            "{}·{} {}/{}/{}",
                            label(f[0], AgeBand::from_code, AgeBand::label),
                            label(f[1], CareMode::from_code, CareMode::label),
                            f[2],
                            f[3],
                            f[4]
                        )
                    })
                })
                .collect();
            vec![
                r.id.to_string(),
                r.org_name,
                r.uscc,
                label(&r.beian_status, BeianStatus::from_code, BeianStatus::label),
                r.beian_number.unwrap_or_default(),
                r.name,
                r.registry_code.unwrap_or_default(),
                if r.is_main { "主园区" } else { "社区点" }.to_string(),
                label(&r.provider_type, ProviderType::from_code, ProviderType::label),
                r.district,
                r.street,
                r.address,
                format!("{:.6}", r.lng),
                format!("{:.6}", r.lat),
                yes(r.location_unverified),
                r.phone,
                r.opening_hours,
                modes.join("；"),
                yes(r.puhui),
                r.puhui_fee_yuan.map(|f| f.to_string()).unwrap_or_default(),
                badges.join("、"),
                classes.join("；"),
                r.capacity.unwrap_or(0).to_string(),
                r.vacancies.unwrap_or(0).to_string(),
                r.confirmed_at.map(beijing).unwrap_or_else(|| beijing(r.updated_at)),
                yes(r.is_sample),
            ]
        })
        .collect())
}

#[derive(FromRow)]
struct ProviderRow {
    id: i64,
    org_name: String,
    uscc: String,
    name: String,
    kind: String,
    district: String,
    street: String,
    address: String,
    lng: f64,
    lat: f64,
    phone: String,
    emergency_phone: String,
    serve_radius_m: Option<i64>,
    streets: Option<String>,
    items: Option<String>,
    is_sample: bool,
}

pub const PROVIDER_COLUMNS: [(&str, &str); 15] = [
    ("服务机构ID", "本平台的服务机构编号"),
    ("机构名称", "运营机构（法人）全称"),
    ("统一社会信用代码", "运营机构的 18 位统一社会信用代码"),
    ("服务点名称", "居家上门服务点的名称"),
    ("类型", "居家养老服务中心、居家养老服务站、街道综合性养老服务中心、助餐点、护理站"),
    ("所在区", "区（县）"),
    ("街道", "街道（镇）"),
    ("地址", "详细地址"),
    ("经度", "GCJ-02 坐标系"),
    ("纬度", "GCJ-02 坐标系"),
    ("电话", "对外电话"),
    ("24小时电话", "助急：24 小时有人接听的电话"),
    ("服务范围", "服务半径（米）或服务的街道"),
    ("服务项目与价格", "服务项目·时长·市场价（元），多个用“；”分隔"),
    ("示例数据", "是：演示用的示例记录，不是真实机构（默认不导出）"),
];

pub async fn providers(conn: &mut crate::db::Conn, scope: &Scope) -> Result<Vec<Vec<String>>, AppError> {
    let rows: Vec<ProviderRow> = crate::db::query_as(
        "SELECT p.id, o.name AS org_name, o.uscc, p.name, p.kind, d.name AS district, s.name AS street, p.address, p.lng, p.lat,
                p.phone, p.emergency_phone, p.serve_radius_m,
                (SELECT group_concat(a.name, '、') FROM provider_streets ps JOIN areas a ON a.id = ps.street_id WHERE ps.provider_id = p.id) AS streets,
                (SELECT group_concat(i.service_item || ':' || i.duration_min || ':' || i.market_price_yuan, ';')
                   FROM provider_items i WHERE i.provider_id = p.id AND i.active = TRUE) AS items,
                p.is_sample
         FROM providers p JOIN organisations o ON o.id = p.organisation_id
              JOIN areas d ON d.id = p.district_id JOIN areas s ON s.id = p.street_id
         WHERE p.closed_at IS NULL AND (?1 IS NULL OR p.district_id = ?1 OR p.street_id = ?1) AND (?2 OR p.is_sample = FALSE)
         ORDER BY p.district_id, p.street_id, p.id",
    )
    .bind(&scope.area)
    .bind(scope.sample)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let items: Vec<String> = r
                .items
                .unwrap_or_default()
                .split(';')
                .filter_map(|i| {
                    let f: Vec<&str> = i.split(':').collect();
                    (f.len() == 3).then(|| format!("{}·{}分钟·{}元", label(f[0], ServiceItem::from_code, ServiceItem::label), f[1], f[2]))
                })
                .collect();
            let area = match r.serve_radius_m {
                Some(m) => format!("{m} 米内"),
                None => r.streets.unwrap_or_default(),
            };
            vec![
                r.id.to_string(),
                r.org_name,
                r.uscc,
                r.name,
                label(&r.kind, ProviderKind::from_code, ProviderKind::label),
                r.district,
                r.street,
                r.address,
                format!("{:.6}", r.lng),
                format!("{:.6}", r.lat),
                r.phone,
                r.emergency_phone,
                area,
                items.join("；"),
                if r.is_sample { "是" } else { "否" }.to_string(),
            ]
        })
        .collect())
}
