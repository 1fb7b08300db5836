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
