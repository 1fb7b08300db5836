//! Parents' requests to a place — 预约参观, 免费入托体验, 申请托位 — and the rules both the
//! app (before queueing) and the server (before storing) check, with messages in Chinese.

use crate::rules::age::parse_birth_month;
use super::*;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many open applications one phone number may hold at one place: more would
/// crowd the waitlist for other families.
pub const MAX_OPEN_APPLICATIONS: i64 = 2;
/// Visits (or trials) one phone number — or one device — may have booked and not yet
/// cancelled, counted over the last 7 days: a family compares a few places, a script that
/// books out every timeslot is stopped.
pub const MAX_OPEN_VISITS_PER_WEEK: i64 = 5;
pub const MAX_OPEN_TRIALS_PER_WEEK: i64 = 3;
/// How far ahead a visit or trial may be booked.
pub const BOOKING_DAYS: i64 = 14;
/// How far ahead a wished start month may be.
pub const START_MONTHS_AHEAD: i32 = 12;

/// A weekly timeslot a place offers for visits or trials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Timeslot {
    pub id: i64,
    pub place_id: i64,
    pub kind: RequestKind,
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// "HH:MM", Beijing time.
    pub start: String,
    pub end: String,
    pub capacity: u32,
    pub active: bool,
}

/// One dated occurrence of a timeslot, with how many are booked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimeslotOpening {
    pub timeslot_id: i64,
    pub kind: RequestKind,
    /// "YYYY-MM-DD", Beijing time.
    pub date: String,
    pub weekday: u8,
    pub start: String,
    pub end: String,
    pub capacity: u32,
    pub booked: u32,
}

impl TimeslotOpening {
    pub fn available(&self) -> u32 {
        self.capacity.saturating_sub(self.booked)
    }
}

/// A weekly window as stored (a place's visit/trial timeslot, or a provider's for an item).
#[derive(Clone, Debug, PartialEq)]
pub struct WeeklyWindow {
    pub id: i64,
    pub kind: RequestKind,
    pub weekday: u8,
    pub start_min: u32,
    pub end_min: u32,
    pub capacity: u32,
}

/// The dated occurrences of weekly windows from now to `BOOKING_DAYS` ahead (Beijing time;
/// today's only if not started), soonest first, with `booked(timeslot_id, date)`.
pub fn openings(windows: &[WeeklyWindow], now: DateTime<Utc>, booked: impl Fn(i64, &str) -> u32) -> Vec<TimeslotOpening> {
    let (today, minute) = (beijing_today(now), beijing_minutes(now));
    let mut out = Vec::new();
    for offset in 0..=BOOKING_DAYS {
        let date = today + chrono::Duration::days(offset);
        let weekday = date.weekday().number_from_monday() as u8;
        let d = crate::rules::format::ymd(date);
        for w in windows.iter().filter(|w| w.weekday == weekday && (offset > 0 || w.start_min > minute)) {
            out.push(TimeslotOpening {
                timeslot_id: w.id,
                kind: w.kind,
                date: d.clone(),
                weekday,
                start: hhmm(w.start_min),
                end: hhmm(w.end_min),
                capacity: w.capacity,
                booked: booked(w.id, &d),
            });
        }
    }
    out.sort_by(|a, b| (&a.date, &a.start).cmp(&(&b.date, &b.start)));
    out
}

/// `GET /api/v1/places/{id}/timeslots`: the next two weeks of visits and trials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimeslotsResponse {
    pub place_id: i64,
    pub openings: Vec<TimeslotOpening>,
    pub generated_at: DateTime<Utc>,
}

/// `POST /api/v1/operator/places/{id}/timeslots`: a new weekly timeslot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TimeslotCreate {
    pub kind: RequestKind,
    /// 1 = Monday … 7 = Sunday.
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 7))]
    pub weekday: u8,
    /// "HH:MM", Beijing time.
    #[cfg_attr(feature = "ssr", schema(min_length = 5, max_length = 5, example = "09:30"))]
    pub start: String,
    #[cfg_attr(feature = "ssr", schema(min_length = 5, max_length = 5, example = "10:30"))]
    pub end: String,
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 50))]
    pub capacity: u32,
}

/// "HH:MM" → minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

