//! The supervisors' tables as files (CSV; XLSX with one sheet per table and a 说明 sheet)
//! and their trend charts as SVG drawn here, on the server, so that they show without
//! WASM and, once seen, offline.

use crate::open_data::Table;
use app::model::supervise::{
    Indicator, IndicatorsResponse, PlacesOverview, ServiceOverview, Settlement, StreetsResponse, Trend,
};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// "2026-12-03 13:05" (Beijing) of a unix time.
pub fn beijing(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| (t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn opt(v: Option<f64>, i: Indicator) -> String {
    match v {
        None => String::new(),
        Some(_) => i.show(v),
    }
}

fn num(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v:.2}") }
}

pub const INDICATOR_COLUMNS: [(&str, &str); 13] = [
    ("指标", "指标名称"),
    ("数值", "按“计算方法”算出的值"),
    ("单位", ""),
    ("分子", "计算所用的分子"),
    ("分子含义", ""),
    ("分母", "计算所用的分母（空：该指标无分母或缺数据）"),
    ("分母含义", ""),
    ("目标", "规划目标值"),
    ("目标年", ""),
    ("目标来源", "规划文件及所在行"),
    ("计算方法", ""),
    ("数据时间", "北京时间"),
    ("备注", "快照、估算或缺数据的说明"),
];

pub fn indicator_table(r: &IndicatorsResponse) -> Table<'static> {
    let rows = r
        .figures
        .iter()
        .map(|f| {
            let i = f.indicator;
            vec![
                i.label().to_string(),
                opt(f.value, i),
                i.unit().to_string(),
                num(f.numerator),
                i.numerator_label().to_string(),
                f.denominator.map(num).unwrap_or_default(),
                i.denominator_label().unwrap_or("").to_string(),
                f.target.as_ref().map(|t| num(t.target)).unwrap_or_default(),
                f.target.as_ref().map(|t| t.target_year.to_string()).unwrap_or_default(),
                f.target.as_ref().map(|t| format!("{}：{}", t.scope_name, t.source)).unwrap_or_default(),
                i.formula().to_string(),
                beijing(f.as_of),
                f.note.clone().unwrap_or_default(),
            ]
        })
        .collect();
    Table { sheet: "指标", columns: &INDICATOR_COLUMNS, rows, as_of: beijing(r.as_of) }
}

pub const STREET_COLUMNS: [(&str, &str); 17] = [
    ("街道", ""),
    ("常住人口", "人口数据所用年份的常住人口"),
    ("60岁及以上人口", ""),
    ("托育点位", "在营点位数"),
    ("托位", "各班级托位数之和"),
    ("普惠托位", ""),
    ("每千人口托位数", "托位 ÷ 常住人口 × 1000"),
    ("普惠托位占比", "普惠托位 ÷ 托位"),
    ("空位7天内确认率", "7 天内确认过空位的班级 ÷ 班级"),
    ("数据过期点位", "有班级 7 天以上未确认空位的点位数"),
    ("接受上门服务老人", "截至月末 12 个月内有已完成订单的老年人"),
    ("居家上门服务覆盖率", "接受上门服务老人 ÷ 60岁及以上人口"),
    ("已完成探访", "本月"),
    ("应探访", "本月截止且已到期的每周探访"),
    ("月探访率", "已完成探访 ÷ 应探访"),
    ("完成订单", "本月上门的已完成订单"),
    ("签到签退异常", "本月已完成订单中签到/签退缺失、无定位或距地址超过 100 米"),
];

pub fn street_table(r: &StreetsResponse) -> Table<'static> {
    let rows = r
        .rows
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.resident.map(|v| v.to_string()).unwrap_or_default(),
                s.age_60.map(|v| v.to_string()).unwrap_or_default(),
                s.places.to_string(),
                s.slots.to_string(),
                s.puhui_slots.to_string(),
                opt(s.slots_per_thousand, Indicator::SlotsPerThousand),
                opt(s.puhui_share, Indicator::PuhuiShare),
                opt(s.fresh_share, Indicator::FreshShare),
                s.stale_places.to_string(),
                s.elders_served.to_string(),
                opt(s.home_service_coverage, Indicator::HomeServiceCoverage),
                s.welfare_done.to_string(),
                s.welfare_due.to_string(),
                opt(s.welfare_visit_rate, Indicator::WelfareVisitRate),
                s.orders_completed.to_string(),
                s.evv_exceptions.to_string(),
            ]
        })
        .collect();
    Table { sheet: "街道", columns: &STREET_COLUMNS, rows, as_of: beijing(r.as_of) }
}

