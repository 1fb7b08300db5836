//! The older person's profile (kept by the family on the device), and what an order
//! costs: a small table of rules (data, from the server) decides who pays what, and
//! the order page says which rule applied and why.

use super::*;
use serde::{Deserialize, Serialize};

/// Age from which a person counts as 高龄.
pub const ADVANCED_AGE: u8 = 80;

/// The profile the family keeps on the device and sends with an order. The sensitive
/// parts (capability level, categories) are only present when the family agreed to
/// share them (PIPL: separate consent, each with its reason).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ElderProfile {
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 20))]
    pub name: String,
    #[cfg_attr(feature = "ssr", schema(minimum = 50, maximum = 120))]
    pub age: u8,
    #[cfg_attr(feature = "ssr", schema(min_length = 1, max_length = 40))]
    pub street_id: String,
    /// Building, unit, room.
    #[cfg_attr(feature = "ssr", schema(min_length = 2, max_length = 60))]
    pub address_detail: String,
    /// GCJ-02 position of the home (from the map or the family's phone at the door).
    pub lat: f64,
    pub lng: f64,
    /// A mobile (11 digits) or a landline such as 0510-12345678.
    #[cfg_attr(feature = "ssr", schema(max_length = 20))]
    pub phone: String,
    pub lives_alone: bool,
    /// 空巢 / 纯老 (only older people in the household).
    pub empty_nest: bool,
    /// Shared only with `consent_health`.
    #[serde(default)]
    pub capability_level: Option<CapabilityLevel>,
    /// Shared only with `consent_categories`.
    #[serde(default)]
    pub categories: Vec<ElderCategory>,
    /// Consent to share the capability level (it decides 失能 entitlements).
    #[serde(default)]
    pub consent_health: bool,
    /// Consent to share the categories (they decide 政府购买服务 and subsidies).
    #[serde(default)]
    pub consent_categories: bool,
}

impl ElderProfile {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        let mut push = |f: &str, m: &str| e.push(FieldError { field: f.into(), message: m.into() });
        if !(1..=20).contains(&self.name.trim().chars().count()) || self.name.chars().count() > 20 {
            push("name", "请填写老人的称呼（最多 20 个字）");
        }
        if !(50..=120).contains(&self.age) {
            push("age", "年龄应在 50 到 120 岁之间");
        }
        if self.street_id.trim().is_empty() || self.street_id.chars().count() > 40 {
            push("street_id", "请选择所在街道");
        }
        if !(2..=60).contains(&self.address_detail.trim().chars().count()) || self.address_detail.chars().count() > 60 {
            push("address_detail", "请填写详细地址（小区、楼栋、门牌），最多 60 个字");
        }
        if !(self.lat.is_finite() && self.lng.is_finite() && (-90.0..=90.0).contains(&self.lat) && (-180.0..=180.0).contains(&self.lng))
            || (self.lat == 0.0 && self.lng == 0.0)
        {
            push("position", "请确定住址的位置（用街道中心或在家门口定位）");
        }
        if !crate::model::valid_phone(&self.phone) {
            push("phone", "请填写老人或紧急联系人的电话：手机 11 位，座机如 0510-12345678");
        }
        if self.capability_level.is_some() && !self.consent_health {
            push("consent_health", "提供能力评估等级需要您单独同意");
        }
        if !self.categories.is_empty() && !self.consent_categories {
            push("consent_categories", "提供身份类别需要您单独同意");
        }
        e
    }

    /// What may be sent: without consent the sensitive parts are left out.
    pub fn shared(&self) -> ElderProfile {
        ElderProfile {
            capability_level: self.capability_level.filter(|_| self.consent_health),
            categories: if self.consent_categories { self.categories.clone() } else { vec![] },
            ..self.clone()
        }
    }

    /// 80+ living alone or empty-nest, or poor with disability: a weekly 探访 is due (宿城区 rule).
    pub fn needs_weekly_visit(&self) -> bool {
        let poor = self.categories.iter().any(|c| matches!(c, ElderCategory::Tekun | ElderCategory::Dibao | ElderCategory::DibaoEdge | ElderCategory::EconomicHardship));
        let disabled = matches!(self.capability_level, Some(CapabilityLevel::Mild | CapabilityLevel::Moderate | CapabilityLevel::Severe));
        (self.age >= ADVANCED_AGE && (self.lives_alone || self.empty_nest)) || (poor && disabled)
    }
}

