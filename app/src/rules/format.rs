//! How numbers and times are shown to users.

use chrono::{DateTime, Utc};

/// After this many days a vacancy figure is shown greyed and marked 可能已过期.
pub const STALE_AFTER_DAYS: i64 = 7;

/// "刚刚", "12 分钟前", "3 小时前", "5 天前".
pub fn ago(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - t).num_seconds().max(0);
    match secs {
        0..=59 => "刚刚".to_string(),
        60..=3599 => format!("{} 分钟前", secs / 60),
        3600..=86_399 => format!("{} 小时前", secs / 3600),
        _ => format!("{} 天前", secs / 86_400),
    }
}

/// "刚刚确认", "12 分钟前确认", "3 小时前确认", "5 天前确认".
pub fn confirmed_ago(confirmed_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    format!("{}确认", ago(confirmed_at, now))
}

pub fn is_stale(confirmed_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    (now - confirmed_at).num_seconds() > STALE_AFTER_DAYS * 86_400
}

/// "850 米", "1.2 公里", "12 公里".
pub fn distance(m: f64) -> String {
    if m < 1000.0 {
        format!("{} 米", (m / 10.0).round() as i64 * 10)
    } else if m < 10_000.0 {
        format!("{:.1} 公里", m / 1000.0)
    } else {
        format!("{} 公里", (m / 1000.0).round() as i64)
    }
}

/// "¥1,800".
pub fn yuan(v: u32) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("¥{out}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn freshness_words() {
        let now = Utc::now();
        assert_eq!(confirmed_ago(now - Duration::seconds(5), now), "刚刚确认");
        assert_eq!(confirmed_ago(now - Duration::minutes(12), now), "12 分钟前确认");
        assert_eq!(confirmed_ago(now - Duration::hours(3), now), "3 小时前确认");
        assert_eq!(confirmed_ago(now - Duration::days(9), now), "9 天前确认");
        // a clock slightly ahead on the server never gives "-1 分钟"
        assert_eq!(confirmed_ago(now + Duration::minutes(2), now), "刚刚确认");
        assert!(!is_stale(now - Duration::days(7), now));
        assert!(is_stale(now - Duration::days(7) - Duration::minutes(1), now));
    }

    #[test]
    fn numbers() {
        assert_eq!(distance(843.0), "840 米");
        assert_eq!(distance(1234.0), "1.2 公里");
        assert_eq!(distance(15_600.0), "16 公里");
        assert_eq!(yuan(1800), "¥1,800");
        assert_eq!(yuan(950), "¥950");
        assert_eq!(yuan(12_345), "¥12,345");
    }
}

/// "2026-12-02": a date as forms and the API write it (no strftime machinery in the bundles).
pub fn ymd(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// "2026-12" (a month input's value).
pub fn ym(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}", d.year(), d.month())
}

/// "09:05" from hours and minutes.
/// "2026年12月3日 08:20" in Beijing time.
pub fn beijing_datetime(t: DateTime<Utc>) -> String {
    use chrono::Datelike;
    let b = t + chrono::Duration::hours(8);
    format!("{}年{}月{}日 {}", b.year(), b.month(), b.day(), hm(b))
}

pub fn hm(t: impl chrono::Timelike) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// "2026-12-02" (or "2026-12-2") → the date; anything else → `None`.
pub fn parse_ymd(s: &str) -> Option<chrono::NaiveDate> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    let num = |p: &str| p.bytes().all(|b| b.is_ascii_digit()).then(|| p.parse::<u32>().ok()).flatten();
    chrono::NaiveDate::from_ymd_opt(num(y)? as i32, num(m)?, num(d)?)
}

#[cfg(test)]
mod date_tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn dates_read_and_write_as_chrono_did() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(ymd(d), d.format("%Y-%m-%d").to_string());
        assert_eq!(ym(d), "2026-03");
        assert_eq!(parse_ymd("2026-03-07"), Some(d));
        assert_eq!(parse_ymd("2026-3-7"), Some(d));
        for bad in ["", "2026-02-30", "2026/03/07", "26-03-07", "2026-03-07-1", "2026-+3-07", "2026-03-"] {
            assert_eq!(parse_ymd(bad), None, "{bad}");
        }
        assert_eq!(hm(chrono::NaiveTime::from_hms_opt(9, 5, 0).unwrap()), "09:05");
    }
}
