//! What supervisors (监管) read: the plans' indicators per district and 街道 with their
//! numerator, denominator, target and source, the stale places, orders by item and month,
//! EVV exceptions, the trends and the monthly subsidy settlement (`/api/v1/supervise/…`).

use super::*;

labelled_enum!(
    /// The indicators the app computes from its records.
    Indicator {
        SlotsPerThousand = "slots_per_thousand", "每千人口托位数";
        Slots = "slots", "3岁以下托位数";
        PuhuiShare = "puhui_share", "普惠托位占比";
        PuhuiStreetCoverage = "puhui_street_coverage", "普惠托育机构街道覆盖率";
        BeianRate = "beian_rate", "托育机构备案率";
        CommunityCoverage = "community_coverage", "社区托育设施覆盖率";
        FreshShare = "fresh_share", "空位 7 天内确认率";
        HomeServiceCoverage = "home_service_coverage", "居家上门服务覆盖率";
        WelfareVisitRate = "welfare_visit_rate", "特殊困难老年人月探访率";
        OrdersCompleted = "orders_completed", "完成的上门服务单数";
        EvvExceptionShare = "evv_exception_share", "上门签到签退异常占比";
    }
);

/// How many days a class's confirmed vacancies stay fresh.
pub const FRESH_DAYS: i64 = 7;

impl Indicator {
    pub fn unit(self) -> &'static str {
        match self {
            Indicator::SlotsPerThousand => "个/千人",
            Indicator::Slots => "个",
            Indicator::OrdersCompleted => "单",
            _ => "%",
        }
    }

    /// A share shown in per cent (value = numerator / denominator × 100).
    pub fn is_percent(self) -> bool {
        self.unit() == "%"
    }

    /// Lower is better (the exceptions); for the others, reaching the target is the goal.
    pub fn lower_is_better(self) -> bool {
        matches!(self, Indicator::EvvExceptionShare)
    }

    /// A stock (托位, places, figures as they stand now) is known for past months only from
    /// the monthly snapshots; a flow (orders, visits) is counted again from the records.
    pub fn is_stock(self) -> bool {
        !matches!(
            self,
            Indicator::HomeServiceCoverage | Indicator::WelfareVisitRate | Indicator::OrdersCompleted | Indicator::EvvExceptionShare
        )
    }

    /// How it is computed, in words a supervisor checks it by.
    pub fn formula(self) -> &'static str {
        match self {
            Indicator::SlotsPerThousand => "在营托育点位各班级托位数之和 ÷ 常住人口 × 1000",
            Indicator::Slots => "在营托育点位各班级托位数之和",
            Indicator::PuhuiShare => "普惠托位数 ÷ 托位总数 × 100%",
            Indicator::PuhuiStreetCoverage => "有普惠托育点位的街道数 ÷ 街道总数 × 100%",
            Indicator::BeianRate => "已备案的托育机构数 ÷ 在本区域有点位的托育机构数 × 100%",
            Indicator::CommunityCoverage => {
                "社区嵌入式托育点数（每个街道最多计到该街道的社区数）÷ 社区（村）数 × 100%。\
                 点位未登记所在社区，按每个点位覆盖一个社区估算。"
            }
            Indicator::FreshShare => "7 天内确认过空位的班级数 ÷ 班级总数 × 100%",
            Indicator::HomeServiceCoverage => {
                "截至月末 12 个月内接受过上门服务（订单已完成）的老年人数 ÷ 60 岁及以上常住人口 × 100%"
            }
            Indicator::WelfareVisitRate => "本月应探访（截止日在本月且已到期）中已完成的次数 ÷ 应探访次数 × 100%",
            Indicator::OrdersCompleted => "本月上门日期的已完成订单数",
            Indicator::EvvExceptionShare => "本月已完成订单中签到或签退缺失、无定位或距地址超过 100 米的单数 ÷ 已完成单数 × 100%",
        }
    }

    pub fn numerator_label(self) -> &'static str {
        match self {
            Indicator::SlotsPerThousand | Indicator::Slots => "托位数",
            Indicator::PuhuiShare => "普惠托位数",
            Indicator::PuhuiStreetCoverage => "有普惠点位的街道",
            Indicator::BeianRate => "已备案机构",
            Indicator::CommunityCoverage => "计入的社区托育点",
            Indicator::FreshShare => "7 天内确认的班级",
            Indicator::HomeServiceCoverage => "接受上门服务的老年人",
            Indicator::WelfareVisitRate => "已完成探访",
            Indicator::OrdersCompleted => "已完成订单",
            Indicator::EvvExceptionShare => "签到签退异常单",
        }
    }

    pub fn denominator_label(self) -> Option<&'static str> {
        match self {
            Indicator::SlotsPerThousand => Some("常住人口"),
            Indicator::Slots | Indicator::OrdersCompleted => None,
            Indicator::PuhuiShare => Some("托位总数"),
            Indicator::PuhuiStreetCoverage => Some("街道数"),
            Indicator::BeianRate => Some("托育机构数"),
            Indicator::CommunityCoverage => Some("社区（村）数"),
            Indicator::FreshShare => Some("班级总数"),
            Indicator::HomeServiceCoverage => Some("60 岁及以上常住人口"),
            Indicator::WelfareVisitRate => Some("应探访次数"),
            Indicator::EvvExceptionShare => Some("已完成订单"),
        }
    }

    /// The value from numerator and denominator (`None` when the denominator is unknown or 0).
    pub fn value(self, numerator: f64, denominator: Option<f64>) -> Option<f64> {
        match self {
            Indicator::Slots | Indicator::OrdersCompleted => Some(numerator),
            Indicator::SlotsPerThousand => denominator.filter(|d| *d > 0.0).map(|d| numerator / d * 1000.0),
            _ => denominator.filter(|d| *d > 0.0).map(|d| numerator / d * 100.0),
        }
    }

    /// The value as shown: "4.52", "63.8%", "1,234".
    pub fn show(self, v: Option<f64>) -> String {
        match v {
            None => "—".into(),
            Some(v) if self.is_percent() => format!("{}%", round1(v)),
            Some(v) if self == Indicator::SlotsPerThousand => format!("{:.2}", v),
            Some(v) => thousands(v.round() as i64),
        }
    }

    /// The names plans use for it (`indicators.csv`), to link a target to what is computed.
    pub fn from_plan_name(name: &str) -> Option<Indicator> {
        let n: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        let has = |s: &str| n.contains(s);
        Some(if has("每千") && has("托位") {
            Indicator::SlotsPerThousand
        } else if n == "3岁以下托位数" || n == "托位数" {
            Indicator::Slots
        } else if has("普惠") && has("托位占比") {
            Indicator::PuhuiShare
        } else if has("普惠托育机构街道覆盖率") {
            Indicator::PuhuiStreetCoverage
        } else if has("备案率") {
            Indicator::BeianRate
        } else if has("社区") && has("托育") && has("覆盖率") {
            Indicator::CommunityCoverage
        } else if has("居家上门服务覆盖率") {
            Indicator::HomeServiceCoverage
        } else if has("月探访率") {
            Indicator::WelfareVisitRate
        } else {
            return None;
        })
    }
}