pub fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

pub const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

pub fn weekday_label(w: u8) -> &'static str {
    WEEKDAYS.get((w as usize).wrapping_sub(1)).copied().unwrap_or("")
}

impl TimeslotCreate {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: &str| e.push(FieldError { field: f.into(), message: m.into() });
        if self.kind == RequestKind::Application {
            push("kind", "时段只能用于参观或入托体验");
        }
        if !(1..=7).contains(&self.weekday) {
            push("weekday", "请选择星期几");
        }
        match (parse_hhmm(&self.start), parse_hhmm(&self.end)) {
            (Some(a), Some(b)) if b > a => {}
            (Some(_), Some(_)) => push("end", "结束时间应晚于开始时间"),
            (None, _) => push("start", "开始时间格式应为 时:分，如 09:30"),
            (_, None) => push("end", "结束时间格式应为 时:分，如 10:00"),
        }
        if !(1..=50).contains(&self.capacity) {
            push("capacity", "每个时段可约人数应在 1 到 50 之间");
        }
        e
    }
}

/// A parent's request, as the app queues it and the server stores it. `id` is made on
/// the device (a UUID): sending it twice is one request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NewRequest {
    /// A UUID made on the device.
    #[cfg_attr(feature = "ssr", schema(min_length = 36, max_length = 36, pattern = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"))]
    pub id: String,
    pub place_id: i64,
    pub kind: RequestKind,
    /// Visits and trials: the timeslot and its date ("YYYY-MM-DD").
    #[serde(default)]
    pub timeslot_id: Option<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 10, format = Date))]
    pub timeslot_date: Option<String>,
    /// Applications: the class (age band × care mode) applied for.
    #[serde(default)]
    pub class_id: Option<i64>,
    /// Applications: "YYYY-MM".
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(min_length = 7, max_length = 7, example = "2025-03"))]
    pub child_birth_month: Option<String>,
    /// Applications: the wished start month, "YYYY-MM".
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(min_length = 7, max_length = 7, example = "2026-09"))]
    pub start_month: Option<String>,
    /// Applications: asks for a 普惠托位.
    #[serde(default)]
    pub puhui: bool,
    /// Applications: declared 困境婴幼儿 grounds (the operator checks them).
    #[serde(default)]
    pub priority_grounds: Vec<PriorityGround>,
    /// How the place may address the parent (1–20 characters).
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 20))]
    pub contact_name: String,
    /// An 11-digit mainland mobile number.
    #[cfg_attr(feature = "ssr", schema(min_length = 11, max_length = 20, example = "13812345678"))]
    pub contact_phone: String,
    /// Consent to share the name and number with this place for this request (before
    /// consents were sent one by one: read as 称呼和手机号, version 1).
    #[serde(default)]
    pub consent: bool,
    /// The consents given, each with the version of the wording shown (`Contact`; for an
    /// application also `ChildData`).
    #[serde(default)]
    pub consents: Vec<crate::model::privacy::ConsentGiven>,
}

/// A mainland mobile number: 11 digits, 1[3-9]….
pub fn valid_mobile(s: &str) -> bool {
    if s.len() > 20 {
        return false;
    }
    let s = s.trim();
    s.len() == 11 && s.starts_with('1') && matches!(s.as_bytes()[1], b'3'..=b'9') && s.bytes().all(|b| b.is_ascii_digit())
}

/// 138****1234
pub fn mask_phone(s: &str) -> String {
    let s = s.trim();
    if s.len() == 11 && s.is_ascii() {
        format!("{}****{}", &s[..3], &s[7..])
    } else {
        "****".into()
    }
}

pub fn valid_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() })
}

/// Months from (y, m) to (y2, m2).
fn months_between(from: (i32, u32), to: (i32, u32)) -> i32 {
    (to.0 * 12 + to.1 as i32) - (from.0 * 12 + from.1 as i32)
}

