//! Ordering a home visit (点单式) and following it: `/care/order/:provider/:item` (a timeslot,
//! the meal mode for 助餐, the price and who pays, consent to share the profile with this
//! provider; works offline through the outbox) and `/care/orders` (我的订单: 已保存待发送 →
//! 已提交 → 已接单 → 已派单 → 服务中 → 已完成, or 已拒绝 / 已取消; cancel within the window).

use crate::app::use_now;
use crate::components::field_msg::FieldMsg;
use crate::device::{cancel_order, rate_order, submit_order, sync_requests, use_device, Device};
use crate::elder::{quote, ElderProfile, ProviderHit, SubsidyRule};
use crate::orders::{NewOrder, NewRating, OrderStatus, OrderView};
use crate::pages::carer::stamp_line;
use crate::pages::ask::{when, TimeslotChoices};
use crate::requests::{beijing_today, TimeslotsResponse};
use crate::types::{FieldError, MealMode, ServiceItem};
use crate::pages::carer::TaskList;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// Reads from the server, keeping a copy on the device; offline, the copy (and `true`).
#[cfg(feature = "hydrate")]
async fn fresh_or_kept<T, F>(key: &str, fetch: F) -> Option<(T, bool)>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
    F: std::future::Future<Output = Result<T, crate::client::ClientError>>,
{
    match fetch.await {
        Ok(v) => {
            let _ = crate::store::browser::write(key, &v);
            Some((v, false))
        }
        Err(_) => crate::store::browser::read::<T>(key).map(|v| (v, true)),
    }
}

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
            profile.set(crate::store::browser::read(crate::pages::care::KEY_ELDER));
            let (Some(pid), Some(it)) = (provider_id(), item()) else { return };
            leptos::task::spawn_local(async move {
                let c = crate::client::ApiClient::same_origin();
                if let Some((p, _)) = fresh_or_kept(&format!("yl1.provider.{pid}"), c.provider(pid)).await {
                    provider.set(Some(p));
                }
                openings.set(fresh_or_kept(&format!("yl1.openings.{pid}.{}", it.code()), c.provider_openings(pid, it)).await);
                if let Some((r, _)) = fresh_or_kept("yl1.rules", c.subsidy_rules()).await {
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
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let price = offer.as_ref().map(|o| o.market_price_yuan).unwrap_or(0);
    let e2 = elder.clone();
    let q = move || quote(&rules.get(), &e2.shared(), item, price);
    let (pname, pid, window) = (provider.name.clone(), provider.id, provider.cancel_window_h);
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
        let id = crate::store::browser::new_id();
        #[cfg(not(feature = "hydrate"))]
        let id = String::new();
        let new = NewOrder {
            id,
            provider_id: pid,
            item,
            meal_mode: MealMode::from_code(&meal.get_untracked()),
            timeslot_id: ts,
            date: date.clone(),
            elder: e3.shared(),
            consent: consent.get_untracked(),
        };
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
    let consent_text = if crate::orders::welfare_reason(&elder.shared()).is_some() && provider.items.iter().any(|i| i.item == ServiceItem::WelfareVisit) {
        format!("我同意把老人的称呼、年龄、地址和电话（以及上面同意提供的评估等级、身份类别）提供给「{pname}」，用于这次上门服务；老人符合每周探访条件，这家机构也会用这些信息每周探访。")
    } else {
        format!("我同意把老人的称呼、年龄、地址和电话（以及上面同意提供的评估等级、身份类别）提供给「{pname}」，只用于这次上门服务。")
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
            <FieldMsg errors field="consent" />
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
                view! { <p class="cached-note">{move || format!("离线：名额为{}的情况，提交后以机构接单为准。", crate::format::ago(at, use_now()))}</p> }
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
        if let Some(m) = crate::orders::move_problem(&o, &date, &start, chrono::Utc::now()) {
            errors.set(vec![FieldError { field: "timeslot".into(), message: m }]);
            return;
        }
        errors.set(vec![]);
        let r = crate::orders::Reschedule { timeslot_id: ts, date: date.clone() };
        let label = format!("改期 {} · {} → {}", o.item.label(), o.provider_name, when(&date, &start, &end));
        crate::device::reschedule_order(d, &o.id, &r, start, end, label);
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

/// Where an order stands on this device: a queued send or cancel comes first.
fn order_state(d: Device, o: &OrderView) -> (String, &'static str) {
    let entity = format!("order:{}", o.id);
    match d.outbox.with(|x| x.iter().rev().find(|i| i.entity == entity).cloned()) {
        Some(i) if i.quarantined => (format!("未能提交：{}", i.last_error.unwrap_or_default()), "refused"),
        Some(i) if i.path.ends_with("/cancel") => ("取消已保存在本机，待发送".into(), "pending"),
        Some(i) if i.path.ends_with("/rating") => (format!("{}（评价已保存在本机，待发送）", o.status.label()), o.status.code()),
        Some(i) if i.path.ends_with("/reschedule") => ("改期已保存在本机，待发送".into(), "pending"),
        Some(_) => ("已保存待发送".into(), "pending"),
        None => (o.status.label().into(), o.status.code()),
    }
}

#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let d = use_device();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if d.ready.get() {
            sync_requests(d);
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = sync_requests;
    view! {
        <Title text="我的订单 · 上门服务" />
        <section class="panel">
            <p class="back"><A href="/care">"← 上门服务"</A></p>
            <h1>"我的订单"</h1>
            {move || {
                if !d.ready.get() {
                    return view! { <p class="loading">"正在读取本机数据…"</p> }.into_any();
                }
                let list = d.orders.get();
                if list.is_empty() {
                    return view! { <p class="empty">"还没有订单。"</p> }.into_any();
                }
                view! { <ul class="requests orders">{list.into_iter().map(|o| view! { <OrderRow o d /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <WelfareLog />
    }
}

/// The weekly 探访 of the people this device orders for (the visit log), as last read.
#[component]
fn WelfareLog() -> impl IntoView {
    let d = use_device();
    let plans = RwSignal::new(None::<(crate::orders::WelfarePlansResponse, bool)>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        d.delivered.track();
        if !d.ready.get() || d.orders.with(|o| o.is_empty()) {
            return;
        }
        leptos::task::spawn_local(async move {
            let c = crate::client::ApiClient::same_origin();
            plans.set(fresh_or_kept("yl1.welfare", c.welfare_plans(&crate::store::browser::device_key())).await);
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = d;
    move || {
        plans.get().filter(|(r, _)| !r.plans.is_empty()).map(|(r, kept)| {
            let at = r.generated_at;
            view! {
                <section class="panel welfare-log">
                    <h2>"每周探访"</h2>
                    {kept.then(|| view! { <p class="cached-note">{move || format!("离线：以下为{}读取的记录。", crate::format::ago(at, use_now()))}</p> })}
                    {r.plans.into_iter().map(|p| view! {
                        <div class="plan" data-plan-id=p.id>
                            <p><strong>{p.elder_name.clone()}</strong>{format!("（{}）· 每周至少一次上门、电话或视频探访，由「{}」负责，电话 {}", p.reason, p.provider_name, p.provider_phone)}
                                {p.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}</p>
                            <ul class="weeks">{p.visits.into_iter().map(|v| view! { <li class=format!("week {}", v.status.code())>{week_line(&v)}</li> }).collect_view()}</ul>
                        </div>
                    }).collect_view()}
                </section>
            }
        })
    }
}

/// "11月23日–29日：已探访（电话探访 · 11月24日 10:05）".
pub fn week_line(v: &crate::orders::WelfareVisit) -> String {
    use chrono::Datelike;
    let span = match (chrono::NaiveDate::parse_from_str(&v.week_start, "%Y-%m-%d"), chrono::NaiveDate::parse_from_str(&v.due_on, "%Y-%m-%d")) {
        (Ok(a), Ok(b)) => format!("{}月{}日–{}日", a.month(), a.day(), b.day()),
        _ => v.week_start.clone(),
    };
    let done = match (v.mode, v.done_at) {
        (Some(m), Some(t)) => {
            let local = t + chrono::Duration::hours(8);
            let late = if v.status == crate::types::WelfareStatus::Missed { "，补访" } else { "" };
            format!("（{} · {}月{}日 {}{late}）", m.label(), local.month(), local.day(), local.format("%H:%M"))
        }
        _ => String::new(),
    };
    let note = v.note.as_deref().map(|n| format!(" {n}")).unwrap_or_default();
    format!("{span}：{}{done}{note}", v.status.label())
}

#[component]
fn OrderRow(o: OrderView, d: Device) -> impl IntoView {
    let stored = StoredValue::new(o.clone());
    let st = move || stored.with_value(|o| order_state(d, o));
    let can_cancel = matches!(o.status, OrderStatus::Submitted | OrderStatus::Accepted | OrderStatus::Assigned);
    let (id, label) = (o.id.clone(), format!("取消 {} · {}", o.item.label(), o.provider_name));
    let who = if o.quote.public_pays_yuan > 0 {
        format!("家庭支付 {} 元（{}承担 {} 元{}）", o.quote.family_pays_yuan, o.quote.payer.map(|p| p.label()).unwrap_or("政府"), o.quote.public_pays_yuan,
            if o.category_confirmed { "，已核实" } else { "，待机构核实" })
    } else {
        format!("家庭支付 {} 元", o.quote.family_pays_yuan)
    };
    let move_href = format!("/care/order/{}/{}?move={}", o.provider_id, o.item.code(), o.id);
    view! {
        <li class="request order" data-order-id=o.id.clone() data-status=move || st().1>
            <p class="what"><strong>{o.item.label()}</strong>{format!(" · {}", o.provider_name)}
                {o.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}</p>
            <p class="detail">{format!("{} · {}", when(&o.date, &o.start, &o.end), o.elder_name)}
                {o.meal_mode.map(|m| format!(" · {}", m.label()))}</p>
            <p class="status">{move || st().0}</p>
            <p>{who}</p>
            {o.carer.clone().map(|c| view! { <p class="carer">{format!("护理员：{} · {} · 证书 {}", c.name, c.level, c.certificate_no)}</p> })}
            {o.message.clone().map(|m| view! { <p class="answer">{format!("机构回复：{m}")}</p> })}
            {o.check_in.as_ref().map(|s| view! { <p class="visit-step check-in">{format!("护理员 {}", stamp_line("签到，服务中", s))}</p> })}
            {o.check_out.as_ref().map(|s| view! { <p class="visit-step check-out">{format!("护理员 {}", stamp_line("签退，服务完成", s))}</p> })}
            <TaskList tasks=o.tasks.clone() />
            {o.carer_note.clone().map(|n| view! { <p class="answer">{format!("服务记录：{n}")}</p> })}
            {o.rating.map(|r| view! {
                <p class="rating-given">{format!("您的评价：{}{}", "★".repeat(r as usize), o.rating_comment.clone().map(|c| format!(" {c}")).unwrap_or_default())}</p>
            })}
            {(o.status == OrderStatus::Completed && o.rating.is_none()).then(|| view! { <RateForm o=o.clone() d /> })}
            {move || (can_cancel && st().1 != "pending" && st().1 != "refused").then(|| {
                let (id, label, move_href) = (id.clone(), label.clone(), move_href.clone());
                view! {
                    <div class="row">
                        <A href=move_href attr:class="button">"改期"</A>
                        <button class="cancel" on:click=move |_| cancel_order(d, &id, label.clone())>"取消订单"</button>
                    </div>
                }
            })}
        </li>
    }
}

/// 1–5 stars and a comment for a completed visit; kept on the device until sent.
#[component]
fn RateForm(o: OrderView, d: Device) -> impl IntoView {
    let stars = RwSignal::new(0u8);
    let comment = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = NewRating { stars: stars.get_untracked(), comment: Some(comment.get_untracked().trim().to_string()).filter(|c| !c.is_empty()) };
        let e = r.validate();
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        rate_order(d, &o.id, &r, format!("评价 {} · {}", o.item.label(), o.provider_name));
    };
    view! {
        <form class="rate" on:submit=submit novalidate>
            <fieldset class="stars">
                <legend>"为这次服务评分"</legend>
                {(1..=5u8).map(|n| view! {
                    <label class="star" class:on=move || { stars.get() >= n }>
                        <input type="radio" name="stars" value=n.to_string() on:change=move |_| stars.set(n) />
                        {format!("{n} 星")}
                    </label>
                }).collect_view()}
            </fieldset>
            <FieldMsg errors field="stars" />
            <label>"评价（选填）" <input type="text" name="comment" maxlength="200" bind:value=comment /></label>
            <FieldMsg errors field="comment" />
            <button class="primary" type="submit">"提交评价"</button>
        </form>
    }
}