/// One decimal, without a trailing ".0".
pub fn round1(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 { format!("{}", r as i64) } else { format!("{r:.1}") }
}

/// 12345 → "12,345".
pub fn thousands(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A plan's target for an indicator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Target {
    pub id: i64,
    /// The indicator as the plan words it.
    pub name: String,
    pub indicator: Option<Indicator>,
    /// The area the plan is for, as it names it (无锡市新吴区, 扬州市 …).
    pub scope_name: String,
    pub unit: String,
    pub baseline_year: Option<i32>,
    pub baseline: Option<f64>,
    pub target_year: i32,
    pub target: f64,
    /// 约束性 / 预期性
    pub binding: Option<String>,
    /// The plan and the line: "《新吴区“一老一小”整体解决方案》第 268 行".
    pub source: String,
}

/// `PUT /api/v1/admin/targets/{id}`: an admin sets a target (the plan was revised).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TargetEdit {
    pub target: f64,
    pub target_year: i32,
}

impl TargetEdit {
    pub fn validate(&self, unit: &str) -> Vec<FieldError> {
        let mut out = Vec::new();
        if !self.target.is_finite() || self.target < 0.0 || (unit == "%" && self.target > 100.0) || self.target > 1e9 {
            out.push(FieldError { field: "target".into(), message: if unit == "%" { "目标应为 0 到 100 之间的数".into() } else { "目标应为不小于 0 的数".into() } });
        }
        if !(2020..=2050).contains(&self.target_year) {
            out.push(FieldError { field: "target_year".into(), message: "目标年份应在 2020 到 2050 之间".into() });
        }
        out
    }
}

/// An area a supervisor reads: a district or one of its 街道.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AreaRef {
    pub id: String,
    pub name: String,
    /// "district" | "street"
    pub level: String,
    pub district_id: String,
    pub district_name: String,
    pub city: String,
}