/// The child's age in whole months in the start month, or why the class does not take it.
pub fn age_fits(band: AgeBand, birth: &str, start: &str) -> Result<u16, String> {
    let (Some(b), Some(s)) = (parse_birth_month(birth), parse_birth_month(start)) else {
        return Err("请填写出生年月和入托月份".into());
    };
    let age = months_between(b, s);
    if age < 0 {
        return Err("入托月份早于出生月份".into());
    }
    let age = age as u16;
    if band.accepts(age) {
        Ok(age)
    } else {
        let (from, to) = band.months();
        Err(format!("孩子在入托月份时 {age} 个月，{}只收 {from}–{to} 个月的孩子", band.label()))
    }
}

impl NewRequest {
    /// The consents this request carries (a write from before consents were sent one by one
    /// brings only its `consent`, version 1 of 称呼和手机号).
    pub fn given_consents(&self) -> Vec<crate::model::privacy::ConsentGiven> {
        use crate::model::privacy::{ConsentGiven, Purpose};
        if !self.consents.is_empty() {
            return self.consents.clone();
        }
        if self.consent { vec![ConsentGiven { purpose: Purpose::Contact, version: 1 }] } else { vec![] }
    }

    /// Contact details always; the child's data for an application.
    pub fn required_consents(&self) -> &'static [crate::model::privacy::Purpose] {
        use crate::model::privacy::Purpose;
        if self.kind == RequestKind::Application { &[Purpose::Contact, Purpose::ChildData] } else { &[Purpose::Contact] }
    }

    /// The checks that need no database (the timeslot, class and limits are the server's).
    /// `today` is the date in Beijing.
    pub fn validate(&self, today: NaiveDate) -> Vec<FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: String| e.push(FieldError { field: f.into(), message: m });
        if !valid_uuid(&self.id) {
            push("id", "请求编号格式不正确，请刷新页面后重试".into());
        }
        let name = self.contact_name.trim().chars().count();
        if !(1..=20).contains(&name) || self.contact_name.chars().count() > 20 {
            push("contact_name", "请填写联系人称呼（最多 20 个字）".into());
        }
        if !valid_mobile(&self.contact_phone) {
            push("contact_phone", "请填写 11 位中国大陆手机号，如 13812345678".into());
        }
        crate::model::privacy::check_consents(&self.given_consents(), self.required_consents(), &mut e);
        let mut push = |f: &str, m: String| e.push(FieldError { field: f.into(), message: m });
        match self.kind {
            RequestKind::Visit | RequestKind::Trial => {
                let date = self.timeslot_date.as_deref().filter(|d| d.len() == 10).and_then(crate::rules::format::parse_ymd);
                match (self.timeslot_id, date) {
                    (Some(_), Some(d)) if d < today => push("timeslot", "这个时段已经过去了，请选择其他时段".into()),
                    (Some(_), Some(d)) if (d - today).num_days() > BOOKING_DAYS => {
                        push("timeslot", format!("只能预约 {BOOKING_DAYS} 天内的时段"))
                    }
                    (Some(_), Some(_)) => {}
                    _ => push("timeslot", "请选择一个时段".into()),
                }
            }
            RequestKind::Application => {
                if self.class_id.is_none() {
                    push("class_id", "请选择要申请的班级和托育形式".into());
                }
                // exactly "YYYY-MM" on the wire (the schema's length), no padding
                let birth = self.child_birth_month.as_deref().filter(|m| m.len() == 7).and_then(parse_birth_month);
                let this_month = (today.year(), today.month());
                match birth {
                    None => push("child_birth_month", "请填写孩子的出生年月，如 2025-03".into()),
                    Some(b) if months_between(b, this_month) < 0 => push("child_birth_month", "出生年月不能晚于本月".into()),
                    _ => {}
                }
                match self.start_month.as_deref().filter(|m| m.len() == 7).and_then(parse_birth_month) {
                    None => push("start_month", "请填写希望入托的月份，如 2026-03".into()),
                    Some(s) if months_between(this_month, s) < 0 => push("start_month", "入托月份不能早于本月".into()),
                    Some(s) if months_between(this_month, s) > START_MONTHS_AHEAD => {
                        push("start_month", format!("入托月份最多在 {START_MONTHS_AHEAD} 个月以后"))
                    }
                    _ => {}
                }
                let mut seen = std::collections::HashSet::new();
                if !self.priority_grounds.iter().all(|g| seen.insert(*g)) {
                    push("priority_grounds", "优先情形重复了".into());
                }
            }
        }
        if self.kind != RequestKind::Application && (!self.priority_grounds.is_empty() || self.puhui) {
            push("priority_grounds", "参观和体验不需要填写优先情形".into());
        }
        e
    }
}