pub const STALE_COLUMNS: [(&str, &str); 8] = [
    ("点位", ""),
    ("机构", ""),
    ("街道", ""),
    ("电话", "点位前台电话"),
    ("最早确认时间", "各班级空位确认时间中最早的一个（北京时间）"),
    ("过期班级", "7 天以上未确认空位的班级数"),
    ("班级数", ""),
    ("空位", "各班级空位之和（可能已过期）"),
];

pub fn stale_table(r: &PlacesOverview) -> Table<'static> {
    let rows = r
        .stale
        .iter()
        .map(|s| {
            vec![
                format!("{}{}", s.name, if s.sample { "（示例）" } else { "" }),
                s.organisation.clone(),
                s.street_name.clone(),
                s.phone.clone(),
                beijing(s.oldest_confirmed_at),
                s.stale_classes.to_string(),
                s.classes.to_string(),
                s.vacancies.to_string(),
            ]
        })
        .collect();
    Table { sheet: "数据过期点位", columns: &STALE_COLUMNS, rows, as_of: beijing(r.as_of) }
}

pub const ORDER_COLUMNS: [(&str, &str); 4] =
    [("服务项目", ""), ("月份", "上门日期所在月"), ("下单", "未取消、未被拒绝的订单"), ("已完成", "")];

pub fn order_table(r: &ServiceOverview) -> Table<'static> {
    let mut rows = Vec::new();
    for it in &r.items {
        for (k, m) in r.months.iter().enumerate() {
            rows.push(vec![it.item.label().to_string(), m.clone(), it.ordered[k].to_string(), it.completed[k].to_string()]);
        }
    }
    Table { sheet: "服务订单", columns: &ORDER_COLUMNS, rows, as_of: beijing(r.as_of) }
}

pub const EVV_COLUMNS: [(&str, &str); 8] = [
    ("订单号", ""),
    ("服务机构", ""),
    ("服务项目", ""),
    ("上门日期", ""),
    ("街道", "老人住址所在街道"),
    ("护理员", ""),
    ("签到签退", "异常原因"),
    ("距离（米）", "签到 / 签退位置距地址"),
];

pub fn evv_table(r: &ServiceOverview) -> Table<'static> {
    let d = |v: Option<f64>| v.map(|x| format!("{}", x.round() as i64)).unwrap_or_else(|| "—".into());
    let rows = r
        .exceptions
        .iter()
        .map(|e| {
            vec![
                e.order_id.clone(),
                e.provider.clone(),
                e.item.label().to_string(),
                e.visit_date.clone(),
                e.street_name.clone(),
                e.carer.clone().unwrap_or_default(),
                e.reason.clone(),
                format!("{} / {}", d(e.check_in_m), d(e.check_out_m)),
            ]
        })
        .collect();
    Table { sheet: "签到签退异常", columns: &EVV_COLUMNS, rows, as_of: beijing(r.as_of) }
}

pub const SETTLEMENT_COLUMNS: [(&str, &str); 8] = [
    ("服务机构", ""),
    ("计入单数", "本月上门、已完成、签到签退无异常、涉及政府资金的已核实身份的订单"),
    ("市场价合计（元）", ""),
    ("政府购买服务（元）", "按下单时规则表报价中由政府购买服务支付的部分"),
    ("服务补贴（元）", "按下单时规则表报价中由服务补贴支付的部分"),
    ("个人自付（元）", ""),
    ("未核实身份（不计）", "涉及政府资金但服务机构未核实身份类别的已完成订单"),
    ("签到签退异常（不计）", "签到或签退缺失、无定位或距地址超过 100 米的已完成订单"),
];