/// One computed figure, explaining itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Figure {
    pub indicator: Indicator,
    pub value: Option<f64>,
    pub numerator: f64,
    pub denominator: Option<f64>,
    pub target: Option<Target>,
    /// When the figures it is made of were read (unix s).
    pub as_of: i64,
    /// Why a value is missing or how it was made (a snapshot, an estimate, missing population …).
    pub note: Option<String>,
}

/// The population figures a district's or street's denominators come from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PopulationUsed {
    /// The statistical year used (the latest not after the month).
    pub year: Option<i32>,
    pub resident: i64,
    pub age_0_3: i64,
    pub age_60: i64,
    pub age_65: i64,
    pub age_80: i64,
    /// 街道 without figures for that year (their people are missing from the denominators).
    pub streets_missing: Vec<String>,
    /// Generated figures (示例).
    pub sample: bool,
    pub source: String,
}

/// `GET /api/v1/supervise/indicators?area=&month=`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndicatorsResponse {
    pub area: AreaRef,
    /// 'YYYY-MM'
    pub month: String,
    /// The current month: figures as they stand now; a past month: flows from the records,
    /// stocks from that month's snapshot.
    pub live: bool,
    pub as_of: i64,
    /// The records are sample data (示例).
    pub sample: bool,
    pub population: PopulationUsed,
    pub figures: Vec<Figure>,
    /// The plan's other indicators for this area, which the app holds no data for.
    pub other_targets: Vec<Target>,
}

/// One 街道 of a district, each indicator as numerator/denominator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StreetRow {
    pub street_id: String,
    pub name: String,
    pub resident: Option<i64>,
    pub age_60: Option<i64>,
    pub places: i64,
    pub slots: i64,
    pub puhui_slots: i64,
    pub slots_per_thousand: Option<f64>,
    pub puhui_share: Option<f64>,
    pub fresh_share: Option<f64>,
    pub stale_places: i64,
    pub elders_served: i64,
    pub home_service_coverage: Option<f64>,
    pub welfare_done: i64,
    pub welfare_due: i64,
    pub welfare_visit_rate: Option<f64>,
    pub orders_completed: i64,
    pub evv_exceptions: i64,
}

/// `GET /api/v1/supervise/streets?district=&month=`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StreetsResponse {
    pub district: AreaRef,
    pub month: String,
    pub as_of: i64,
    pub sample: bool,
    pub rows: Vec<StreetRow>,
}

/// A place whose figures are stale (a class not confirmed for 7 days), with whom to call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StalePlace {
    pub place_id: i64,
    pub name: String,
    pub organisation: String,
    pub street_id: String,
    pub street_name: String,
    /// The place's phone (the operator's front desk).
    pub phone: String,
    /// The oldest confirmation among its classes (unix s).
    pub oldest_confirmed_at: i64,
    pub stale_classes: i64,
    pub classes: i64,
    pub vacancies: i64,
    pub sample: bool,
}

/// A place on the supervisor's map.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MapPlace {
    pub place_id: i64,
    pub name: String,
    pub street_id: String,
    pub lat: f64,
    pub lng: f64,
    pub capacity: i64,
    pub vacancies: i64,
    pub oldest_confirmed_at: i64,
    pub puhui: bool,
}

/// `GET /api/v1/supervise/places?area=`: stale places (worst first) and the map.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlacesOverview {
    pub area: AreaRef,
    pub as_of: i64,
    pub stale: Vec<StalePlace>,
    pub places: Vec<MapPlace>,
}

/// Orders of one item per month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemMonths {
    pub item: ServiceItem,
    /// Per month of `OrdersResponse::months`: orders (not cancelled or declined), and completed.
    pub ordered: Vec<i64>,
    pub completed: Vec<i64>,
}

/// A completed visit whose check-in or check-out is flagged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvvException {
    pub order_id: String,
    pub provider: String,
    pub item: ServiceItem,
    pub visit_date: String,
    pub street_name: String,
    pub carer: Option<String>,
    pub check_in_m: Option<f64>,
    pub check_out_m: Option<f64>,
    /// In words: 未签到 / 签到无定位 / 签到距地址 230 米 …
    pub reason: String,
}

/// `GET /api/v1/supervise/orders?area=&month=`: the 12 months to `month` by item, and the
/// month's EVV exceptions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceOverview {
    pub area: AreaRef,
    pub month: String,
    pub as_of: i64,
    pub months: Vec<String>,
    pub items: Vec<ItemMonths>,
    pub exceptions: Vec<EvvException>,
}

/// One month of an indicator's trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    pub month: String,
    pub value: Option<f64>,
    /// Made afterwards from the records, not written during the month.
    pub backfilled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Trend {
    pub indicator: Indicator,
    pub points: Vec<TrendPoint>,
    pub target: Option<f64>,
}