/// A request as its parent sees it (`GET /api/v1/requests`, by device).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RequestView {
    pub id: String,
    pub place_id: i64,
    pub place_name: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub timeslot_date: Option<String>,
    pub timeslot_start: Option<String>,
    pub timeslot_end: Option<String>,
    pub age_band: Option<AgeBand>,
    pub care_mode: Option<CareMode>,
    pub start_month: Option<String>,
    /// With 候补: the position on the class's waitlist (1 = next).
    pub waitlist_position: Option<u32>,
    /// The place's answer (a reason when declined).
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub is_sample: bool,
}

impl RequestView {
    /// "已确认", "候补第 3 位" …
    pub fn status_text(&self) -> String {
        match (self.status, self.waitlist_position) {
            (RequestStatus::Waitlisted, Some(n)) => format!("候补第 {n} 位"),
            (RequestStatus::Offered, _) => "已确认：已为您保留托位".into(),
            (s, _) => s.label().into(),
        }
    }
}

/// `GET /api/v1/requests`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RequestsResponse {
    pub requests: Vec<RequestView>,
    pub generated_at: DateTime<Utc>,
}

/// A request in an operator's inbox. The phone is masked; `reveal` shows it (logged)
/// once the request is accepted or offered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxItem {
    #[serde(flatten)]
    pub view: RequestView,
    pub child_birth_month: Option<String>,
    /// The child's age in months in the wished start month.
    pub child_age_months: Option<u16>,
    pub class_id: Option<i64>,
    pub puhui: bool,
    /// Declared by the family, to be checked.
    pub priority_grounds: Vec<PriorityGround>,
    pub contact_name: String,
    pub contact_phone_masked: String,
    /// The class's free places now (applications).
    pub class_vacancies: Option<i64>,
}

/// `POST /api/v1/operator/requests/{id}/decision`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Decision {
    pub action: DecisionAction,
    /// To the family; required when declining.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(max_length = 200))]
    pub message: Option<String>,
}

/// `POST /api/v1/operator/requests/{id}/reveal`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Revealed {
    pub id: String,
    pub contact_phone: String,
}

/// A weekly timeslot as a booking meets it (a visit or trial at a place, a home visit of a
/// provider).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotRule {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: i64,
    /// Minutes after midnight, Beijing time.
    pub start_min: i64,
    pub capacity: i64,
    pub active: bool,
}

impl SlotRule {
    /// Why it cannot be booked on `date` with `booked` places already taken (the `timeslot`
    /// field's message): switched off, the wrong weekday, already started, or full. One rule for
    /// childcare visits and home-care orders alike.
    pub fn problem(&self, date: NaiveDate, now: DateTime<Utc>, booked: i64) -> Option<&'static str> {
        if !self.active {
            Some("机构已停用这个时段，请选择其他时段")
        } else if date.weekday().number_from_monday() as i64 != self.weekday {
            Some("日期与时段的星期不一致")
        } else if date == beijing_today(now) && self.start_min <= beijing_minutes(now) as i64 {
            Some("这个时段已经开始或过去了，请选择其他时段")
        } else if booked >= self.capacity {
            Some("这个时段已约满，请选择其他时段")
        } else {
            None
        }
    }
}

/// Today's date in Beijing (UTC+8, no daylight saving).
pub fn beijing_today(now: DateTime<Utc>) -> NaiveDate {
    (now + chrono::Duration::hours(8)).date_naive()
}

/// Minutes after midnight now in Beijing.
pub fn beijing_minutes(now: DateTime<Utc>) -> u32 {
    let t = (now + chrono::Duration::hours(8)).time();
    chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t)
}


labelled_enum!(
    /// What a parent asks a place for (slots are of kind visit or trial).
    RequestKind {
        Visit = "visit", "预约参观";
        Trial = "trial", "免费入托体验";
        Application = "application", "申请托位";
    }
);