/// When a rule applies: every part that is given must hold.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RuleCondition {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u8>,
    /// At least one of these categories (高龄 is `min_age`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_category: Vec<ElderCategory>,
    /// One of these capability levels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any_capability: Vec<CapabilityLevel>,
    /// Only for these items (all items when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ServiceItem>,
    /// Either this condition or `min_age` holds (e.g. "80+ or in a named category").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub age_or_category: bool,
}

/// One row of the rule table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubsidyRule {
    pub id: i64,
    /// Lower first; the first rule that applies decides.
    pub priority: i64,
    pub name: String,
    /// Why, in words a family understands.
    pub explanation: String,
    pub condition: RuleCondition,
    pub payer: Payer,
    /// The share of the market price public money pays (100 = all).
    pub share_percent: u8,
    /// At most this much public money per order (none: no cap).
    pub cap_yuan: Option<u32>,
    pub is_sample: bool,
}

impl SubsidyRule {
    pub fn applies(&self, p: &ElderProfile, item: ServiceItem) -> bool {
        let c = &self.condition;
        let shared = p.shared();
        if !c.items.is_empty() && !c.items.contains(&item) {
            return false;
        }
        let age_ok = c.min_age.is_none_or(|m| shared.age >= m);
        let cat_ok = c.any_category.is_empty() || c.any_category.iter().any(|x| shared.categories.contains(x));
        let cap_ok = c.any_capability.is_empty() || shared.capability_level.is_some_and(|l| c.any_capability.contains(&l));
        if c.age_or_category {
            (age_ok && c.min_age.is_some() || cat_ok && !c.any_category.is_empty()) && cap_ok
        } else {
            age_ok && cat_ok && cap_ok
        }
    }
}

/// What one order costs and who pays, with the rule that decided it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Quote {
    pub market_price_yuan: u32,
    pub public_pays_yuan: u32,
    pub family_pays_yuan: u32,
    pub rule_id: Option<i64>,
    pub rule_name: Option<String>,
    pub payer: Option<Payer>,
    pub explanation: String,
    /// Public money counts only after the provider has checked the categories/level.
    pub needs_confirmation: bool,
}

/// Prices an order by the first rule (by priority) that applies.
pub fn quote(rules: &[SubsidyRule], p: &ElderProfile, item: ServiceItem, market_price_yuan: u32) -> Quote {
    let mut sorted: Vec<&SubsidyRule> = rules.iter().collect();
    sorted.sort_by_key(|r| (r.priority, r.id));
    match sorted.into_iter().find(|r| r.applies(p, item)) {
        Some(r) => {
            let share = (market_price_yuan as u64 * r.share_percent.min(100) as u64 / 100) as u32;
            let public = r.cap_yuan.map_or(share, |c| share.min(c));
            Quote {
                market_price_yuan,
                public_pays_yuan: public,
                family_pays_yuan: market_price_yuan - public,
                rule_id: Some(r.id),
                rule_name: Some(r.name.clone()),
                payer: Some(r.payer),
                explanation: r.explanation.clone(),
                needs_confirmation: public > 0,
            }
        }
        None => Quote {
            market_price_yuan,
            public_pays_yuan: 0,
            family_pays_yuan: market_price_yuan,
            rule_id: None,
            rule_name: None,
            payer: None,
            explanation: "不符合政府购买服务或服务补贴的条件，按市场价支付".into(),
            needs_confirmation: false,
        },
    }
}


