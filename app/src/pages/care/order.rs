//! Ordering a home visit (点单式) and following it: `/care/order/:provider/:item` (a timeslot,
//! the meal mode for 助餐, the price and who pays, consent to share the profile with this
//! provider; works offline through the outbox) and `/care/orders` (我的订单: 已保存待发送 →
//! 已提交 → 已接单 → 已派单 → 服务中 → 已完成, or 已拒绝 / 已取消; cancel within the window).

use crate::app::use_now;
use crate::components::field_msg::FieldMsg;
use crate::offline::sync::{submit_order, use_device};
use crate::model::elder::{quote, ElderProfile, ProviderHit, SubsidyRule};
use crate::model::orders::{NewOrder, OrderStatus, OrderView};
use crate::pages::parents::ask::{when, TimeslotChoices};
use crate::model::requests::{beijing_today, TimeslotsResponse};
use crate::model::privacy::{self, Purpose};
use crate::model::{FieldError, MealMode, ServiceItem};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let provider_id = move || params.read().get("provider").and_then(|s| s.parse::<i64>().ok());
    let item = move || params.read().get("item").and_then(|s| ServiceItem::from_code(&s)).filter(|i| *i != ServiceItem::Emergency);
    let query = leptos_router::hooks::use_query_map();
    // `?move=<order id>`: 改期 — another timeslot for an existing order.
    let moving = move || query.read().get("move");
    let profile = RwSignal::new(None::<ElderProfile>);
    let provider = RwSignal::new(None::<ProviderHit>);
    let openings = RwSignal::new(None::<(TimeslotsResponse, bool)>);
    let rules = RwSignal::new(Vec::<SubsidyRule>::new());
    #[cfg(not(feature = "hydrate"))]
    let _ = provider_id;
    #[cfg(feature = "hydrate")]
    {
        let d = use_device();
        Effect::new(move |_| {
            if !d.ready.get() {
                return;
            }
            profile.set(crate::offline::store::browser::read(crate::offline::store::KEY_ELDER));
            let (Some(pid), Some(it)) = (provider_id(), item()) else { return };
            leptos::task::spawn_local(async move {
                let c = crate::net::client::ApiClient::same_origin();
                if let Some((p, _)) = crate::offline::cached(&crate::offline::store::keys::provider(pid), c.provider(pid)).await {
                    provider.set(Some(p));
                }
                openings.set(crate::offline::cached(&crate::offline::store::keys::openings(pid, it.code()), c.provider_openings(pid, it)).await);
                if let Some((r, _)) = crate::offline::cached(crate::offline::store::KEY_RULES, c.subsidy_rules()).await {
                    rules.set(r);
                }
            });
        });
    }
    view! {
        <Title text="预约上门 · 上门服务" />
        <section class="panel order">
            <p class="back"><A href=move || format!("/care/item/{}", item().map(|i| i.code()).unwrap_or("meal"))>"← 返回机构列表"</A></p>
            {move || match (profile.get(), provider.get(), item()) {
                (None, _, _) => view! {
                    <p class="cached-note">"先填写老人的信息。"</p>
                    <A href="/care/elder" attr:class="button primary">"填写老人信息"</A>
                }
                .into_any(),
                (Some(_), None, _) | (_, _, None) => view! { <p class="loading">"正在读取机构信息…（离线且从未打开过这家机构时无法预约）"</p> }.into_any(),
                (Some(e), Some(p), Some(it)) => {
                    let moving = moving().and_then(|id| use_device().orders.with(|o| o.iter().find(|x| x.id == id).cloned()));
                    view! { <OrderForm elder=e provider=p item=it openings rules moving /> }.into_any()
                }
            }}
        </section>
    }
}

/// An order of `item` from a provider for the profile as kept, before the form's choices.
fn draft(elder: &ElderProfile, provider_id: i64, item: ServiceItem) -> NewOrder {
    NewOrder {
        id: String::new(),
        provider_id,
        item,
        meal_mode: None,
        timeslot_id: 0,
        date: String::new(),
        elder: elder.shared(),
        consent: false,
        consents: vec![],
    }
}

