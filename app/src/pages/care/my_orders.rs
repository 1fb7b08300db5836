//! `/care/orders` 我的订单: 已保存待发送 → 已提交 → 已接单 → 已派单 → 服务中 → 已完成, or 已拒绝 /
//! 已取消; cancel within the window, 改期, rating, the weekly 探访 log.

use crate::app::use_now;
use crate::components::field_msg::FieldMsg;
use crate::offline::sync::{cancel_order, rate_order, refresh_own_when_ready, use_device, Device};
use crate::model::orders::{NewRating, OrderStatus, OrderView};
use crate::components::visit::stamp_line;
use crate::pages::parents::ask::when;
use crate::model::FieldError;
use crate::components::visit::TaskList;
use crate::offline::write::Write;
use crate::offline::write::entity;
use crate::components::local_data::WithLocalData;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Where an order stands on this device: a queued send or cancel comes first.
fn order_state(d: Device, o: &OrderView) -> (String, &'static str) {
    match d.latest_of(&entity::order(&o.id)) {
        Some(i) if i.quarantined => (format!("未能提交：{}", i.last_error.unwrap_or_default()), "refused"),
        Some(i) if matches!(i.write, Write::CancelOrder { .. }) => ("取消已保存在本机，待发送".into(), "pending"),
        Some(i) if matches!(i.write, Write::RateOrder { .. }) => (format!("{}（评价已保存在本机，待发送）", o.status.label()), o.status.code()),
        Some(i) if matches!(i.write, Write::RescheduleOrder { .. }) => ("改期已保存在本机，待发送".into(), "pending"),
        Some(_) => ("已保存待发送".into(), "pending"),
        None => (o.status.label().into(), o.status.code()),
    }
}

#[component]
pub fn MyOrdersPage() -> impl IntoView {
    let d = use_device();
    refresh_own_when_ready(d);
    view! {
        <Title text="我的订单 · 上门服务" />
        <section class="panel">
            <p class="back"><A href="/care">"← 上门服务"</A></p>
            <h1>"我的订单"</h1>
            <WithLocalData>
                {move || {
                    let list = d.orders.get();
                    if list.is_empty() {
                        return view! { <p class="empty">"还没有订单。"</p> }.into_any();
                    }
                    view! { <ul class="requests orders">{list.into_iter().map(|o| view! { <OrderRow o d /> }).collect_view()}</ul> }.into_any()
                }}
            </WithLocalData>
            <p class="me-link"><A href="/me">"我的信息：查看、下载、撤回同意、删除、换手机或与家人共享"</A></p>
        </section>
        <WelfareLog />
    }
}

/// The weekly 探访 of the people this device orders for (the visit log), as last read.
#[component]
fn WelfareLog() -> impl IntoView {
    let d = use_device();
    let plans = RwSignal::new(None::<(crate::model::orders::WelfarePlansResponse, bool)>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        d.delivered.track();
        if !d.ready.get() || d.orders.with(|o| o.is_empty()) {
            return;
        }
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            plans.set(crate::offline::cached(crate::offline::store::KEY_WELFARE, c.welfare_plans(&crate::offline::store::browser::device_key())).await);
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
                    {kept.then(|| view! { <p class="cached-note">{move || format!("离线：以下为{}读取的记录。", crate::rules::format::ago(at, use_now()))}</p> })}
                    {r.plans.into_iter().map(|p| view! {
                        <div class="plan" data-plan-id=p.id>
                            <p><strong>{p.elder_name.clone()}</strong>{format!("（{}）· 每周至少一次上门、电话或视频探访，由「{}」负责，电话 {}", p.reason, p.provider_name, p.provider_phone)}
                                {p.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}</p>
                            <ul class="weeks">{p.visits.into_iter().map(|v| view! { <li class=format!("week {}", v.status.code())>{week_line(&v)}</li> }).collect_view()}</ul>
                            {p.consent_id.map(|id| {
                                let label = format!("结束每周探访：{}（{}）", p.elder_name, p.provider_name);
                                view! {
                                    {move || if d.has_pending(&crate::offline::write::entity::consent(id)) {
                                        view! { <p class="status pending">"结束探访已保存在本机，待发送"</p> }.into_any()
                                    } else {
                                        let label = label.clone();
                                        view! { <button class="cancel end-plan" on:click=move |_| crate::offline::sync::enqueue(d, label.clone(), Write::WithdrawConsent { id })>"结束每周探访"</button> }.into_any()
                                    }}
                                }
                            })}
                        </div>
                    }).collect_view()}
                </section>
            }
        })
    }
}

/// "11月23日–29日：已探访（电话探访 · 11月24日 10:05）".
pub fn week_line(v: &crate::model::orders::WelfareVisit) -> String {
    use chrono::Datelike;
    let span = match (crate::rules::format::parse_ymd(&v.week_start).ok_or(()), crate::rules::format::parse_ymd(&v.due_on).ok_or(())) {
        (Ok(a), Ok(b)) => format!("{}月{}日–{}日", a.month(), a.day(), b.day()),
        _ => v.week_start.clone(),
    };
    let done = match (v.mode, v.done_at) {
        (Some(m), Some(t)) => {
            let local = t + chrono::Duration::hours(8);
            let late = if v.status == crate::model::WelfareStatus::Missed { "，补访" } else { "" };
            format!("（{} · {}月{}日 {}{late}）", m.label(), local.month(), local.day(), crate::rules::format::hm(local))
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
