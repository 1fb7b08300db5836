//! Writes the registry-import fixtures in `tests/fixtures/import/`: 40 places of one 街道
//! (无锡市新吴区旺庄街道; fictional, every name marked 测试数据) as XLSX, as CSV in GBK and
//! in UTF-8 with BOM, and a second copy of each with deliberate mistakes (`*-errors.*`); and
//! 6 home-care providers of 新吴区 with items and carers as GBK CSV (`xinwu-providers-gbk.csv`).
//! Deterministic: running it again writes the same files.
//!
//! usage: cargo run -p server --example import_fixtures
//!        cargo run -p server --example import_fixtures -- --large PLACES OUT.xlsx
//!          (a large file for scripts/import-bench.sh: PLACES places over 新吴区's six 街道,
//!           two class rows each)

use rust_xlsxwriter::{Format, Workbook};
use server::import::places::{self as c, columns};

const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const W: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

fn uscc(n: u32) -> String {
    let mut s = format!("91320214MA{:07}", n * 7919 % 10_000_000);
    s.truncate(17);
    let sum: u32 = s.bytes().zip(W).map(|(b, w)| CHARS.iter().position(|&c| c == b).unwrap() as u32 * w).sum();
    s.push(CHARS[((31 - sum % 31) % 31) as usize] as char);
    s
}

const NAMES: [&str; 28] = [
    "小橡树", "春芽", "星河", "向日葵", "蒲公英", "布谷鸟", "彩虹桥", "童话树", "小太阳", "萤火虫", "蓝鲸", "青柠", "禾苗", "嘟嘟",
    "暖阳", "云朵", "贝贝熊", "小蜜蜂", "梧桐", "晨光", "知更鸟", "米粒", "豆豆", "森林", "启明", "海豚", "柚子", "麦穗",
];
const ROADS: [&str; 8] = ["旺庄路", "长江路", "珠江路", "新华路", "锡士路", "汉江路", "黄山路", "太湖花园"];
const TYPES: [&str; 6] = ["纯托育机构", "幼儿园托班", "早教机构托班", "社区嵌入式托育点", "家庭托育点", "用人单位办托"];