labelled_enum!(
    /// Where a request stands on the server.
    RequestStatus {
        Submitted = "submitted", "已提交";
        Confirmed = "confirmed", "已确认";
        Waitlisted = "waitlisted", "候补";
        Offered = "offered", "已录取";
        Declined = "declined", "未通过";
        Cancelled = "cancelled", "已取消";
    }
);

labelled_enum!(
    /// 困境婴幼儿 priority grounds a family may declare (checked by the operator).
    PriorityGround {
        EconomicHardship = "economic_hardship", "家庭经济困难";
        ParentDisabled = "parent_disabled", "父母一方以上残疾";
        SingleParent = "single_parent", "单亲家庭";
        OtherGuardian = "other_guardian", "由父母以外其他监护人抚养";
    }
);

labelled_enum!(
    /// What an operator does with a request.
    DecisionAction {
        Accept = "accept", "接受";
        Decline = "decline", "不通过";
        Waitlist = "waitlist", "列入候补";
        Offer = "offer", "录取";
    }
);

impl RequestStatus {
    /// Still open: the request holds a slot, a waitlist position or an offered place.
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::Submitted | RequestStatus::Confirmed | RequestStatus::Waitlisted | RequestStatus::Offered)
    }

    /// A visit or trial that holds its timeslot (counts against its capacity).
    pub const HOLDING_TIMESLOT: [RequestStatus; 2] = [RequestStatus::Submitted, RequestStatus::Confirmed];

    /// Ended: retention anonymises these (with visits and trials whose date has passed).
    pub const CLOSED: [RequestStatus; 2] = [RequestStatus::Declined, RequestStatus::Cancelled];

    /// An application still in play: waiting for a decision, on the waitlist or offered.
    pub const OPEN_APPLICATION: [RequestStatus; 3] = [RequestStatus::Submitted, RequestStatus::Waitlisted, RequestStatus::Offered];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit() -> NewRequest {
        NewRequest {
            id: "3f2b8c1e-9a4d-4e7b-8c2f-1a2b3c4d5e6f".into(),
            place_id: 1,
            kind: RequestKind::Visit,
            timeslot_id: Some(1),
            timeslot_date: Some("2026-11-24".into()),
            class_id: None,
            child_birth_month: None,
            start_month: None,
            puhui: false,
            priority_grounds: vec![],
            contact_name: "王女士".into(),
            contact_phone: "13812341234".into(),
            consent: true,
            consents: vec![],
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn phones_are_mainland_mobiles_and_masked() {
        assert!(valid_mobile("13812341234") && valid_mobile(" 19912345678 "));
        for bad in ["12812341234", "1381234123", "0510-82345678", "138123412345", "1381234123a"] {
            assert!(!valid_mobile(bad), "{bad}");
        }
        assert_eq!(mask_phone("13812341234"), "138****1234");
    }

    #[test]
    fn a_visit_needs_a_slot_a_mobile_and_consent() {
        assert!(visit().validate(today()).is_empty());
        let bad = NewRequest { contact_phone: "0510-82345678".into(), consent: false, timeslot_id: None, contact_name: " ".into(), ..visit() };
        let f: Vec<String> = bad.validate(today()).into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["contact_name", "contact_phone", "consents.contact", "timeslot"]);
        let past = NewRequest { timeslot_date: Some("2026-11-21".into()), ..visit() };
        assert_eq!(past.validate(today())[0].message, "这个时段已经过去了，请选择其他时段");
        let far = NewRequest { timeslot_date: Some("2026-12-07".into()), ..visit() };
        assert_eq!(far.validate(today())[0].field, "timeslot");
    }

    #[test]
    fn an_application_checks_months_and_the_age_fits_the_class() {
        use crate::model::privacy::{current, Purpose};
        let app = NewRequest {
            kind: RequestKind::Application,
            timeslot_id: None,
            timeslot_date: None,
            class_id: Some(3),
            child_birth_month: Some("2025-06".into()),
            start_month: Some("2027-01".into()),
            priority_grounds: vec![PriorityGround::SingleParent],
            consents: [Purpose::Contact, Purpose::ChildData].map(|p| current(p).given()).to_vec(),
            ..visit()
        };
        assert!(app.validate(today()).is_empty());
        // the child's data needs its own consent; a request from before consents came one by
        // one (only `consent`) covers the contact details alone
        let legacy = NewRequest { consents: vec![], ..app.clone() };
        let f: Vec<String> = legacy.validate(today()).into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["consents.child_data"]);
        let bad = NewRequest { child_birth_month: Some("2027-01".into()), start_month: Some("2026-10".into()), ..app.clone() };
        let f: Vec<String> = bad.validate(today()).into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["child_birth_month", "start_month"]);
        // born 2025-06, starting 2027-01: 19 months — 托小班 (12–24) yes, 托大班 (24–36) no
        assert_eq!(age_fits(AgeBand::Toddler, "2025-06", "2027-01"), Ok(19));
        let why = age_fits(AgeBand::Preschool, "2025-06", "2027-01").unwrap_err();
        assert!(why.contains("19 个月") && why.contains("托大班"), "{why}");
    }

    #[test]
    fn timeslots_are_checked() {
        let ok = TimeslotCreate { kind: RequestKind::Visit, weekday: 2, start: "10:00".into(), end: "10:30".into(), capacity: 3 };
        assert!(ok.validate().is_empty());
        let bad = TimeslotCreate { kind: RequestKind::Application, weekday: 8, start: "10:30".into(), end: "10:00".into(), capacity: 0 };
        let f: Vec<String> = bad.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["kind", "weekday", "end", "capacity"]);
        assert_eq!(parse_hhmm("09:05"), Some(545));
        assert_eq!(hhmm(545), "09:05");
        assert_eq!(weekday_label(7), "周日");
    }

    #[test]
    fn openings_are_dated_from_now_and_skip_what_has_started() {
        // Sunday 2026-11-22 10:30 in Beijing
        let now = DateTime::parse_from_rfc3339("2026-11-22T02:30:00Z").unwrap().with_timezone(&Utc);
        let w = |id, weekday, start_min| WeeklyWindow { id, kind: RequestKind::Visit, weekday, start_min, end_min: start_min + 30, capacity: 3 };
        let list = openings(&[w(1, 7, 600), w(2, 7, 660), w(3, 2, 600)], now, |id, d| if id == 2 && d == "2026-11-22" { 3 } else { 0 });
        let got: Vec<(i64, &str, u32)> = list.iter().map(|o| (o.timeslot_id, o.date.as_str(), o.available())).collect();
        // today 10:00 has started, 11:00 is full; then Tuesday, next Sunday …, 15 days in all
        assert_eq!(&got[..3], &[(2, "2026-11-22", 0), (3, "2026-11-24", 3), (1, "2026-11-29", 3)]);
        assert_eq!(got.last().unwrap().1, "2026-12-06");
        assert!(list.windows(2).all(|p| (&p[0].date, &p[0].start) <= (&p[1].date, &p[1].start)));
    }

    #[test]
    fn beijing_dates() {
        let t = DateTime::parse_from_rfc3339("2026-11-22T17:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(beijing_today(t), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert_eq!(beijing_minutes(t), 90);
    }

    #[test]
    fn a_timeslot_is_refused_off_full_started_or_on_another_weekday() {
        use chrono::TimeZone;
        // Thursday 3 Dec 2026, 10:00 Beijing = 02:00Z
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 2, 0, 0).unwrap();
        let thu = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let slot = SlotRule { weekday: 4, start_min: 10 * 60 + 30, capacity: 2, active: true };
        assert_eq!(slot.problem(thu, now, 1), None);
        assert_eq!(slot.problem(thu, now, 2), Some("这个时段已约满，请选择其他时段"));
        assert_eq!(SlotRule { start_min: 10 * 60, ..slot }.problem(thu, now, 0), Some("这个时段已经开始或过去了，请选择其他时段"));
        assert_eq!(slot.problem(thu.succ_opt().unwrap(), now, 0), Some("日期与时段的星期不一致"));
        assert_eq!(SlotRule { active: false, ..slot }.problem(thu, now, 0), Some("机构已停用这个时段，请选择其他时段"));
        // a week later the started check no longer applies
        assert_eq!(SlotRule { start_min: 9 * 60, ..slot }.problem(thu + chrono::Duration::days(7), now, 0), None);
    }
}