labelled_enum!(
    /// 居家上门服务 items (the catalogue). 助急 is listed so it can be shown, but it is
    /// never ordered: the app shows call buttons instead.
    ServiceItem {
        Meal = "meal", "助餐";
        Cleaning = "cleaning", "助洁";
        Bathing = "bathing", "助浴";
        MedicalEscort = "medical_escort", "助医/伴医";
        Mobility = "mobility", "助行";
        WelfareVisit = "welfare_visit", "探访";
        LifeCare = "life_care", "生活照料";
        RehabNursing = "rehab_nursing", "康复护理";
        Companionship = "companionship", "精神慰藉";
        Respite = "respite", "喘息服务";
        Errands = "errands", "代办帮办";
        AdaptationAssessment = "adaptation_assessment", "适老化改造评估";
        Emergency = "emergency", "助急";
    }
);

labelled_enum!(
    /// How a 助餐 meal reaches the older person.
    MealMode {
        DineIn = "dine_in", "堂食";
        PickUp = "pick_up", "自取";
        Delivery = "delivery", "送餐";
    }
);

labelled_enum!(
    /// 老年人能力评估 result.
    CapabilityLevel {
        Intact = "intact", "能力完好";
        Mild = "mild", "轻度失能";
        Moderate = "moderate", "中度失能";
        Severe = "severe", "重度失能";
    }
);

labelled_enum!(
    /// Categories the plans name (高龄 is not declared: it follows from the age).
    ElderCategory {
        Tekun = "tekun", "特困";
        Dibao = "dibao", "低保";
        DibaoEdge = "dibao_edge", "低保边缘";
        EconomicHardship = "economic_hardship", "经济困难";
        FamilyPlanningSpecial = "family_planning_special", "计划生育特殊家庭";
        SevereDisability = "severe_disability", "重残";
    }
);

labelled_enum!(
    /// Who pays under a rule.
    Payer {
        GovernmentPurchase = "government_purchase", "政府购买服务";
        Subsidy = "subsidy", "服务补贴";
    }
);