#[component]
fn OrderForm(
    elder: ElderProfile,
    provider: ProviderHit,
    item: ServiceItem,
    openings: RwSignal<Option<(TimeslotsResponse, bool)>>,
    rules: RwSignal<Vec<SubsidyRule>>,
    moving: Option<OrderView>,
) -> impl IntoView {
    if let Some(m) = moving {
        return view! { <MoveForm order=m openings /> }.into_any();
    }
    let d = use_device();
    #[cfg(feature = "hydrate")]
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let offer = provider.items.iter().find(|i| i.item == item).cloned();
    let timeslot = RwSignal::new(String::new());
    let meal = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    // the sensitive parts and the weekly 探访 each have their own consent, not pre-ticked
    let consent_health = RwSignal::new(false);
    let consent_categories = RwSignal::new(false);
    let consent_weekly = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let price = offer.as_ref().map(|o| o.market_price_yuan).unwrap_or(0);
    let consents = move || -> Vec<privacy::ConsentGiven> {
        [
            (Purpose::ProviderShare, consent.get()),
            (Purpose::ElderHealth, consent_health.get()),
            (Purpose::ElderCategories, consent_categories.get()),
            (Purpose::WeeklyVisit, consent_weekly.get()),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(p, _)| privacy::current(p).given())
        .collect()
    };
    let e2 = elder.clone();
    let pid = provider.id;
    let sent = move || NewOrder { consents: consents(), ..draft(&e2, pid, item) }.shared_elder();
    let q = move || quote(&rules.get(), &sent(), item, price);
    let (pname, window) = (provider.name.clone(), provider.cancel_window_h);
    let phone = provider.phone.clone();
    let e3 = elder.clone();
    let p2 = pname.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = chrono::Utc::now();
        let (ts, date) = match timeslot.get_untracked().split_once('|') {
            Some((a, b)) => (a.parse::<i64>().unwrap_or(0), b.to_string()),
            None => (0, String::new()),
        };
        #[cfg(feature = "hydrate")]
        let id = crate::offline::store::browser::new_id();
        #[cfg(not(feature = "hydrate"))]
        let id = String::new();
        let mut new = NewOrder {
            id,
            meal_mode: MealMode::from_code(&meal.get_untracked()),
            timeslot_id: ts,
            date: date.clone(),
            consent: consent.get_untracked(),
            consents: untrack(consents),
            ..draft(&e3, pid, item)
        };
        new.elder = new.shared_elder();
        let mut e = new.validate(beijing_today(now));
        if ts == 0 {
            e.retain(|f| f.field != "timeslot");
            e.push(FieldError { field: "timeslot".into(), message: "请选择一个时段".into() });
        }
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        let opening = openings.with_untracked(|o| {
            o.as_ref().and_then(|(r, _)| r.openings.iter().find(|x| x.timeslot_id == ts && x.date == date).cloned())
        });
        let (start, end) = opening.map(|o| (o.start, o.end)).unwrap_or_default();
        let local = OrderView {
            id: new.id.clone(),
            provider_id: pid,
            provider_name: p2.clone(),
            provider_phone: phone.clone(),
            item,
            meal_mode: new.meal_mode,
            date: date.clone(),
            start,
            end,
            elder_name: new.elder.name.clone(),
            status: OrderStatus::Submitted,
            quote: quote(&rules.get_untracked(), &new.elder, item, price),
            category_confirmed: false,
            carer: None,
            message: None,
            cancel_until: now,
            created_at: now,
            updated_at: now,
            is_sample: true,
            check_in: None,
            check_out: None,
            tasks: vec![],
            carer_note: None,
            rating: None,
            rating_comment: None,
        };
        submit_order(d, &new, local, format!("{} · {}", item.label(), p2));
        #[cfg(feature = "hydrate")]
        navigate.with_value(|n| n("/care/orders", Default::default()));
    };
    let modes = offer.as_ref().map(|o| o.meal_modes.clone()).unwrap_or_default();
    let text = |p: Purpose| privacy::current(p).render(&pname, item.label());
    let consent_text = text(Purpose::ProviderShare);
    let shared = elder.shared();
    let health_text = shared.capability_level.is_some().then(|| text(Purpose::ElderHealth));
    let categories_text = (!shared.categories.is_empty()).then(|| text(Purpose::ElderCategories));
    let weekly_text = (crate::model::orders::welfare_reason(&shared).is_some() && provider.items.iter().any(|i| i.item == ServiceItem::WelfareVisit))
        .then(|| text(Purpose::WeeklyVisit));
    let optional = move |on: RwSignal<bool>, text: Option<String>, name: &'static str| {
        text.map(|t| view! {
            <label class="check consent">
                <input type="checkbox" name=name bind:checked=on />
                <span>{t}</span>
            </label>
        })
    };
    view! {
        <h1>{format!("预约{}", item.label())}</h1>
        <p class="muted">{format!("{} · 为 {}（{} 岁）", pname, elder.name, elder.age)}</p>
        {offer.is_none().then(|| view! { <p class="error">"这家机构不提供这个服务。"</p> })}
        <form class="order-form" on:submit=submit novalidate>
            <OpeningsPicker legend="选择上门时段" openings chosen=timeslot />
            <FieldMsg errors field="timeslot" />
            {(!modes.is_empty()).then(|| view! {
                <fieldset class="meal-modes">
                    <legend>"用餐方式"</legend>
                    {modes.iter().map(|m| {
                        let code = m.code();
                        view! {
                            <label class="check">
                                <input type="radio" name="meal_mode" value=code on:change=move |_| meal.set(code.to_string()) />
                                {m.label()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <FieldMsg errors field="meal_mode" />
            })}
            {move || {
                let q = q();
                view! {
                    <div class="quote">
                        <p>{format!("市场价 {} 元", q.market_price_yuan)}</p>
                        <p class="who-pays"><strong>{format!(
                            "{}承担 {} 元，家庭支付 {} 元",
                            q.payer.map(|p| p.label()).unwrap_or("政府"), q.public_pays_yuan, q.family_pays_yuan
                        )}</strong></p>
                        <p class="why">{format!("依据：{}", q.rule_name.clone().unwrap_or_else(|| "市场价".into()))}</p>
                        {q.needs_confirmation.then(|| view! { <p class="muted">"补贴需机构核实身份类别或能力评估后生效。"</p> })}
                    </div>
                }
            }}
            <label class="check consent">
                <input type="checkbox" name="consent" bind:checked=consent />
                <span>{consent_text}</span>
            </label>
            <FieldMsg errors field="consents.provider_share" />
            {optional(consent_health, health_text, "consent_health")}
            {optional(consent_categories, categories_text, "consent_categories")}
            {optional(consent_weekly, weekly_text, "consent_weekly")}
            <p class="muted"><a href="/privacy">"个人信息保护说明"</a>" · 可随时在"<a href="/me">"我的信息"</a>"查看、撤回或删除。"</p>
            <p class="muted">{format!("上门前 {window} 小时以内取消，请直接致电机构。没有网络也可以下单：先保存在本机，联网后自动发送。")}</p>
            <button class="primary" type="submit">"确认下单"</button>
        </form>
    }
    .into_any()
}

/// A provider's openings as radio buttons, with how fresh the counts are when they come
/// from the device (offline).
#[component]
fn OpeningsPicker(legend: &'static str, openings: RwSignal<Option<(TimeslotsResponse, bool)>>, chosen: RwSignal<String>) -> impl IntoView {
    view! {
        <fieldset class="timeslots">
            <legend>{legend}</legend>
            {move || openings.with(|o| o.as_ref().filter(|(_, kept)| *kept).map(|(r, _)| {
                let at = r.generated_at;
                view! { <p class="cached-note">{move || format!("离线：名额为{}的情况，提交后以机构接单为准。", crate::rules::format::ago(at, use_now()))}</p> }
            }))}
            {move || match openings.get() {
                None => view! { <p class="muted">"正在读取可预约的时段…"</p> }.into_any(),
                Some((r, _)) if r.openings.is_empty() => view! { <p class="muted">"近两周没有可预约的时段，请电话联系机构。"</p> }.into_any(),
                Some((r, _)) => view! { <TimeslotChoices list=r.openings chosen /> }.into_any(),
            }}
        </fieldset>
    }
}

/// 改期: the same item from the same provider at another time. The order goes back to
/// 已提交 for the provider to confirm (and assign a carer again).
#[component]
fn MoveForm(order: OrderView, openings: RwSignal<Option<(TimeslotsResponse, bool)>>) -> impl IntoView {
    let d = use_device();
    #[cfg(feature = "hydrate")]
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let timeslot = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let o = order.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((ts, date)) = timeslot.get_untracked().split_once('|').map(|(a, b)| (a.parse::<i64>().unwrap_or(0), b.to_string())) else {
            errors.set(vec![FieldError { field: "timeslot".into(), message: "请选择新的时段".into() }]);
            return;
        };
        let (start, end) = openings
            .with_untracked(|x| x.as_ref().and_then(|(r, _)| r.openings.iter().find(|x| x.timeslot_id == ts && x.date == date).map(|x| (x.start.clone(), x.end.clone()))))
            .unwrap_or_default();
        if date == o.date && start == o.start {
            errors.set(vec![FieldError { field: "timeslot".into(), message: "这是原来的时段，请选择另一个".into() }]);
            return;
        }
        if let Some(m) = crate::model::orders::move_problem(&o, &date, &start, chrono::Utc::now()) {
            errors.set(vec![FieldError { field: "timeslot".into(), message: m }]);
            return;
        }
        errors.set(vec![]);
        let r = crate::model::orders::Reschedule { timeslot_id: ts, date: date.clone() };
        let label = format!("改期 {} · {} → {}", o.item.label(), o.provider_name, when(&date, &start, &end));
        crate::offline::sync::reschedule_order(d, &o.id, &r, start, end, label);
        #[cfg(feature = "hydrate")]
        navigate.with_value(|n| n("/care/orders", Default::default()));
    };
    view! {
        <h1>{format!("改期：{}", order.item.label())}</h1>
        <p class="muted">{format!("{} · 为 {} · 原定 {}", order.provider_name, order.elder_name, when(&order.date, &order.start, &order.end))}</p>
        <form class="order-form" on:submit=submit novalidate>
            <OpeningsPicker legend="选择新的上门时段" openings chosen=timeslot />
            <FieldMsg errors field="timeslot" />
            <p class="muted">"改期后机构需要重新确认并派单。没有网络也可以改期：先保存在本机，联网后自动发送。"</p>
            <button class="primary" type="submit">"确认改期"</button>
        </form>
    }
}
