//! Population figures per 街道 and year (the supervisors' denominators): one row per 街道
//! and year, matched by (街道, 年份) — a second import of the same file changes nothing, a
//! changed figure is an update with its before and after. Nothing is closed.

use super::columns::{Column, Problems};
use super::places::Areas;
use super::table::Table;
use app::model::import::{FieldChange, PlannedRecord};
use std::collections::HashMap;

const DISTRICT: &str = "所在区";
const STREET: &str = "街道";
const YEAR: &str = "年份";
const RESIDENT: &str = "常住人口";
const AGE_0_3: &str = "0-3岁";
const AGE_60: &str = "60岁及以上";
const AGE_65: &str = "65岁及以上";
const AGE_80: &str = "80岁及以上";
const COMMUNITIES: &str = "社区（村）数";
const SOURCE: &str = "数据来源";

pub fn columns() -> Vec<Column> {
    vec![
        Column::required(DISTRICT, "区（县、市）名称，如“新吴区”或“无锡市新吴区”。", "新吴区"),
        Column::required(STREET, "街道（镇）名称，须是该区的街道，如“旺庄街道”。", "旺庄街道"),
        Column::required(YEAR, "统计年份（四位数字）。同一街道可以有多个年份：指标按所查月份所在年份或之前最近的一年计算。", "2025"),
        Column::required(RESIDENT, "常住人口（人，整数）。每千人口托位数的分母。", "120000"),
        Column::required(AGE_0_3, "0–3 岁（不满 3 周岁）常住人口（人）。", "2100"),
        Column::required(AGE_60, "60 岁及以上常住人口（人）。居家上门服务覆盖率的分母。", "24000"),
        Column::required(AGE_65, "65 岁及以上常住人口（人），不大于 60 岁及以上。", "17000"),
        Column::required(AGE_80, "80 岁及以上常住人口（人），不大于 65 岁及以上。", "3500"),
        Column::optional(COMMUNITIES, "街道内社区（居委会）和村（村委会）的个数。社区托育设施覆盖率的分母；不填则不计算该指标。", "15"),
        Column::required(SOURCE, "数字的来源，如“2025 年统计公报”“七普”“公安户籍”。会显示在指标说明中。", "示例：2025 年统计公报"),
    ]
}

/// One 街道's figures for one year, as the file gives them.
#[derive(Clone, Debug, PartialEq)]
pub struct PopulationRecord {
    pub row: u32,
    pub district_name: String,
    pub street_id: String,
    pub street_name: String,
    pub year: i32,
    pub resident: i64,
    pub age_0_3: i64,
    pub age_60: i64,
    pub age_65: i64,
    pub age_80: i64,
    pub communities: Option<i64>,
    pub source: String,
}

pub struct Parsed {
    pub read_as: String,
    pub records: Vec<PopulationRecord>,
    pub problems: Problems,
    pub rows: u32,
}

/// "120,000" / "120000" / "12万" is not taken: whole people only.
fn count(s: &str) -> Option<i64> {
    let t: String = s.chars().filter(|c| *c != ',' && *c != '，' && !c.is_whitespace()).collect();
    t.parse::<i64>().ok().filter(|v| *v >= 0)
}