labelled_enum!(
    /// Kinds of elderly-care service providers.
    ProviderKind {
        HomeCareCentre = "home_care_centre", "居家养老服务中心";
        HomeCareStation = "home_care_station", "居家养老服务站";
        StreetCentre = "street_centre", "街道综合性养老服务中心";
        MealPoint = "meal_point", "助餐点";
        NursingStation = "nursing_station", "护理站";
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CapabilityLevel as L, ElderCategory as C};

    /// The sample rule table (the same rows the server seeds).
    pub(super) fn rules() -> Vec<SubsidyRule> {
        let rule = |id, priority, name: &str, condition, payer, share, cap| SubsidyRule {
            id,
            priority,
            name: name.into(),
            explanation: name.into(),
            condition,
            payer,
            share_percent: share,
            cap_yuan: cap,
            is_sample: true,
        };
        vec![
            rule(1, 10, "高龄经济困难", RuleCondition { min_age: Some(80), any_category: vec![C::Tekun, C::Dibao, C::DibaoEdge, C::EconomicHardship], ..Default::default() }, Payer::GovernmentPurchase, 100, None),
            rule(2, 20, "困难失能", RuleCondition { any_category: vec![C::Tekun, C::Dibao, C::DibaoEdge, C::EconomicHardship], any_capability: vec![L::Moderate, L::Severe], ..Default::default() }, Payer::GovernmentPurchase, 100, None),
            rule(3, 30, "特殊群体补贴", RuleCondition { min_age: Some(80), any_category: C::ALL.to_vec(), age_or_category: true, ..Default::default() }, Payer::Subsidy, 50, Some(40)),
        ]
    }

    pub(super) fn person(age: u8, cats: Vec<C>, level: Option<L>) -> ElderProfile {
        ElderProfile {
            name: "张大爷".into(),
            age,
            street_id: "wuxi-xinwu-wangzhuang".into(),
            address_detail: "旺庄路 1 号 2 栋 301".into(),
            lat: 31.575,
            lng: 120.358,
            phone: "13812345678".into(),
            lives_alone: true,
            empty_nest: false,
            consent_health: level.is_some(),
            capability_level: level,
            consent_categories: !cats.is_empty(),
            categories: cats,
        }
    }

    #[test]
    fn eighty_with_hardship_is_paid_in_full_seventy_nine_is_not() {
        let r = rules();
        let q = quote(&r, &person(80, vec![C::Dibao], None), ServiceItem::Bathing, 120);
        assert_eq!((q.public_pays_yuan, q.family_pays_yuan, q.rule_id), (120, 0, Some(1)));
        assert!(q.needs_confirmation);
        // 79 with 低保: not rule 1; no disability, so not rule 2; a named category → the subsidy
        let q = quote(&r, &person(79, vec![C::Dibao], None), ServiceItem::Bathing, 120);
        assert_eq!((q.public_pays_yuan, q.family_pays_yuan, q.rule_id), (40, 80, Some(3)), "50% capped at 40");
    }

    #[test]
    fn poor_with_moderate_or_severe_disability_is_paid_in_full_mild_is_not() {
        let r = rules();
        for level in [L::Moderate, L::Severe] {
            let q = quote(&r, &person(70, vec![C::Tekun], Some(level)), ServiceItem::Cleaning, 60);
            assert_eq!((q.public_pays_yuan, q.rule_id), (60, Some(2)), "{level:?}");
        }
        let q = quote(&r, &person(70, vec![C::Tekun], Some(L::Mild)), ServiceItem::Cleaning, 60);
        assert_eq!((q.public_pays_yuan, q.family_pays_yuan, q.rule_id), (30, 30, Some(3)));
        // disabled but not poor: only a named category or 80+ gets the subsidy
        let q = quote(&r, &person(70, vec![], Some(L::Severe)), ServiceItem::Cleaning, 60);
        assert_eq!((q.public_pays_yuan, q.rule_id), (0, None));
    }

    #[test]
    fn the_subsidy_covers_eighty_plus_or_a_named_category_and_others_pay_the_market_price() {
        let r = rules();
        let q = quote(&r, &person(80, vec![], None), ServiceItem::Meal, 15);
        assert_eq!((q.public_pays_yuan, q.family_pays_yuan, q.rule_id), (7, 8, Some(3)));
        let q = quote(&r, &person(79, vec![], None), ServiceItem::Meal, 15);
        assert_eq!((q.public_pays_yuan, q.family_pays_yuan, q.rule_id), (0, 15, None));
        let q = quote(&r, &person(65, vec![C::FamilyPlanningSpecial], None), ServiceItem::Meal, 15);
        assert_eq!(q.rule_id, Some(3));
    }

    #[test]
    fn without_consent_the_categories_do_not_count() {
        let r = rules();
        let mut p = person(85, vec![C::Dibao], Some(L::Severe));
        p.consent_categories = false;
        p.consent_health = false;
        let q = quote(&r, &p, ServiceItem::Bathing, 120);
        assert_eq!(q.rule_id, Some(3), "80+ alone still gets the subsidy");
        assert_eq!(q.public_pays_yuan, 40);
        let fields: Vec<String> = p.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["consent_health", "consent_categories"]);
    }

    #[test]
    fn rules_can_be_limited_to_items() {
        let mut r = rules();
        r[0].condition.items = vec![ServiceItem::Meal];
        let q = quote(&r, &person(85, vec![C::Dibao], None), ServiceItem::Bathing, 120);
        assert_eq!(q.rule_id, Some(3));
        let q = quote(&r, &person(85, vec![C::Dibao], None), ServiceItem::Meal, 15);
        assert_eq!(q.rule_id, Some(1));
    }

    #[test]
    fn weekly_visits_are_due_for_the_people_the_rule_names() {
        assert!(person(80, vec![], None).needs_weekly_visit(), "80+ living alone");
        assert!(!person(79, vec![], None).needs_weekly_visit());
        let mut nest = person(82, vec![], None);
        nest.lives_alone = false;
        assert!(!nest.needs_weekly_visit());
        nest.empty_nest = true;
        assert!(nest.needs_weekly_visit(), "80+ empty-nest");
        assert!(person(65, vec![C::Dibao], Some(L::Mild)).needs_weekly_visit(), "poor and disabled");
        assert!(!person(65, vec![C::Dibao], Some(L::Intact)).needs_weekly_visit());
    }

    #[test]
    fn profiles_are_checked() {
        assert!(person(80, vec![], None).validate().is_empty());
        let mut p = person(30, vec![], None);
        p.name = " ".into();
        p.phone = "123".into();
        p.lat = 0.0;
        p.lng = 0.0;
        let fields: Vec<String> = p.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "age", "position", "phone"]);
    }
}

