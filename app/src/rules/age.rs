//! A child's age from the birth month, and which classes take it.

use crate::model::AgeBand;
use chrono::{DateTime, Datelike, Utc};

/// Parses "YYYY-MM" (the value of `<input type="month">`).
pub fn parse_birth_month(s: &str) -> Option<(i32, u32)> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    (1900..=9999).contains(&y).then_some(())?;
    (1..=12).contains(&m).then_some((y, m))
}

/// Whole months of age at `now` for a child born in `birth` (year, month), counted in
/// Beijing time (the month a family lives in, whatever the device's or server's zone).
/// Only the month is known, so the child counts as born on the 1st: a child born in
/// March is 8 months old on any day of November. `None` if the month is in the future.
pub fn age_in_months(birth: (i32, u32), now: DateTime<Utc>) -> Option<u16> {
    let today = crate::model::requests::beijing_today(now);
    let now = today.year() * 12 + today.month0() as i32;
    let born = birth.0 * 12 + (birth.1 as i32 - 1);
    let months = now - born;
    (months >= 0).then(|| months.min(u16::MAX as i32) as u16)
}

/// The age bands whose classes take a child of this age.
pub fn bands_for_age(age_months: u16) -> Vec<AgeBand> {
    AgeBand::ALL.iter().copied().filter(|b| b.accepts(age_months)).collect()
}

/// Why no class fits, for the UI ("Too young" / "Too old"), or `None` if some class does.
pub fn no_class_reason(age_months: u16) -> Option<&'static str> {
    if age_months < 6 {
        Some("托育机构一般接收 6 个月以上的婴幼儿")
    } else if age_months >= 36 {
        Some("满 3 周岁的孩子可以入读幼儿园小班")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn parses_month_inputs() {
        assert_eq!(parse_birth_month("2026-03"), Some((2026, 3)));
        assert_eq!(parse_birth_month(" 2024-12 "), Some((2024, 12)));
        for bad in ["2026-13", "2026-00", "26-03", "2026/03", "abc", "", "2026-3"] {
            assert_eq!(parse_birth_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn age_counts_whole_months() {
        assert_eq!(age_in_months((2026, 3), day(2026, 11, 22)), Some(8));
        assert_eq!(age_in_months((2026, 3), day(2026, 11, 1)), Some(8));
        assert_eq!(age_in_months((2025, 11), day(2026, 11, 22)), Some(12));
        assert_eq!(age_in_months((2026, 11), day(2026, 11, 22)), Some(0));
        assert_eq!(age_in_months((2026, 12), day(2026, 11, 22)), None);
    }

    #[test]
    fn age_counts_in_beijing_time() {
        // 2026-11-30T16:30Z is 2026-12-01 00:30 in Beijing: already December there
        let t = Utc.with_ymd_and_hms(2026, 11, 30, 16, 30, 0).unwrap();
        assert_eq!(age_in_months((2026, 3), t), Some(9));
        assert_eq!(age_in_months((2026, 12), t), Some(0), "born this (Beijing) month");
        // one second before Beijing midnight it is still November
        let before = Utc.with_ymd_and_hms(2026, 11, 30, 15, 59, 59).unwrap();
        assert_eq!(age_in_months((2026, 3), before), Some(8));
        assert_eq!(age_in_months((2026, 12), before), None);
    }

    #[test]
    fn age_to_class() {
        use AgeBand::*;
        assert_eq!(bands_for_age(5), vec![]);
        assert_eq!(bands_for_age(6), vec![Infant]);
        assert_eq!(bands_for_age(8), vec![Infant]);
        assert_eq!(bands_for_age(11), vec![Infant]);
        assert_eq!(bands_for_age(12), vec![Toddler]);
        assert_eq!(bands_for_age(17), vec![Toddler]);
        assert_eq!(bands_for_age(18), vec![Toddler, Mixed]);
        assert_eq!(bands_for_age(24), vec![Preschool, Mixed]);
        assert_eq!(bands_for_age(35), vec![Preschool, Mixed]);
        assert_eq!(bands_for_age(36), vec![]);
        assert!(no_class_reason(3).is_some());
        assert!(no_class_reason(40).is_some());
        assert!(no_class_reason(20).is_none());
    }
}
