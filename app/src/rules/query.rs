//! The nearby-search query: parsed from URL pairs with field errors in Chinese
//! (the API and the UI's URL use the same parser), and written back to pairs.

use crate::rules::geo::LatLng;
use crate::model::{CareMode, FieldError, ProviderType};

pub const DEFAULT_RADIUS_M: u32 = 3000;
pub const MAX_RADIUS_M: u32 = 50_000;
pub const DEFAULT_LIMIT: u32 = 50;
pub const MAX_LIMIT: u32 = 200;
pub const MAX_AGE_MONTHS: u16 = 72;

/// Where a search is measured from.
#[derive(Clone, Debug, PartialEq)]
pub enum Origin {
    /// A GCJ-02 point (a device position already converted, or a shared link).
    Point(LatLng),
    /// The centre of a district or 街道, by area id.
    Area(String),
}

/// The filters every search applies (server and, offline, the client).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    pub age_months: Option<u16>,
    pub care_mode: Option<CareMode>,
    pub puhui_only: bool,
    /// A cap on the monthly fee in yuan (see `search::monthly_fee`).
    pub max_fee: Option<u32>,
    pub vacancy_only: bool,
    pub provider_type: Option<ProviderType>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlaceQuery {
    pub origin: Origin,
    pub radius_m: u32,
    pub filters: Filters,
    pub limit: u32,
}

fn field(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.to_string(), message: message.into() }
}

/// The value of `key`, the last one if repeated; empty values count as absent
/// (an empty form field).
pub fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn parse_bool(pairs: &[(String, String)], key: &str, label: &str, errors: &mut Vec<FieldError>) -> bool {
    match get(pairs, key) {
        None => false,
        Some("1" | "true" | "on" | "yes") => true,
        Some("0" | "false" | "off" | "no") => false,
        Some(v) => {
            errors.push(field(key, format!("{label}只能是 1（是）或 0（否），收到的是“{v}”")));
            false
        }
    }
}

fn parse_int<T: std::str::FromStr + PartialOrd + Copy + std::fmt::Display>(
    pairs: &[(String, String)],
    key: &str,
    min: T,
    max: T,
    message: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let v = get(pairs, key)?;
    match v.parse::<T>() {
        Ok(n) if n >= min && n <= max => Some(n),
        _ => {
            errors.push(field(key, format!("{message}（{min} 到 {max} 之间的整数），收到的是“{v}”")));
            None
        }
    }
}

fn parse_coord(
    pairs: &[(String, String)],
    key: &str,
    limit: f64,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> Option<f64> {
    let v = get(pairs, key)?;
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= limit => Some(x),
        _ => {
            errors.push(field(key, format!("{label}必须是 -{limit} 到 {limit} 之间的数字，收到的是“{v}”")));
            None
        }
    }
}

fn enum_choices<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> String {
    all.iter().map(|&x| format!("{}（{}）", code(x), label(x))).collect::<Vec<_>>().join("、")
}

/// Parses the filters shared by the API and the UI URL.
pub fn parse_filters(pairs: &[(String, String)], errors: &mut Vec<FieldError>) -> Filters {
    let age_months = parse_int::<u16>(pairs, "age_months", 0, MAX_AGE_MONTHS, "月龄必须是整数个月", errors);
    let care_mode = get(pairs, "care_mode").and_then(|v| {
        let m = CareMode::from_code(v);
        if m.is_none() {
            errors.push(field(
                "care_mode",
                format!("未知的托育形式“{v}”，可选：{}", enum_choices(CareMode::ALL, CareMode::code, CareMode::label)),
            ));
        }
        m
    });
    let provider_type = get(pairs, "type").and_then(|v| {
        let t = ProviderType::from_code(v);
        if t.is_none() {
            errors.push(field(
                "type",
                format!(
                    "未知的机构类型“{v}”，可选：{}",
                    enum_choices(ProviderType::ALL, ProviderType::code, ProviderType::label)
                ),
            ));
        }
        t
    });
    Filters {
        age_months,
        care_mode,
        puhui_only: parse_bool(pairs, "puhui", "“只看普惠”", errors),
        max_fee: parse_int::<u32>(pairs, "max_fee", 1, 100_000, "月费上限必须是整数元", errors),
        vacancy_only: parse_bool(pairs, "vacancy", "“只看有空位”", errors),
        provider_type,
    }
}

/// Parses the origin: `lat`+`lng` (GCJ-02), or `area`.
pub fn parse_origin(pairs: &[(String, String)], errors: &mut Vec<FieldError>) -> Option<Origin> {
    let before = errors.len();
    let lat = parse_coord(pairs, "lat", 90.0, "纬度", errors);
    let lng = parse_coord(pairs, "lng", 180.0, "经度", errors);
    let area = get(pairs, "area");
    if errors.len() > before {
        return None;
    }
    match (lat, lng, area) {
        (Some(lat), Some(lng), _) => Some(Origin::Point(LatLng::new(lat, lng))),
        (Some(_), None, _) => {
            errors.push(field("lng", "缺少经度：纬度和经度需要同时提供"));
            None
        }
        (None, Some(_), _) => {
            errors.push(field("lat", "缺少纬度：纬度和经度需要同时提供"));
            None
        }
        (None, None, Some(a)) => Some(Origin::Area(a.to_string())),
        (None, None, None) => None,
    }
}