pub fn parse(t: &Table, areas: &Areas) -> Parsed {
    let mut p = Problems::default();
    let cols = columns();
    let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
    for c in cols.iter().filter(|c| c.required) {
        if !t.has(c.name) {
            p.fatal_at(t.header_row, c.name, "缺少这一列（请使用模板的表头）");
        }
    }
    for h in t.unknown_headers(&names) {
        p.note(t.header_row, h, "不是模板中的列，已忽略");
    }
    let rows = t.rows.len() as u32;
    let mut records: Vec<PopulationRecord> = Vec::new();
    if p.fatal() {
        return Parsed { read_as: t.read_as.clone(), records, problems: p, rows };
    }
    let mut seen: HashMap<(String, i32), u32> = HashMap::new();
    for row in &t.rows {
        let n = row.number;
        let cell = |c: &str| t.cell(row, c);
        let before = p.count_in(n);
        for c in cols.iter().filter(|c| c.required) {
            if cell(c.name).is_empty() {
                p.add(n, c.name, "未填写（必填）");
            }
        }
        if [SOURCE, STREET].iter().any(|c| cell(c).contains("示例")) {
            p.add(n, SOURCE, "这是模板的示例行（带“示例”）：真实数据不能带“示例”，请删除这一行");
        }
        let district = match cell(DISTRICT) {
            "" => None,
            d => areas.district(d).map_err(|e| p.add(n, DISTRICT, e)).ok(),
        };
        let street = match (&district, cell(STREET)) {
            (Some(did), s) if !s.is_empty() => areas.street(did, s).map_err(|e| p.add(n, STREET, e)).ok(),
            _ => None,
        };
        let year = match cell(YEAR) {
            "" => None,
            y => match y.parse::<i32>() {
                Ok(y) if (2000..=2100).contains(&y) => Some(y),
                _ => {
                    p.add(n, YEAR, format!("应为四位年份，如 2025（现为“{y}”）"));
                    None
                }
            },
        };
        let mut num = |c: &str| -> Option<i64> {
            match cell(c) {
                "" => None,
                v => count(v).or_else(|| {
                    p.add(n, c, format!("应为不小于 0 的整数（人），现为“{v}”"));
                    None
                }),
            }
        };
        let (resident, a03, a60, a65, a80) = (num(RESIDENT), num(AGE_0_3), num(AGE_60), num(AGE_65), num(AGE_80));
        let communities = num(COMMUNITIES);
        if let (Some(r), Some(a03), Some(a60), Some(a65), Some(a80)) = (resident, a03, a60, a65, a80) {
            if r == 0 {
                p.add(n, RESIDENT, "常住人口不能为 0");
            }
            if a03 > r {
                p.add(n, AGE_0_3, format!("0-3岁（{a03}）不能大于常住人口（{r}）"));
            }
            if a60 > r {
                p.add(n, AGE_60, format!("60岁及以上（{a60}）不能大于常住人口（{r}）"));
            }
            if a65 > a60 {
                p.add(n, AGE_65, format!("65岁及以上（{a65}）不能大于 60岁及以上（{a60}）"));
            }
            if a80 > a65 {
                p.add(n, AGE_80, format!("80岁及以上（{a80}）不能大于 65岁及以上（{a65}）"));
            }
        }
        if let (Some((sid, _, _)), Some(y)) = (&street, year) {
            match seen.get(&(sid.clone(), y)) {
                Some(first) => p.add(n, STREET, format!("与第 {first} 行是同一街道同一年份")),
                None => {
                    seen.insert((sid.clone(), y), n);
                }
            }
        }
        if p.count_in(n) > before {
            continue;
        }
        let (Some((street_id, _, _)), Some(year), Some(resident), Some(age_0_3), Some(age_60), Some(age_65), Some(age_80)) =
            (street, year, resident, a03, a60, a65, a80)
        else {
            continue;
        };
        records.push(PopulationRecord {
            row: n,
            district_name: cell(DISTRICT).to_string(),
            street_id,
            street_name: cell(STREET).to_string(),
            year,
            resident,
            age_0_3,
            age_60,
            age_65,
            age_80,
            communities,
            source: cell(SOURCE).to_string(),
        });
    }
    Parsed { read_as: t.read_as.clone(), records, problems: p, rows }
}

/// A 街道's figures for a year as the database holds them.
#[derive(Clone, Debug, PartialEq)]
pub struct Existing {
    pub resident: i64,
    pub age_0_3: i64,
    pub age_60: i64,
    pub age_65: i64,
    pub age_80: i64,
    pub communities: Option<i64>,
    pub source: String,
}

/// The plan: for each record, create (`None`) or update (`Some`), the unchanged ones left out.
pub struct Plan {
    pub create: Vec<PlannedRecord>,
    pub update: Vec<PlannedRecord>,
    pub unchanged: u32,
    /// Each write in file order: the record's index, and whether it creates the row.
    pub writes: Vec<(usize, bool)>,
}

impl From<&PopulationRecord> for Existing {
    fn from(r: &PopulationRecord) -> Self {
        Existing {
            resident: r.resident,
            age_0_3: r.age_0_3,
            age_60: r.age_60,
            age_65: r.age_65,
            age_80: r.age_80,
            communities: r.communities,
            source: r.source.clone(),
        }
    }
}

/// The figures by column, as the preview shows a change.
fn fields(e: &Existing) -> Vec<(&'static str, String)> {
    vec![
        (RESIDENT, e.resident.to_string()),
        (AGE_0_3, e.age_0_3.to_string()),
        (AGE_60, e.age_60.to_string()),
        (AGE_65, e.age_65.to_string()),
        (AGE_80, e.age_80.to_string()),
        (COMMUNITIES, e.communities.map(|v| v.to_string()).unwrap_or_default()),
        (SOURCE, e.source.clone()),
    ]
}