/// One catalogue entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServiceInfo {
    pub item: ServiceItem,
    pub label: String,
    pub description: String,
    /// 助急 is not ordered: it is a call.
    pub orderable: bool,
}

/// What the catalogue says about each item, in words for families.
pub fn describe(item: ServiceItem) -> &'static str {
    match item {
        ServiceItem::Meal => "堂食、自取或送餐上门",
        ServiceItem::Cleaning => "打扫居室、厨房和卫生间",
        ServiceItem::Bathing => "上门助浴，护理员协助洗澡",
        ServiceItem::MedicalEscort => "陪同就医、取药，高龄独居优先",
        ServiceItem::Mobility => "陪同出行、散步、代步协助",
        ServiceItem::WelfareVisit => "上门、电话或视频探访，看看老人是否安好",
        ServiceItem::LifeCare => "起居、穿衣、进食等生活照料",
        ServiceItem::RehabNursing => "康复训练、基础护理",
        ServiceItem::Companionship => "聊天陪伴、心理疏导",
        ServiceItem::Respite => "家人休息时，护理员替班照护",
        ServiceItem::Errands => "代缴费、代购、代办证件",
        ServiceItem::AdaptationAssessment => "评估家中需要的适老化改造（扶手、防滑等）",
        ServiceItem::Emergency => "紧急情况请直接拨打电话",
    }
}

/// An item as a provider offers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderItem {
    pub item: ServiceItem,
    pub duration_min: u32,
    pub market_price_yuan: u32,
    /// 助餐 only.
    #[serde(default)]
    pub meal_modes: Vec<crate::model::MealMode>,
}

/// A provider that serves an address, with the item asked for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProviderHit {
    pub id: i64,
    pub name: String,
    pub kind: crate::model::ProviderKind,
    pub address: String,
    pub street_name: String,
    pub distance_m: f64,
    pub phone: String,
    /// Answered around the clock (助急).
    pub emergency_phone: String,
    /// How it decides where it serves: "6 公里内" or the 街道.
    pub serves: String,
    pub items: Vec<ProviderItem>,
    pub cancel_window_h: u32,
    pub is_sample: bool,
}

/// `GET /api/v1/providers`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ProvidersResponse {
    pub providers: Vec<ProviderHit>,
    pub generated_at: chrono::DateTime<chrono::Utc>,
}

/// Money properties over every price from 1 to 500 yuan, every rule (the sample table and
/// arbitrary ones, shares above 100 % and caps included) and every kind of profile.
#[cfg(test)]
mod money_properties {
    use super::*;
    use crate::model::{CapabilityLevel as L, ElderCategory as C};
    use proptest::prelude::*;

    fn subset<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = Vec<T>> {
        proptest::collection::vec(any::<bool>(), all.len()).prop_map(move |pick| all.iter().zip(pick).filter(|(_, p)| *p).map(|(x, _)| *x).collect())
    }

    prop_compose! {
        fn a_rule()(id in 1i64..50, priority in 0i64..100, min_age in proptest::option::of(60u8..100),
                    any_category in subset(C::ALL), any_capability in subset(L::ALL), items in subset(ServiceItem::ALL),
                    age_or_category in any::<bool>(), share in 0u8..=255, cap in proptest::option::of(0u32..600),
                    government in any::<bool>()) -> SubsidyRule {
            SubsidyRule {
                id,
                priority,
                name: format!("规则{id}（示例）"),
                explanation: String::new(),
                condition: RuleCondition { min_age, any_category, any_capability, items, age_or_category },
                payer: if government { Payer::GovernmentPurchase } else { Payer::Subsidy },
                share_percent: share,
                cap_yuan: cap,
                is_sample: true,
            }
        }
    }