/// Every row of the clean file (one per class; a place's other columns repeat).
fn rows() -> Vec<Vec<(&'static str, String)>> {
    let mut out = Vec::new();
    let mut place_no = 0u32;
    for (o, brand) in NAMES.iter().enumerate() {
        let o = o as u32;
        // 1+N: every fourth organisation runs a main centre and community points.
        let places = if o % 4 == 0 { 3 } else if o % 7 == 0 { 2 } else { 1 };
        for k in 0..places {
            if place_no == 40 {
                break;
            }
            place_no += 1;
            let org = format!("无锡市新吴区{brand}托育服务有限公司（测试数据）");
            let name = if k == 0 { format!("{brand}托育中心（测试数据）") } else { format!("{brand}托育中心·{}号社区点（测试数据）", k) };
            let beian = ["已备案", "已备案", "已备案", "备案审核中", "未备案"][(o % 5) as usize];
            let typ = if k > 0 { "社区嵌入式托育点" } else { TYPES[(o % 6) as usize] };
            let lat = 31.560 + (place_no as f64 * 0.00131) % 0.03;
            let lng = 120.340 + (place_no as f64 * 0.00177) % 0.04;
            // Every fifth place has no position (位置待核实); every sixth is given in WGS-84.
            let (lng_s, lat_s, datum) = match place_no % 30 {
                n if n % 5 == 0 => (String::new(), String::new(), String::new()),
                n if n % 6 == 0 => (format!("{:.6}", lng - 0.0045), format!("{:.6}", lat + 0.0021), "WGS-84".to_string()),
                _ => (format!("{lng:.6}"), format!("{lat:.6}"), "GCJ-02".to_string()),
            };
            let full = 2400 + (place_no * 130) % 2000;
            let half = full * 6 / 10;
            let puhui = place_no % 3 != 0;
            let modes = if place_no % 4 == 0 { format!("全日托 {full}；半日托 {half}") } else { format!("全日托 {full}") };
            let base: Vec<(&'static str, String)> = vec![
                (c::ORG, org),
                (c::USCC, uscc(o + 1)),
                (c::BEIAN, beian.to_string()),
                (c::BEIAN_NO, if beian == "已备案" { format!("320214TY{:06}", 100 + o) } else { String::new() }),
                (c::PLACE, name),
                (c::CODE, format!("XW-WZ-{place_no:04}")),
                (c::MAIN, if k == 0 { c::MAIN_CENTRE } else { c::COMMUNITY_POINT }.to_string()),
                (c::TYPE, typ.to_string()),
                (c::DISTRICT, "新吴区".to_string()),
                (c::STREET, "旺庄街道".to_string()),
                (c::ADDRESS, format!("{}{}号", ROADS[(place_no % 8) as usize], 10 + place_no * 3)),
                (c::LNG, lng_s),
                (c::LAT, lat_s),
                (c::DATUM, datum),
                (c::PHONE, format!("0510-8520{:04}", 1000 + place_no)),
                (c::HOURS, if place_no % 2 == 0 { "周一至周五 7:30–17:30" } else { "周一至周六 8:00–17:00" }.to_string()),
                (c::FEES, modes),
                (c::PUHUI, if puhui { "是" } else { "否" }.to_string()),
                (c::PUHUI_FEE, if puhui { (1200 + (place_no * 50) % 600).to_string() } else { String::new() }),
                (c::BADGES, if place_no % 9 == 1 { "市级普惠".to_string() } else { String::new() }),
            ];
            let classes: Vec<(&str, &str, u32)> = match place_no % 3 {
                0 => vec![("托小班", "全日托", 15), ("托大班", "全日托", 20)],
                1 => vec![("乳儿班", "全日托", 10), ("托小班", "全日托", 15), ("托大班", "全日托", 20)],
                _ => vec![("混龄班", "全日托", 18)],
            };
            for (i, (band, mode, cap)) in classes.into_iter().enumerate() {
                let enrolled = cap - (place_no + i as u32) % 5;
                let vacancies = (place_no + i as u32) % 5;
                let mut row = base.clone();
                row.extend([
                    (c::BAND, band.to_string()),
                    (c::MODE, mode.to_string()),
                    (c::CAPACITY, cap.to_string()),
                    (c::ENROLLED, enrolled.to_string()),
                    (c::VACANCIES, vacancies.to_string()),
                    (c::PUHUI_SLOTS, if puhui { (cap / 3).to_string() } else { "0".to_string() }),
                ]);
                out.push(row);
            }
        }
    }
    out
}

