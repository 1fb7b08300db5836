//! The filter rules of nearby search, in one place: the server runs them over the
//! candidates its spatial index returns, the client over its cache when offline.

use crate::rules::age::bands_for_age;
use crate::rules::geo::{distance_m, LatLng};
use crate::rules::query::Filters;
use crate::model::{CareMode, FeeUnit, PlaceHit, PlaceSummary, VacancySummary};

/// Free places for a child of `age_months` (every class when `None`) in a care mode
/// (every mode when `None`), with the oldest confirmation among the classes counted.
/// `None` when no class fits.
pub fn vacancy_summary(p: &PlaceSummary, age_months: Option<u16>, care_mode: Option<CareMode>) -> Option<VacancySummary> {
    let bands = match age_months {
        Some(a) => bands_for_age(a),
        None => p.classes.iter().map(|c| c.age_band).collect(),
    };
    let classes: Vec<_> = p
        .classes
        .iter()
        .filter(|c| bands.contains(&c.age_band) && care_mode.is_none_or(|m| c.care_mode == m))
        .collect();
    let oldest = classes.iter().map(|c| c.confirmed_at).min()?;
    let mut age_bands: Vec<_> = classes.iter().map(|c| c.age_band).collect();
    age_bands.sort();
    age_bands.dedup();
    Some(VacancySummary {
        age_bands,
        vacancies: classes.iter().map(|c| c.vacancies).sum(),
        capacity: classes.iter().map(|c| c.capacity).sum(),
        confirmed_at: oldest,
    })
}