impl PlaceQuery {
    /// Parses an API query. Every bad field is reported, not only the first.
    pub fn parse(pairs: &[(String, String)]) -> Result<PlaceQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let origin = parse_origin(pairs, &mut errors);
        if origin.is_none() && errors.is_empty() {
            errors.push(field("lat", "请提供位置：lat 和 lng（GCJ-02），或区域 area"));
        }
        let radius_m = parse_int::<u32>(pairs, "radius_m", 1, MAX_RADIUS_M, "搜索半径必须是整数米", &mut errors)
            .unwrap_or(DEFAULT_RADIUS_M);
        let limit =
            parse_int::<u32>(pairs, "limit", 1, MAX_LIMIT, "结果条数必须是整数", &mut errors).unwrap_or(DEFAULT_LIMIT);
        let filters = parse_filters(pairs, &mut errors);
        match origin {
            Some(origin) if errors.is_empty() => Ok(PlaceQuery { origin, radius_m, filters, limit }),
            _ => Err(errors),
        }
    }

    /// The query as URL pairs (the inverse of `parse`; defaults are left out).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        match &self.origin {
            Origin::Point(p) => {
                out.push(("lat".into(), format!("{:.6}", p.lat)));
                out.push(("lng".into(), format!("{:.6}", p.lng)));
            }
            Origin::Area(a) => out.push(("area".into(), a.clone())),
        }
        if self.radius_m != DEFAULT_RADIUS_M {
            out.push(("radius_m".into(), self.radius_m.to_string()));
        }
        out.extend(filters_to_pairs(&self.filters));
        if self.limit != DEFAULT_LIMIT {
            out.push(("limit".into(), self.limit.to_string()));
        }
        out
    }
}

pub fn filters_to_pairs(f: &Filters) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    if let Some(a) = f.age_months {
        out.push(("age_months".into(), a.to_string()));
    }
    if let Some(m) = f.care_mode {
        out.push(("care_mode".into(), m.code().into()));
    }
    if f.puhui_only {
        out.push(("puhui".into(), "1".into()));
    }
    if let Some(x) = f.max_fee {
        out.push(("max_fee".into(), x.to_string()));
    }
    if f.vacancy_only {
        out.push(("vacancy".into(), "1".into()));
    }
    if let Some(t) = f.provider_type {
        out.push(("type".into(), t.code().into()));
    }
    out
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `a=1&b=x` with percent-encoding.
pub fn encode_pairs(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn parses_a_full_query() {
        let q = PlaceQuery::parse(&pairs(&[
            ("lat", "31.575"),
            ("lng", "120.358"),
            ("radius_m", "5000"),
            ("age_months", "8"),
            ("care_mode", "full_day"),
            ("puhui", "1"),
            ("max_fee", "2000"),
            ("vacancy", "true"),
            ("type", "community"),
            ("limit", "10"),
        ]))
        .unwrap();
        assert_eq!(q.origin, Origin::Point(LatLng::new(31.575, 120.358)));
        assert_eq!(q.radius_m, 5000);
        assert_eq!(q.limit, 10);
        assert_eq!(
            q.filters,
            Filters {
                age_months: Some(8),
                care_mode: Some(CareMode::FullDay),
                puhui_only: true,
                max_fee: Some(2000),
                vacancy_only: true,
                provider_type: Some(ProviderType::Community),
            }
        );
        // round trip
        assert_eq!(PlaceQuery::parse(&q.to_pairs()).unwrap(), q);
    }

    #[test]
    fn defaults_and_empty_form_fields() {
        let q = PlaceQuery::parse(&pairs(&[("area", "wuxi-xinwu-wangzhuang"), ("max_fee", ""), ("type", "")])).unwrap();
        assert_eq!(q.origin, Origin::Area("wuxi-xinwu-wangzhuang".into()));
        assert_eq!(q.radius_m, DEFAULT_RADIUS_M);
        assert_eq!(q.limit, DEFAULT_LIMIT);
        assert_eq!(q.filters, Filters::default());
    }

    #[test]
    fn every_bad_field_is_named_in_chinese() {
        let errs = PlaceQuery::parse(&pairs(&[
            ("lat", "200"),
            ("lng", "120"),
            ("radius_m", "-1"),
            ("age_months", "abc"),
            ("care_mode", "weekend"),
            ("puhui", "maybe"),
            ("type", "zoo"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["lat", "radius_m", "age_months", "care_mode", "type", "puhui"]);
        assert!(errs[0].message.contains("纬度"));
        assert!(errs[1].message.contains("半径"));
        assert!(errs[2].message.contains("月龄"));
        assert!(errs[3].message.contains("托育形式") && errs[3].message.contains("full_day"));
    }

    #[test]
    fn a_location_is_required() {
        let errs = PlaceQuery::parse(&pairs(&[("radius_m", "100")])).unwrap_err();
        assert_eq!(errs[0].field, "lat");
        let errs = PlaceQuery::parse(&pairs(&[("lat", "31.5")])).unwrap_err();
        assert_eq!(errs[0].field, "lng");
        assert!(PlaceQuery::parse(&pairs(&[("lat", "NaN"), ("lng", "120")])).is_err());
    }

    #[test]
    fn encodes_pairs() {
        assert_eq!(encode_pairs(&pairs(&[("a", "1"), ("q", "旺庄 x")])), "a=1&q=%E6%97%BA%E5%BA%84%20x");
    }
}
