//! The provider's side of 居家上门服务 on the desk: orders for each of the organisation's
//! providers (new first), with the profile the family shared; 接单, 拒绝 (with a reason),
//! 派单 to one of its carers, and 核实身份 (the subsidy counts after that). Every action
//! goes through the outbox.

use crate::app::use_now;
use crate::components::field_msg::FieldMsg;
use crate::offline::sync::{enqueue, use_device, Device};
use crate::model::orders::{Carer, OperatorProvider, OrderAction, OrderDecision, OrderStatus, ProviderOrder, ProviderWelfareVisit, RecordWelfareVisit};
use crate::model::{WelfareMode, WelfareStatus};
use crate::pages::parents::ask::when;
use crate::model::FieldError;
use crate::components::visit::{stamp_line, TaskList};
use crate::offline::write::{Body, Write};
use crate::offline::write::entity;
use leptos::prelude::*;

#[component]
pub fn ProviderDesk(providers: RwSignal<Vec<OperatorProvider>>) -> impl IntoView {
    let d = use_device();
    let chosen = RwSignal::new(None::<i64>);
    let orders = RwSignal::new(Vec::<ProviderOrder>::new());
    let carers = RwSignal::new(Vec::<Carer>::new());
    // What the operator has typed or picked per order (message, carer): kept here, so a list
    // refreshed by a sync while they work does not wipe their choice.
    let drafts = RwSignal::new(std::collections::HashMap::<String, (String, String)>::new());
    let offline = RwSignal::new(false);
    Effect::new(move |_| {
        if chosen.get().is_none() {
            chosen.set(providers.with(|p| p.first().map(|x| x.id)));
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let fetch = |c: crate::net::client::ApiClient, pid| async move { c.provider_orders(pid).await };
        crate::offline::follow_desk_list(d, move || chosen.get(), "orders", Some(entity::ORDER_DECISIONS), fetch, move |list, got| {
            offline.set(got == crate::offline::Got::Offline);
            orders.set(list);
        });
        let fetch = |c: crate::net::client::ApiClient, pid| async move { c.provider_carers(pid).await };
        crate::offline::follow_desk_list(d, move || chosen.get(), "carers", None, fetch, move |v, _| carers.set(v));
    }
    let act = move |id: String, d_: OrderDecision, to: OrderStatus, label: String| {
        orders.update(|list| {
            if let Some(o) = list.iter_mut().find(|o| o.order.id == id) {
                o.order.status = to;
                if d_.action == OrderAction::ConfirmCategory {
                    o.order.category_confirmed = true;
                }
                if let Some(c) = d_.carer_id.and_then(|c| carers.with_untracked(|cs| cs.iter().find(|x| x.id == c).cloned())) {
                    o.order.carer = Some(crate::model::orders::CarerView { id: c.id, name: c.name, level: c.level, certificate_no: c.certificate_no });
                }
            }
        });
        #[cfg(feature = "hydrate")]
        if let Some(pid) = chosen.get_untracked() {
            let _ = crate::offline::store::browser::write_signed_in(&crate::offline::store::keys::desk("orders", pid), &orders.get_untracked());
        }
        enqueue(d, label, Write::DecideOrder { id: id.clone(), decision: Body::new(&d_) });
    };
    view! {
        <section class="panel provider-desk">
            <h2>"上门服务订单"</h2>
            {move || (providers.with(|p| p.len()) > 1).then(|| view! {
                <div class="provider-picks">
                    {providers.get().into_iter().map(|p| {
                        let id = p.id;
                        view! {
                            <button class="place-pick" class:active=move || chosen.get() == Some(id) on:click=move |_| chosen.set(Some(id))>
                                {p.name.clone()}
                                <small>{p.kind.label()}</small>
                            </button>
                        }
                    }).collect_view()}
                </div>
            })}
            {move || offline.get().then(|| view! { <p class="cached-note">"离线：以下为本机上次读取的订单。"</p> })}
            {move || {
                let list = orders.get();
                if list.is_empty() {
                    return view! { <p class="muted">"暂时没有订单。"</p> }.into_any();
                }
                view! { <ul class="inbox-list">{list.into_iter().map(|o| view! { <OrderItem o act d carers drafts /> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <crate::pages::desk::provider_carers::CarersPanel chosen carers />
        <crate::pages::desk::provider_service::ServicePanel chosen />
        <WelfarePanel chosen />
    }
    .into_any()
}

/// The provider's weekly 探访: missed weeks first, then this week's, then the last
/// fortnight's; 记录探访 (上门 / 电话 / 视频, with a note) through the outbox.
#[component]
fn WelfarePanel(chosen: RwSignal<Option<i64>>) -> impl IntoView {
    let d = use_device();
    let visits = RwSignal::new(Vec::<ProviderWelfareVisit>::new());
    #[cfg(not(feature = "hydrate"))]
    let _ = chosen;
    #[cfg(feature = "hydrate")]
    {
        let fetch = |c: crate::net::client::ApiClient, pid| async move { c.provider_welfare_visits(pid).await };
        crate::offline::follow_desk_list(d, move || chosen.get(), "welfare", Some(entity::WELFARE_VISITS), fetch, move |v, _| visits.set(v));
    }
    let record = move |id: i64, mode: WelfareMode, note: String, label: String| {
        let now = chrono::Utc::now();
        visits.update(|l| {
            if let Some(v) = l.iter_mut().find(|v| v.visit.id == id) {
                v.visit.mode = Some(mode);
                v.visit.done_at = Some(now);
                v.visit.note = Some(note.clone()).filter(|n| !n.is_empty());
                if v.visit.status == WelfareStatus::Due {
                    v.visit.status = WelfareStatus::Done;
                }
            }
        });
        #[cfg(feature = "hydrate")]
        if let Some(pid) = chosen.get_untracked() {
            let _ = crate::offline::store::browser::write_signed_in(&crate::offline::store::keys::desk("welfare", pid), &visits.get_untracked());
        }
        let record = RecordWelfareVisit { mode, done_at: now, note: Some(note).filter(|n| !n.is_empty()) };
        enqueue(d, label, Write::RecordWelfareVisit { id, record: Body::new(&record) });
    };
    view! {
        <section class="panel welfare-desk">
            <h2>"每周探访"</h2>
            <p class="muted">"80 岁以上独居或空巢、经济困难且失能的老人，每周至少探访一次（上门、电话或视频）。"</p>
            {move || {
                let list = visits.get();
                if list.is_empty() {
                    return view! { <p class="muted">"目前没有需要探访的老人。"</p> }.into_any();
                }
                view! {
                    <ul class="inbox-list">{list.into_iter().map(|v| view! { <WelfareItem v record d /> }).collect_view()}</ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn WelfareItem(
    v: ProviderWelfareVisit,
    record: impl Fn(i64, WelfareMode, String, String) + Copy + Send + Sync + 'static,
    d: Device,
) -> impl IntoView {
    let id = v.visit.id;
    let entity = entity::welfare_visit(id);
    let pending = move || d.is_sending(&entity);
    let mode = RwSignal::new(WelfareMode::Phone.code().to_string());
    let note = RwSignal::new(String::new());
    let e = v.elder.clone();
    let label = format!("记录探访：{}", e.name);
    let open = v.visit.done_at.is_none();
    view! {
        <li class=format!("inbox-item welfare {}", v.visit.status.code()) data-visit-id=id>
            <p class="what"><strong>{e.name.clone()}</strong>{format!("（{}）", v.reason)}</p>
            <p>{format!("{} · {}", e.address_detail, e.phone)}</p>
            <p class="state">{crate::pages::care::my_orders::week_line(&v.visit)}</p>
            {move || pending().then(|| view! { <p class="pending-tag">"已保存在本机，待发送"</p> })}
            {open.then(|| view! {
                <div class="row">
                    <label>"方式"
                        <select name="mode" on:change=move |ev| mode.set(event_target_value(&ev)) prop:value=move || mode.get()>
                            {WelfareMode::ALL.iter().map(|m| view! { <option value=m.code()>{m.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"记录" <input type="text" name="note" maxlength="300" bind:value=note /></label>
                </div>
                <button class="primary" on:click=move |_| {
                    let m = WelfareMode::from_code(&mode.get_untracked()).unwrap_or(WelfareMode::Phone);
                    record(id, m, note.get_untracked().trim().to_string(), label.clone());
                }>"记录探访"</button>
            })}
        </li>
    }
}

#[component]
fn OrderItem(
    o: ProviderOrder,
    act: impl Fn(String, OrderDecision, OrderStatus, String) + Copy + Send + Sync + 'static,
    d: Device,
    carers: RwSignal<Vec<Carer>>,
    drafts: RwSignal<std::collections::HashMap<String, (String, String)>>,
) -> impl IntoView {
    let v = o.order.clone();
    let e = o.elder.clone();
    let id = v.id.clone();
    let entity = entity::order_decision(&id);
    let (m0, c0) = drafts.with_untracked(|m| m.get(&id).cloned().unwrap_or_default());
    let message = RwSignal::new(m0);
    let carer = RwSignal::new(c0);
    // the pick is kept at once (the list may be replaced before an effect would run)
    let pick = {
        let id = id.clone();
        move |c: String| {
            carer.set(c.clone());
            drafts.update_untracked(|m| m.entry(id.clone()).or_default().1 = c);
        }
    };
    {
        let id = id.clone();
        Effect::new(move |_| {
            let draft = (message.get(), carer.get());
            drafts.update_untracked(|m| {
                m.insert(id.clone(), draft);
            });
        });
    }
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let pending = move || d.is_sending(&entity);
    let who = format!("{}（{} 岁）· {} · {}", e.name, e.age, e.address_detail, e.phone);
    let declared = {
        let mut parts = vec![];
        if let Some(l) = e.capability_level {
            parts.push(l.label().to_string());
        }
        parts.extend(e.categories.iter().map(|c| c.label().to_string()));
        (!parts.is_empty()).then(|| format!("家属申报：{}（{}）", parts.join("、"), if v.category_confirmed { "已核实" } else { "待核实" }))
    };
    let decide = {
        let (id, label) = (id.clone(), format!("{} · {} {}", v.item.label(), e.name, when(&v.date, &v.start, &v.end)));
        StoredValue::new(move |action: OrderAction, to: OrderStatus| {
            let m = message.get_untracked().trim().to_string();
            let c = carer.get_untracked().parse::<i64>().ok();
            let mut errs = vec![];
            if action == OrderAction::Decline && m.is_empty() {
                errs.push(FieldError { field: "message".into(), message: "拒绝时请写明原因，家属会看到".into() });
            }
            if action == OrderAction::Assign && c.is_none() {
                errs.push(FieldError { field: "carer_id".into(), message: "请选择护理员".into() });
            }
            if !errs.is_empty() {
                errors.set(errs);
                return;
            }
            errors.set(vec![]);
            let verb = match action {
                OrderAction::Accept => "接单",
                OrderAction::Decline => "拒绝",
                OrderAction::Assign => "派单",
                OrderAction::ConfirmCategory => "核实身份",
            };
            let decision = OrderDecision { action, carer_id: c.filter(|_| action == OrderAction::Assign), message: Some(m).filter(|m| !m.is_empty()) };
            act(id.clone(), decision, to, format!("{verb}：{label}"));
        })
    };
    let status = v.status;
    let needs_check = v.quote.needs_confirmation && !v.category_confirmed;
    view! {
        <li class="inbox-item order-item" class:new=status == OrderStatus::Submitted data-order-id=id.clone() data-status=status.code()>
            <p class="what"><strong>{v.item.label()}</strong>{format!(" · {}", when(&v.date, &v.start, &v.end))}
                " · " <span class="state">{status.label()}</span>
                {v.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}</p>
            <p>{who}</p>
            {v.meal_mode.map(|m| view! { <p>{format!("用餐方式：{}", m.label())}</p> })}
            <p>{format!("价格 {} 元：家庭 {} 元，{} {} 元", v.quote.market_price_yuan, v.quote.family_pays_yuan,
                v.quote.payer.map(|p| p.label()).unwrap_or("补贴"), v.quote.public_pays_yuan)}</p>
            {declared.map(|t| view! { <p class="grounds">{t}</p> })}
            {v.carer.clone().map(|c| view! { <p class="carer">{format!("已派：{} · {}", c.name, c.level)}</p> })}
            {v.check_in.as_ref().map(|s| view! { <p class="stamp check-in" class:flagged=s.flagged>{stamp_line("签到", s)}</p> })}
            {v.check_out.as_ref().map(|s| view! { <p class="stamp check-out" class:flagged=s.flagged>{stamp_line("签退", s)}</p> })}
            <TaskList tasks=v.tasks.clone() />
            {v.rating.map(|r| view! { <p class="rating-given">{format!("家属评价：{}{}", "★".repeat(r as usize), v.rating_comment.clone().map(|c| format!(" {c}")).unwrap_or_default())}</p> })}
            <p class="muted">{move || format!("{}下单", crate::rules::format::ago(v.created_at, use_now()))}</p>
            {move || pending().then(|| view! { <p class="pending-tag">"已保存在本机，待发送"</p> })}
            {matches!(status, OrderStatus::Submitted | OrderStatus::Accepted | OrderStatus::Assigned).then(|| view! {
                <label>"给家属的留言（拒绝时必填）" <input type="text" name="message" maxlength="200" bind:value=message /></label>
                <FieldMsg errors field="message" />
                {matches!(status, OrderStatus::Accepted | OrderStatus::Assigned).then(|| view! {
                    <label>
                        "护理员"
                        <select name="carer_id" on:change=move |ev| pick(event_target_value(&ev)) prop:value=move || carer.get()>
                            <option value="">"请选择"</option>
                            {move || {
                                let today = crate::model::requests::beijing_today(use_now());
                                carers.get().into_iter().map(|c| {
                                    let expired = !c.certified_on(today);
                                    let text = format!("{} · {} · {}{}", c.name, c.level, c.certificate_no, if expired { "（证书已过期）" } else { "" });
                                    view! { <option value=c.id.to_string() disabled=expired>{text}</option> }
                                }).collect_view()
                            }}
                        </select>
                    </label>
                    <FieldMsg errors field="carer_id" />
                })}
                <div class="row decide">
                    {(status == OrderStatus::Submitted).then(|| view! {
                        <button class="primary" on:click=move |_| decide.with_value(|f| f(OrderAction::Accept, OrderStatus::Accepted))>"接单"</button>
                    })}
                    {matches!(status, OrderStatus::Accepted | OrderStatus::Assigned).then(|| view! {
                        <button class="primary" on:click=move |_| decide.with_value(|f| f(OrderAction::Assign, OrderStatus::Assigned))>"派单"</button>
                    })}
                    {needs_check.then(|| view! {
                        <button on:click=move |_| decide.with_value(|f| f(OrderAction::ConfirmCategory, status))>"已核实身份"</button>
                    })}
                    <button on:click=move |_| decide.with_value(|f| f(OrderAction::Decline, OrderStatus::Declined))>"拒绝"</button>
                </div>
            })}
        </li>
    }
    .into_any()
}