pub fn settlement_table(s: &Settlement) -> Table<'static> {
    let row = |r: &app::model::supervise::SettlementRow| {
        vec![
            format!("{}{}", r.provider, if r.sample && r.provider_id != 0 { "（示例）" } else { "" }),
            r.orders.to_string(),
            r.market_yuan.to_string(),
            r.government_purchase_yuan.to_string(),
            r.subsidy_yuan.to_string(),
            r.family_yuan.to_string(),
            r.excluded_unverified.to_string(),
            r.excluded_flagged.to_string(),
        ]
    };
    let mut rows: Vec<Vec<String>> = s.rows.iter().map(row).collect();
    rows.push(row(&s.total));
    Table { sheet: "补贴结算", columns: &SETTLEMENT_COLUMNS, rows, as_of: beijing(s.as_of) }
}

/// The 说明 sheet's lines: what the file covers, every indicator's definition, the as-of time.
pub fn about(area: &str, month: &str, as_of: i64, sample: bool) -> Vec<(String, String)> {
    let mut out = vec![
        ("区域".to_string(), area.to_string()),
        ("月份".to_string(), month.to_string()),
        ("数据时间".to_string(), format!("{}（北京时间）", beijing(as_of))),
    ];
    if sample {
        out.push(("示例".to_string(), "本文件由示例数据计算，不是真实统计，不能用于上报。".to_string()));
    }
    for i in Indicator::ALL {
        out.push((i.label().to_string(), i.formula().to_string()));
    }
    out
}