pub fn plan(parsed: &Parsed, existing: &HashMap<(String, i32), Existing>) -> Plan {
    let mut out = Plan { create: vec![], update: vec![], unchanged: 0, writes: vec![] };
    for (i, r) in parsed.records.iter().enumerate() {
        let name = format!("{} {} {} 年", r.district_name, r.street_name, r.year);
        match existing.get(&(r.street_id.clone(), r.year)) {
            None => {
                let changes = fields(&r.into()).into_iter().map(|(c, v)| FieldChange { column: c.into(), before: String::new(), after: v }).collect();
                out.create.push(PlannedRecord { rows: vec![r.row], name, id: None, changes });
                out.writes.push((i, true));
            }
            Some(e) => {
                let old: HashMap<&str, String> = fields(e).into_iter().collect();
                let changes: Vec<FieldChange> = fields(&r.into())
                    .into_iter()
                    .filter(|(c, v)| old.get(c) != Some(v))
                    .map(|(c, v)| FieldChange { column: c.into(), before: old.get(c).cloned().unwrap_or_default(), after: v })
                    .collect();
                if changes.is_empty() {
                    out.unchanged += 1;
                } else {
                    out.update.push(PlannedRecord { rows: vec![r.row], name, id: None, changes });
                    out.writes.push((i, false));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::import::TextEncoding;

    fn areas() -> Areas {
        Areas::new(crate::db::sample::areas().into_iter().map(|a| (a.id, a.parent_id, a.city, a.name, a.lat, a.lng)).collect())
    }

    fn parse_csv(text: &str) -> Parsed {
        let t = crate::import::table::read(text.as_bytes(), "p.csv", TextEncoding::Auto).unwrap();
        parse(&t, &areas())
    }

    const HEAD: &str = "所在区,街道,年份,常住人口,0-3岁,60岁及以上,65岁及以上,80岁及以上,社区（村）数,数据来源\n";

    #[test]
    fn every_problem_by_row_and_column() {
        let p = parse_csv(&format!(
            "{HEAD}新吴区,旺庄街道,2025,\"120,000\",2100,24000,17000,3500,15,2025 年统计公报\n\
             新吴区,不存在街道,2025,1000,10,100,50,10,,公报\n\
             新吴区,江溪街道,25,1000,10,100,150,10,,公报\n\
             新吴区,新安街道,2025,1000,10,100,50,60,,公报\n\
             新吴区,旺庄街道,2025,1000,10,100,50,10,,公报\n\
             新吴区,梅村街道,2025,一千,10,100,50,10,,\n\
             新吴区,鸿山街道,2025,1000,10,100,50,10,3,示例：公报\n"
        ));
        let issues: Vec<(u32, String)> = p.problems.issues().into_iter().map(|i| (i.row, i.column)).collect();
        assert_eq!(
            issues,
            [(3, "街道"), (4, "年份"), (4, "65岁及以上"), (5, "80岁及以上"), (6, "街道"), (7, "数据来源"), (7, "常住人口"), (8, "数据来源")]
                .map(|(r, c)| (r, c.to_string()))
        );
        assert_eq!(p.records.len(), 1);
        assert_eq!((p.records[0].street_id.as_str(), p.records[0].resident, p.records[0].communities), ("wuxi-xinwu-wangzhuang", 120_000, Some(15)));
        let e = p.problems.issues();
        assert!(e.iter().any(|i| i.row == 6 && i.message == "与第 2 行是同一街道同一年份"), "{e:?}");
    }

    #[test]
    fn an_unchanged_row_plans_nothing_and_a_changed_one_says_what() {
        let p = parse_csv(&format!("{HEAD}新吴区,旺庄街道,2025,120000,2100,24000,17000,3500,15,公报\n新吴区,江溪街道,2025,90000,1500,18000,13000,2600,,公报\n"));
        let same = Existing { resident: 120_000, age_0_3: 2100, age_60: 24_000, age_65: 17_000, age_80: 3500, communities: Some(15), source: "公报".into() };
        let other = Existing { resident: 80_000, ..same.clone() };
        let mut existing = HashMap::new();
        existing.insert(("wuxi-xinwu-wangzhuang".to_string(), 2025), same);
        let plan1 = plan(&p, &existing);
        assert_eq!((plan1.create.len(), plan1.update.len(), plan1.unchanged), (1, 0, 1));
        existing.insert(("wuxi-xinwu-jiangxi".to_string(), 2025), other);
        let plan2 = plan(&p, &existing);
        assert_eq!((plan2.create.len(), plan2.update.len(), plan2.unchanged), (0, 1, 1));
        let c = &plan2.update[0].changes;
        assert!(c.iter().any(|f| f.column == "常住人口" && f.before == "80000" && f.after == "90000"), "{c:?}");
    }
}