/// The same rows with one mistake each in a few places (every message a test expects).
fn with_errors(mut rows: Vec<Vec<(&'static str, String)>>) -> Vec<Vec<(&'static str, String)>> {
    let set = |row: &mut Vec<(&'static str, String)>, col: &str, v: &str| {
        row.iter_mut().find(|(k, _)| *k == col).unwrap().1 = v.to_string();
    };
    // data row i is spreadsheet row i + 2
    let u = rows[2].iter().find(|(k, _)| *k == c::USCC).unwrap().1.clone();
    let bad = format!("{}{}", &u[..17], if u.ends_with('0') { "1" } else { "0" });
    for r in rows.iter_mut().filter(|r| r.iter().any(|(k, v)| *k == c::USCC && *v == u)) {
        set(r, c::USCC, &bad); // row 4: 校验位不正确 (all rows of that organisation)
    }
    set(&mut rows[10], c::STREET, "不存在街道"); // row 12
    set(&mut rows[15], c::TYPE, "托育所"); // row 17
    set(&mut rows[20], c::VACANCIES, "30"); // row 22: 在托 + 空位 > 托位
    set(&mut rows[25], c::LNG, ""); // row 27: 纬度 without 经度
    set(&mut rows[25], c::LAT, "31.57");
    set(&mut rows[30], c::PUHUI_FEE, ""); // row 32: 普惠 without its fee
    set(&mut rows[30], c::PUHUI, "是");
    rows
}

fn write_csv(path: &str, rows: &[Vec<(&'static str, String)>], gbk: bool) {
    write_csv_of(path, &columns(), rows, gbk)
}

fn write_csv_of(path: &str, cols: &[server::import::columns::Column], rows: &[Vec<(&'static str, String)>], gbk: bool) {
    let mut w = csv::WriterBuilder::new().from_writer(vec![]);
    w.write_record(cols.iter().map(|c| c.name)).unwrap();
    for r in rows {
        w.write_record(cols.iter().map(|c| r.iter().find(|(k, _)| *k == c.name).map(|(_, v)| v.as_str()).unwrap_or(""))).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap().replace('\n', "\r\n");
    let bytes = if gbk { encoding_rs::GBK.encode(&text).0.into_owned() } else { [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat() };
    std::fs::write(path, bytes).unwrap();
}

fn write_xlsx(path: &str, rows: &[Vec<(&'static str, String)>]) {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("托育机构及点位").unwrap();
    let bold = Format::new().set_bold();
    // Columns in another order than the template's: the import matches headers by name.
    let mut cols = columns();
    cols.reverse();
    for (i, col) in cols.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, col.name, &bold).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, col) in cols.iter().enumerate() {
            let v = row.iter().find(|(k, _)| *k == col.name).map(|(_, v)| v.as_str()).unwrap_or("");
            // numbers as numbers (as Excel keeps them), codes as text
            match v.parse::<f64>() {
                Ok(n) if !col.text && !v.is_empty() => ws.write_number(r as u32 + 1, i as u16, n).map(|_| ()),
                _ => ws.write_string(r as u32 + 1, i as u16, v).map(|_| ()),
            }
            .unwrap();
        }
    }
    book.save(path).unwrap();
}

/// PLACES places, one organisation each, over 新吴区's 街道, two class rows each.
fn large(places: u32) -> Vec<Vec<(&'static str, String)>> {
    const STREETS: [&str; 6] = ["旺庄街道", "江溪街道", "新安街道", "硕放街道", "梅村街道", "鸿山街道"];
    let mut out = Vec::new();
    for i in 0..places {
        let brand = NAMES[(i % 28) as usize];
        let (lat, lng) = (31.48 + (i as f64 * 0.000_37) % 0.1, 120.34 + (i as f64 * 0.000_53) % 0.12);
        let base: Vec<(&'static str, String)> = vec![
            (c::ORG, format!("无锡市新吴区{brand}{i}号托育服务有限公司（测试数据）")),
            (c::USCC, uscc(100_000 + i)),
            (c::BEIAN, "已备案".into()),
            (c::BEIAN_NO, format!("320214TY{:06}", i)),
            (c::PLACE, format!("{brand}{i}号托育中心（测试数据）")),
            (c::TYPE, TYPES[(i % 6) as usize].into()),
            (c::DISTRICT, "新吴区".into()),
            (c::STREET, STREETS[(i % 6) as usize].into()),
            (c::ADDRESS, format!("{}{}号", ROADS[(i % 8) as usize], i)),
            (c::LNG, format!("{lng:.6}")),
            (c::LAT, format!("{lat:.6}")),
            (c::PHONE, format!("0510-8{:07}", i)),
            (c::HOURS, "周一至周五 7:30–17:30".into()),
            (c::FEES, format!("全日托 {}", 2400 + i % 2000)),
            (c::PUHUI, "否".into()),
        ];
        for (band, cap) in [("托小班", 15u32), ("托大班", 20)] {
            let mut row = base.clone();
            row.extend([
                (c::BAND, band.to_string()),
                (c::MODE, "全日托".to_string()),
                (c::CAPACITY, cap.to_string()),
                (c::ENROLLED, (cap - i % 4).to_string()),
                (c::VACANCIES, (i % 4).to_string()),
            ]);
            out.push(row);
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--large") {
        let places: u32 = args.get(2).and_then(|n| n.parse().ok()).expect("--large PLACES OUT.xlsx");
        let out = args.get(3).expect("--large PLACES OUT.xlsx");
        let rows = large(places);
        write_xlsx(out, &rows);
        println!("wrote {} rows ({places} places) to {out}", rows.len());
        return;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/import");
    std::fs::create_dir_all(dir).unwrap();
    let clean = rows();
    let bad = with_errors(clean.clone());
    write_xlsx(&format!("{dir}/wangzhuang-40.xlsx"), &clean);
    write_csv(&format!("{dir}/wangzhuang-40-gbk.csv"), &clean, true);
    write_csv(&format!("{dir}/wangzhuang-40-utf8bom.csv"), &clean, false);
    write_xlsx(&format!("{dir}/wangzhuang-40-errors.xlsx"), &bad);
    write_csv(&format!("{dir}/wangzhuang-40-errors-gbk.csv"), &bad, true);
    println!("wrote {} rows ({} places) to {dir}", clean.len(), 40);
    let providers = provider_rows();
    write_csv_of(&format!("{dir}/xinwu-providers-gbk.csv"), &server::import::providers::columns(), &providers, true);
    println!("wrote {} rows (6 providers) to {dir}/xinwu-providers-gbk.csv", providers.len());
}

/// 6 home-care providers of 新吴区, one per 街道 (fictional, marked 测试数据): two serve a
/// radius, the others their 街道; each offers two or three items; three list two carers.
fn provider_rows() -> Vec<Vec<(&'static str, String)>> {
    use server::import::providers as p;
    const STREETS: [(&str, f64, f64); 6] = [
        ("旺庄街道", 31.5762, 120.3601),
        ("江溪街道", 31.5381, 120.3533),
        ("新安街道", 31.4979, 120.3545),
        ("硕放街道", 31.4992, 120.4213),
        ("梅村街道", 31.5238, 120.4091),
        ("鸿山街道", 31.4826, 120.4633),
    ];
    const ITEMS: [(&str, u32, u32); 4] = [("助浴", 60, 80), ("助洁", 120, 100), ("助餐", 30, 15), ("康复护理", 60, 120)];
    const CARERS: [&str; 6] = ["李秀英", "王桂兰", "张玉梅", "刘凤英", "陈淑珍", "杨建华"];
    let mut out = Vec::new();
    for (i, (street, lat, lng)) in STREETS.iter().enumerate() {
        let bare = street.trim_end_matches("街道");
        let base: Vec<(&'static str, String)> = vec![
            (p::ORG, format!("无锡市{bare}颐康居家养老服务有限公司（测试数据）")),
            (p::USCC, uscc(900 + i as u32)),
            (p::NAME, format!("{bare}颐康居家养老服务中心（测试数据）")),
            (p::CODE, format!("XW-YL-{:04}", i + 1)),
            (p::KIND, if i % 3 == 2 { "居家养老服务站" } else { "居家养老服务中心" }.into()),
            (c::DISTRICT, "新吴区".into()),
            (c::STREET, street.to_string()),
            (p::ADDRESS, format!("{}{}号", ROADS[i % 8], 100 + i)),
            (c::LNG, format!("{lng:.6}")),
            (c::LAT, format!("{lat:.6}")),
            (p::PHONE, format!("0510-8811{:04}", i)),
            (p::EMERGENCY, format!("0510-8899{:04}", i)),
            (p::RADIUS, if i < 2 { "3000".to_string() } else { String::new() }),
            (p::STREETS, if i < 2 { String::new() } else { street.to_string() }),
        ];
        let items = 2 + i % 2;
        for k in 0..items.max(if i < 3 { 2 } else { 0 }) {
            let mut row = base.clone();
            let (item, minutes, price) = ITEMS[(i + k) % 4];
            row.extend([(p::ITEM, item.to_string()), (p::MINUTES, minutes.to_string()), (p::PRICE, (price + i as u32 * 5).to_string())]);
            if item == "助餐" {
                row.push((p::MEAL_MODES, "堂食、送餐".into()));
            }
            if i < 3 && k < 2 {
                row.extend([
                    (p::CARER, CARERS[(i * 2 + k) % 6].to_string()),
                    (p::CARER_PHONE, format!("139{:08}", 10_000_000 + i * 10 + k)),
                    (p::CARER_LEVEL, ["初级养老护理员", "中级养老护理员", "高级养老护理员"][(i + k) % 3].to_string()),
                    (p::CARER_CERT, format!("S32020{:07}", i * 10 + k)),
                    (p::CARER_EXPIRES, "2029-06-30".to_string()),
                ]);
            }
            out.push(row);
        }
    }
    out
}