/// The monthly fee the fee cap compares and the list shows: for a chosen monthly
/// care mode its fee, otherwise the lowest monthly fee (全日托 or 半日托) — in both
/// cases the 普惠 price instead when it is lower. `None` when nothing is charged monthly
/// (a place with only 计时托/临时托, or a chosen hourly/daily mode).
pub fn monthly_fee(p: &PlaceSummary, care_mode: Option<CareMode>) -> Option<u32> {
    let market = match care_mode {
        Some(m) if m.fee_unit() != FeeUnit::Month => return None,
        Some(m) => p.care_modes.iter().find(|c| c.care_mode == m).map(|c| c.fee_yuan),
        None => p.care_modes.iter().filter(|c| c.unit == FeeUnit::Month).map(|c| c.fee_yuan).min(),
    };
    let puhui = if p.puhui { p.puhui_fee_yuan } else { None };
    match (market, puhui) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Whether a place passes every filter (distance aside).
///
/// - `age_months`: some class takes the age (in the chosen care mode, if any);
/// - `care_mode`: the place offers it; vacancies are then counted in that mode only;
/// - `puhui_only`: the place has 普惠托位;
/// - `vacancy_only`: a class for the age (any class without an age) has a free place;
/// - `max_fee`: the monthly fee (see [`monthly_fee`]) is within the cap; a chosen
///   hourly or daily care mode has no monthly fee, so the cap does not apply to it;
/// - `provider_type`: the place is of that type.
pub fn matches(p: &PlaceSummary, f: &Filters) -> bool {
    if let Some(t) = f.provider_type {
        if p.provider_type != t {
            return false;
        }
    }
    if let Some(m) = f.care_mode {
        if !p.care_modes.iter().any(|c| c.care_mode == m) {
            return false;
        }
    }
    if f.puhui_only && !p.puhui {
        return false;
    }
    if let Some(cap) = f.max_fee {
        let monthly_mode = f.care_mode.is_none_or(|m| m.fee_unit() == FeeUnit::Month);
        if monthly_mode && !monthly_fee(p, f.care_mode).is_some_and(|fee| fee <= cap) {
            return false;
        }
    }
    let summary = vacancy_summary(p, f.age_months, f.care_mode);
    if f.age_months.is_some() && summary.is_none() {
        return false;
    }
    if f.vacancy_only && !summary.is_some_and(|s| s.vacancies > 0) {
        return false;
    }
    true
}

pub fn to_hit(p: &PlaceSummary, distance: f64, f: &Filters) -> PlaceHit {
    PlaceHit {
        id: p.id,
        name: p.name.clone(),
        distance_m: (distance * 10.0).round() / 10.0,
        provider_type: p.provider_type,
        badges: p.badges.clone(),
        puhui: p.puhui,
        puhui_fee_yuan: p.puhui_fee_yuan,
        monthly_fee_yuan: monthly_fee(p, f.care_mode),
        district_name: p.district_name.clone(),
        street_id: p.street_id.clone(),
        street_name: p.street_name.clone(),
        lat: p.lat,
        lng: p.lng,
        care_modes: p.care_modes.iter().map(|c| c.care_mode).collect(),
        vacancy: vacancy_summary(p, f.age_months, f.care_mode),
        is_sample: p.is_sample,
        location_unverified: p.location_unverified,
        updated_at: p.updated_at,
    }
}

/// Places within `radius_m` of `origin` that pass the filters, nearest first
/// (ties by id), cut to `limit`; with the count before the cut.
pub fn search<'a>(
    places: impl IntoIterator<Item = &'a PlaceSummary>,
    origin: LatLng,
    radius_m: u32,
    f: &Filters,
    limit: u32,
) -> (Vec<PlaceHit>, u32) {
    let mut found: Vec<(f64, &PlaceSummary)> = places
        .into_iter()
        .filter_map(|p| {
            let d = distance_m(origin, LatLng::new(p.lat, p.lng));
            (d <= radius_m as f64 && matches(p, f)).then_some((d, p))
        })
        .collect();
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.id.cmp(&b.1.id)));
    let total = found.len() as u32;
    let hits = found.into_iter().take(limit as usize).map(|(d, p)| to_hit(p, d, f)).collect();
    (hits, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use chrono::{Duration, Utc};

    fn class(id: i64, band: AgeBand, vacancies: u32, age_h: i64) -> ClassVacancy {
        let now = Utc::now();
        ClassVacancy {
            id,
            age_band: band,
            care_mode: CareMode::FullDay,
            capacity: 20,
            enrolled: 20 - vacancies,
            puhui_slots: 12,
            vacancies,
            confirmed_at: now - Duration::hours(age_h),
            updated_at: now,
            change_seq: id,
        }
    }

    fn place(id: i64, lat: f64, classes: Vec<ClassVacancy>) -> PlaceSummary {
        PlaceSummary {
            id,
            organisation_id: 1,
            name: format!("示例 {id}"),
            provider_type: ProviderType::PureChildcare,
            badges: vec![],
            puhui: false,
            puhui_fee_yuan: None,
            district_id: "d".into(),
            district_name: "新吴区".into(),
            street_id: "s".into(),
            street_name: "旺庄街道".into(),
            address: "示例地址".into(),
            lat,
            lng: 120.358,
            care_modes: vec![
                CareModeFee { care_mode: CareMode::FullDay, fee_yuan: 3000, unit: FeeUnit::Month },
                CareModeFee { care_mode: CareMode::Hourly, fee_yuan: 60, unit: FeeUnit::Hour },
            ],
            classes,
            is_sample: true,
            location_unverified: false,
            updated_at: Utc::now(),
            change_seq: id,
        }
    }

    fn f() -> Filters {
        Filters::default()
    }

    #[test]
    fn summary_for_an_age_counts_matching_classes_and_oldest_confirmation() {
        let p = place(
            1,
            31.5,
            vec![class(1, AgeBand::Toddler, 2, 1), class(2, AgeBand::Mixed, 3, 30), class(3, AgeBand::Infant, 1, 100)],
        );
        let s = vacancy_summary(&p, Some(20), None).unwrap();
        assert_eq!(s.age_bands, vec![AgeBand::Toddler, AgeBand::Mixed]);
        assert_eq!(s.vacancies, 5);
        assert_eq!(s.confirmed_at, p.classes[1].confirmed_at);
        assert_eq!(vacancy_summary(&p, None, None).unwrap().vacancies, 6);
        assert!(vacancy_summary(&p, Some(40), None).is_none());
    }

    #[test]
    fn vacancies_are_counted_per_care_mode() {
        let mut half = class(2, AgeBand::Toddler, 4, 1);
        half.care_mode = CareMode::HalfDay;
        let mut p = place(1, 31.5, vec![class(1, AgeBand::Toddler, 0, 1), half]);
        p.care_modes.push(CareModeFee { care_mode: CareMode::HalfDay, fee_yuan: 1800, unit: FeeUnit::Month });
        assert_eq!(vacancy_summary(&p, Some(20), None).unwrap().vacancies, 4);
        assert_eq!(vacancy_summary(&p, Some(20), Some(CareMode::FullDay)).unwrap().vacancies, 0);
        assert_eq!(vacancy_summary(&p, Some(20), Some(CareMode::HalfDay)).unwrap().vacancies, 4);
        // 全日托 is full, 半日托 is not: "only with free places" follows the chosen mode
        let free = |m| Filters { age_months: Some(20), vacancy_only: true, care_mode: Some(m), ..f() };
        assert!(!matches(&p, &free(CareMode::FullDay)));
        assert!(matches(&p, &free(CareMode::HalfDay)));
        // the place offers 计时托 but has no 计时托 class for the age
        assert!(!matches(&p, &Filters { age_months: Some(20), care_mode: Some(CareMode::Hourly), ..f() }));
    }

    #[test]
    fn age_filter_needs_a_fitting_class() {
        let infant = place(1, 31.5, vec![class(1, AgeBand::Infant, 0, 1)]);
        let older = place(2, 31.5, vec![class(2, AgeBand::Preschool, 4, 1)]);
        let eight = Filters { age_months: Some(8), ..f() };
        assert!(matches(&infant, &eight));
        assert!(!matches(&older, &eight));
        // full classes still match unless vacancy_only
        assert!(!matches(&infant, &Filters { vacancy_only: true, ..eight }));
    }

    #[test]
    fn care_mode_puhui_type_filters() {
        let mut p = place(1, 31.5, vec![class(1, AgeBand::Toddler, 1, 1)]);
        assert!(matches(&p, &Filters { care_mode: Some(CareMode::FullDay), ..f() }));
        assert!(!matches(&p, &Filters { care_mode: Some(CareMode::HalfDay), ..f() }));
        assert!(!matches(&p, &Filters { puhui_only: true, ..f() }));
        assert!(!matches(&p, &Filters { provider_type: Some(ProviderType::Family), ..f() }));
        p.puhui = true;
        p.puhui_fee_yuan = Some(1500);
        assert!(matches(&p, &Filters { puhui_only: true, ..f() }));
    }

    #[test]
    fn fee_cap_uses_the_lowest_monthly_or_puhui_price() {
        let mut p = place(1, 31.5, vec![class(1, AgeBand::Toddler, 1, 1)]);
        assert_eq!(monthly_fee(&p, None), Some(3000));
        assert!(!matches(&p, &Filters { max_fee: Some(2000), ..f() }));
        assert!(matches(&p, &Filters { max_fee: Some(3000), ..f() }));
        p.puhui = true;
        p.puhui_fee_yuan = Some(1600);
        assert_eq!(monthly_fee(&p, None), Some(1600));
        assert!(matches(&p, &Filters { max_fee: Some(2000), ..f() }));
        // an hourly mode has no monthly fee: the cap does not exclude it
        assert_eq!(monthly_fee(&p, Some(CareMode::Hourly)), None);
        assert!(matches(&p, &Filters { max_fee: Some(100), care_mode: Some(CareMode::Hourly), ..f() }));
    }

    #[test]
    fn search_sorts_by_distance_and_cuts_to_radius_and_limit() {
        let places: Vec<_> = [(3, 31.52), (1, 31.51), (2, 31.505), (4, 31.9)]
            .into_iter()
            .map(|(id, lat)| place(id, lat, vec![class(id, AgeBand::Toddler, 1, 1)]))
            .collect();
        let origin = LatLng::new(31.5, 120.358);
        let (hits, total) = search(&places, origin, 3000, &f(), 50);
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2, 1, 3]);
        assert_eq!(total, 3);
        assert!(hits.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
        let (hits, total) = search(&places, origin, 3000, &f(), 2);
        assert_eq!((hits.len(), total), (2, 3));
    }
}