/// One workbook: a sheet per table, then 说明 (the columns of each sheet, and `about`).
pub fn xlsx(tables: &[Table], about: &[(String, String)]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    for t in tables {
        crate::open_data::write_sheet(&mut book, t, true)?;
    }
    let d = book.add_worksheet();
    d.set_name("说明")?;
    d.set_column_width(0, 24)?;
    d.set_column_width(1, 80)?;
    let mut r = 0u32;
    for (k, v) in about {
        d.write_string_with_format(r, 0, k, &bold)?;
        d.write_string_with_format(r, 1, v, &wrap)?;
        r += 1;
    }
    for t in tables {
        r += 1;
        d.write_string_with_format(r, 0, format!("表：{}", t.sheet), &bold)?;
        r += 1;
        for (c, m) in t.columns.iter().filter(|(_, m)| !m.is_empty()) {
            d.write_string(r, 0, *c)?;
            d.write_string_with_format(r, 1, *m, &wrap)?;
            r += 1;
        }
    }
    book.save_to_buffer()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A trend as an SVG line chart: the months along, the value up, the target as a dashed
/// line, back-filled months as hollow dots, months without a value left as gaps.
pub fn trend_svg(area: &str, t: &Trend, sample: bool) -> String {
    let (w, h, left, right, top, bottom) = (640.0, 260.0, 56.0, 16.0, 40.0, 36.0);
    let i = t.indicator;
    let values: Vec<f64> = t.points.iter().filter_map(|p| p.value).chain(t.target).collect();
    let mut hi = values.iter().cloned().fold(0.0f64, f64::max);
    if hi <= 0.0 {
        hi = if i.is_percent() { 100.0 } else { 1.0 };
    }
    hi *= 1.1;
    if i.is_percent() {
        hi = hi.min(110.0);
    }
    let n = t.points.len().max(2) as f64;
    let x = |k: usize| left + (w - left - right) * k as f64 / (n - 1.0);
    let y = |v: f64| top + (h - top - bottom) * (1.0 - v / hi);
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{title}" font-family="'Noto Sans CJK SC','PingFang SC',sans-serif" font-size="13"><title>{title}</title><rect width="{w}" height="{h}" fill="#fff"/>"##,
        title = esc(&format!("{area} {} 近 12 个月趋势{}", i.label(), if sample { "（示例）" } else { "" })),
    );
    s.push_str(&format!(r##"<text x="{left}" y="22" fill="#1a1a1a" font-size="15" font-weight="bold">{}</text>"##, esc(&format!("{}（{}）{}", i.label(), i.unit(), if sample { " 示例" } else { "" }))));
    for k in 0..=4 {
        let v = hi * k as f64 / 4.0;
        let yy = y(v);
        s.push_str(&format!(r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#e3e3e3"/>"##, w - right));
        s.push_str(&format!(r##"<text x="{}" y="{:.1}" text-anchor="end" fill="#555">{}</text>"##, left - 6.0, yy + 4.0, esc(&short(v, i))));
    }
    for (k, p) in t.points.iter().enumerate() {
        if k % 2 == (t.points.len() + 1) % 2 || k + 1 == t.points.len() {
            let label = p.month.get(2..).unwrap_or(&p.month).replace('-', "/");
            s.push_str(&format!(r##"<text x="{:.1}" y="{}" text-anchor="middle" fill="#555">{label}</text>"##, x(k), h - 12.0));
        }
    }
    if let Some(tv) = t.target {
        let yy = y(tv);
        s.push_str(&format!(
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="#b3261e" stroke-width="2" stroke-dasharray="6 4"/><text x="{}" y="{:.1}" text-anchor="end" fill="#b3261e">目标 {}</text>"##,
            w - right,
            w - right,
            yy - 6.0,
            esc(&i.show(Some(tv)))
        ));
    }
    // the line, broken where a month has no value
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, s: &mut String| {
        if run.len() > 1 {
            s.push_str(&format!(r##"<polyline fill="none" stroke="#0b6e4f" stroke-width="2.5" points="{}"/>"##, run.join(" ")));
        }
        run.clear();
    };
    for (k, p) in t.points.iter().enumerate() {
        match p.value {
            Some(v) => run.push(format!("{:.1},{:.1}", x(k), y(v))),
            None => flush(&mut run, &mut s),
        }
    }
    flush(&mut run, &mut s);
    for (k, p) in t.points.iter().enumerate() {
        if let Some(v) = p.value {
            let fill = if p.backfilled { "#fff" } else { "#0b6e4f" };
            s.push_str(&format!(r##"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{fill}" stroke="#0b6e4f" stroke-width="2"><title>{}</title></circle>"##, x(k), y(v), esc(&format!("{} {}{}", p.month, i.show(Some(v)), if p.backfilled { "（由记录回推）" } else { "" }))));
        }
    }
    if let Some(last) = t.points.iter().rev().find_map(|p| p.value.map(|v| (p, v))) {
        let k = t.points.iter().position(|p| p.month == last.0.month).unwrap_or(0);
        s.push_str(&format!(r##"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="#0b6e4f" font-weight="bold">{}</text>"##, x(k) - 6.0, y(last.1) - 8.0, esc(&i.show(Some(last.1)))));
    }
    if t.points.iter().all(|p| p.value.is_none()) {
        s.push_str(&format!(r##"<text x="{}" y="{}" text-anchor="middle" fill="#555">暂无数据</text>"##, w / 2.0, h / 2.0));
    }
    s.push_str("</svg>");
    s
}

fn short(v: f64, i: Indicator) -> String {
    if i.is_percent() {
        format!("{}%", v.round() as i64)
    } else if v >= 10_000.0 {
        format!("{}万", app::model::supervise::round1(v / 10_000.0))
    } else if v < 10.0 {
        format!("{}", app::model::supervise::round1(v))
    } else {
        format!("{}", v.round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::supervise::TrendPoint;

    #[test]
    fn a_trend_chart_draws_its_line_target_and_gaps() {
        let points = ["2026-01", "2026-02", "2026-03", "2026-04"]
            .iter()
            .enumerate()
            .map(|(k, m)| TrendPoint { month: m.to_string(), value: (k != 1).then_some(k as f64 * 10.0), backfilled: k == 0 })
            .collect();
        let svg = trend_svg("新吴区", &Trend { indicator: Indicator::PuhuiShare, points, target: Some(70.0) }, true);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("目标 70%"));
        assert!(svg.contains("示例"));
        // a gap at 2026-02: one polyline of two points (2026-03, 2026-04), none through the gap
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("（由记录回推）"));
    }

    #[test]
    fn the_workbook_has_a_sheet_per_table_and_reads_back() {
        let t = Table { sheet: "街道", columns: &[("街道", ""), ("托位", "x")], rows: vec![vec!["旺庄街道".into(), "1,234".into()]], as_of: String::new() };
        let x = xlsx(&[t], &about("新吴区", "2026-11", 0, true)).unwrap();
        let read = crate::import::table::read(&x, "a.xlsx", app::model::import::TextEncoding::Auto).unwrap();
        assert_eq!(read.cell(&read.rows[0], "街道"), "旺庄街道");
        assert_eq!(read.cell(&read.rows[0], "托位"), "1234");
    }
}