    prop_compose! {
        fn a_profile()(age in 50u8..=120, categories in subset(C::ALL), level in proptest::option::of(proptest::sample::select(L::ALL)),
                       consent_categories in any::<bool>(), consent_health in any::<bool>(), lives_alone in any::<bool>()) -> ElderProfile {
            ElderProfile {
                name: "张大爷".into(),
                age,
                street_id: "wuxi-xinwu-wangzhuang".into(),
                address_detail: "旺庄路 1 号 2 栋 301".into(),
                lat: 31.575,
                lng: 120.358,
                phone: "13812345678".into(),
                lives_alone,
                empty_nest: false,
                capability_level: level,
                categories,
                consent_health,
                consent_categories,
            }
        }
    }

    /// The sample rule table the server seeds (示例规则).
    fn sample_rules() -> Vec<SubsidyRule> {
        super::tests::rules()
    }

    fn check(rules: &[SubsidyRule], p: &ElderProfile, item: ServiceItem, price: u32) -> Result<(), TestCaseError> {
        let q = quote(rules, p, item, price);
        prop_assert_eq!(q.market_price_yuan, price);
        prop_assert_eq!(q.public_pays_yuan + q.family_pays_yuan, price, "public + family = market price");
        prop_assert!(q.public_pays_yuan <= price, "never more than the price (shares above 100 % clamped)");
        // the rule that decides is the first that applies, by priority then id
        let mut sorted: Vec<&SubsidyRule> = rules.iter().collect();
        sorted.sort_by_key(|r| (r.priority, r.id));
        match sorted.into_iter().find(|r| r.applies(p, item)) {
            None => {
                prop_assert_eq!((q.public_pays_yuan, q.rule_id, q.payer), (0, None, None));
                prop_assert!(!q.needs_confirmation);
            }
            Some(r) => {
                prop_assert_eq!(q.rule_id, Some(r.id));
                prop_assert_eq!(q.payer, Some(r.payer));
                if let Some(cap) = r.cap_yuan {
                    prop_assert!(q.public_pays_yuan <= cap, "public {} above the cap {}", q.public_pays_yuan, cap);
                }
                // rounding as the table says: the share of whole yuan, rounded down, then the cap
                let share = (price as u64 * r.share_percent.min(100) as u64 / 100) as u32;
                prop_assert_eq!(q.public_pays_yuan, r.cap_yuan.map_or(share, |c| share.min(c)));
                prop_assert_eq!(q.needs_confirmation, q.public_pays_yuan > 0);
            }
        }
        // what the family did not consent to share never counts
        let mut withheld = p.clone();
        withheld.categories.clear();
        withheld.capability_level = None;
        let hidden = ElderProfile { consent_categories: false, consent_health: false, ..p.clone() };
        prop_assert_eq!(quote(rules, &hidden, item, price), quote(rules, &ElderProfile { consent_categories: false, consent_health: false, ..withheld }, item, price));
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_sample_table_splits_every_price_exactly(p in a_profile(), item in proptest::sample::select(ServiceItem::ALL), price in 1u32..=500) {
            check(&sample_rules(), &p, item, price)?;
        }

        #[test]
        fn any_table_splits_every_price_exactly(rules in proptest::collection::vec(a_rule(), 0..6), p in a_profile(),
                                                item in proptest::sample::select(ServiceItem::ALL), price in 1u32..=500) {
            check(&rules, &p, item, price)?;
        }
    }

    #[test]
    fn every_price_and_profile_of_the_sample_table_exhaustively() {
        // all 500 prices × every item × the profiles the sample rules tell apart
        let rules = sample_rules();
        for price in 1..=500 {
            for &item in ServiceItem::ALL {
                for age in [60, 79, 80, 95] {
                    for cats in [vec![], vec![C::Dibao], vec![C::FamilyPlanningSpecial]] {
                        for level in [None, Some(L::Mild), Some(L::Severe)] {
                            let p = super::tests::person(age, cats.clone(), level);
                            check(&rules, &p, item, price).unwrap();
                        }
                    }
                }
            }
        }
    }
}