/// `GET /api/v1/supervise/trends?area=`: the last 12 months of each indicator.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrendsResponse {
    pub area: AreaRef,
    pub trends: Vec<Trend>,
}

/// One provider's month in the subsidy settlement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SettlementRow {
    pub provider_id: i64,
    pub provider: String,
    /// Completed orders that count (identity verified where public money is involved, check-in/out not flagged).
    pub orders: i64,
    pub market_yuan: i64,
    pub government_purchase_yuan: i64,
    pub subsidy_yuan: i64,
    pub family_yuan: i64,
    /// Completed, but public money was involved and the categories were never verified (未核实身份).
    pub excluded_unverified: i64,
    /// Completed, but the check-in or check-out is flagged (missing, no position or beyond 100 m).
    pub excluded_flagged: i64,
    pub sample: bool,
}

/// `GET /api/v1/supervise/settlement?district=&month=`: what 民政 pays providers on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Settlement {
    pub district: AreaRef,
    pub month: String,
    pub as_of: i64,
    pub rows: Vec<SettlementRow>,
    pub total: SettlementRow,
}

/// 'YYYY-MM' of a date 'YYYY-MM-DD' or a month; `None` when malformed.
pub fn parse_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.trim().split_once('-')?;
    let (y, m): (i32, u32) = (y.parse().ok()?, m.get(..2)?.parse().ok()?);
    (y > 1999 && y < 2101 && (1..=12).contains(&m)).then_some((y, m))
}

pub fn month_code(y: i32, m: u32) -> String {
    format!("{y:04}-{m:02}")
}

/// The month `back` months before (y, m).
pub fn months_back(y: i32, m: u32, back: u32) -> (i32, u32) {
    let k = y * 12 + m as i32 - 1 - back as i32;
    (k.div_euclid(12), k.rem_euclid(12) as u32 + 1)
}

/// The last day of a month.
pub fn last_day(y: i32, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_names_find_their_indicator() {
        for (name, i) in [
            ("每千人口托位数", Some(Indicator::SlotsPerThousand)),
            ("每千常住人口拥有3岁以下婴幼儿托位数", Some(Indicator::SlotsPerThousand)),
            ("3岁以下托位数", Some(Indicator::Slots)),
            ("托位数", Some(Indicator::Slots)),
            ("普惠性托位占比", Some(Indicator::PuhuiShare)),
            ("普惠托育机构街道覆盖率", Some(Indicator::PuhuiStreetCoverage)),
            ("托育机构登记备案率", Some(Indicator::BeianRate)),
            ("社区(村)托育设施覆盖率", Some(Indicator::CommunityCoverage)),
            ("社区托育服务覆盖率", Some(Indicator::CommunityCoverage)),
            ("老年人接受居家上门服务覆盖率", Some(Indicator::HomeServiceCoverage)),
            ("特殊困难老年人月探访率", Some(Indicator::WelfareVisitRate)),
            ("登记备案的托育机构数", None),
            ("居家社区养老服务覆盖率", None),
            ("护理型床位占比", None),
        ] {
            assert_eq!(Indicator::from_plan_name(name), i, "{name}");
        }
    }

    #[test]
    fn values_and_how_they_show() {
        assert_eq!(Indicator::SlotsPerThousand.value(900.0, Some(200_000.0)), Some(4.5));
        assert_eq!(Indicator::SlotsPerThousand.show(Some(4.5)), "4.50");
        assert_eq!(Indicator::PuhuiShare.value(63.0, Some(90.0)), Some(70.0));
        assert_eq!(Indicator::PuhuiShare.show(Some(63.84)), "63.8%");
        assert_eq!(Indicator::PuhuiShare.value(1.0, Some(0.0)), None);
        assert_eq!(Indicator::Slots.show(Some(12345.0)), "12,345");
        assert_eq!(thousands(-1234567), "-1,234,567");
    }

    #[test]
    fn codes_are_what_the_json_says() {
        for i in Indicator::ALL {
            assert_eq!(serde_json::to_value(i).unwrap(), serde_json::json!(i.code()));
        }
    }

    #[test]
    fn months() {
        assert_eq!(parse_month("2026-12"), Some((2026, 12)));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("x"), None);
        assert_eq!(months_back(2026, 2, 3), (2025, 11));
        assert_eq!(months_back(2026, 12, 0), (2026, 12));
        assert_eq!(last_day(2028, 2), 29);
        assert_eq!(month_code(2026, 3), "2026-03");
    }
}
