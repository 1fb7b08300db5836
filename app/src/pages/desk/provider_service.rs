//! A provider's 居家上门服务 on the desk (besides orders and carers): the items it offers with
//! duration and price — change, stop or start one —, the weekly timeslots of each item with a
//! capacity, and the area it serves (a radius, or 街道 of its district). Every change goes
//! through the outbox: a queued one shows at once as saved on this tablet, not yet sent.

use crate::components::field_msg::FieldMsg;
use crate::model::requests::weekday_label;
use crate::model::service_desk::{HomeSlotCreate, ItemSet, ProviderService, ServiceArea};
use crate::model::{FieldError, MealMode, ServiceItem};
use crate::offline::sync::{enqueue, use_device};
use crate::offline::write::{entity, Body, Write};
use leptos::prelude::*;

#[component]
pub fn ServicePanel(chosen: RwSignal<Option<i64>>) -> impl IntoView {
    let d = use_device();
    let service = RwSignal::new(ProviderService::default());
    let offline = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let fetch = |c: crate::net::client::ApiClient, pid| async move { c.provider_service(pid).await };
        crate::offline::follow_desk_list(d, move || chosen.get(), "service", None, fetch, move |v, got| {
            offline.set(got == crate::offline::Got::Offline);
            service.set(v);
        });
    }
    let pending = move || {
        let Some(pid) = chosen.get() else { return vec![] };
        d.queued_of(&entity::service(pid)).into_iter().map(|x| (x.label, x.quarantined, x.last_error)).collect::<Vec<_>>()
    };
    view! {
        <section class="panel service-desk">
            <h2>"服务项目、时段与服务范围"</h2>
            {move || offline.get().then(|| view! { <p class="cached-note">"离线：以下为本机上次读取的内容；修改会保存在本机，联网后发送。"</p> })}
            {move || pending().into_iter().map(|(l, set_aside, why)| if set_aside {
                view! { <p class="field-error" role="alert">{format!("未能发送：{l}（{}）。请在“待发送”中查看。", why.unwrap_or_default())}</p> }.into_any()
            } else {
                view! { <p class="pending-tag">{format!("已保存在本机，待发送：{l}")}</p> }.into_any()
            }).collect_view()}
            <h3>"服务项目与价格"</h3>
            <ItemsEditor chosen service />
            <h3>"每周上门时段"</h3>
            <SlotsEditor chosen service />
            <h3>"服务范围"</h3>
            <AreaEditor chosen service />
        </section>
    }
    .into_any()
}

/// One row per catalogue item: offered ones with their duration and price, the others to start.
#[component]
fn ItemsEditor(chosen: RwSignal<Option<i64>>, service: RwSignal<ProviderService>) -> impl IntoView {
    let d = use_device();
    let editing = RwSignal::new(None::<ServiceItem>);
    let minutes = RwSignal::new(String::new());
    let price = RwSignal::new(String::new());
    let modes = RwSignal::new(Vec::<MealMode>::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let open = move |item: ServiceItem| {
        let now = service.with_untracked(|s| s.items.iter().find(|i| i.item.item == item).cloned());
        minutes.set(now.as_ref().map(|i| i.item.duration_min.to_string()).unwrap_or_else(|| "60".into()));
        price.set(now.as_ref().map(|i| i.item.market_price_yuan.to_string()).unwrap_or_default());
        modes.set(now.map(|i| i.item.meal_modes).unwrap_or_default());
        errors.set(vec![]);
        editing.set(Some(item));
    };
    let send = move |item: ServiceItem, set: ItemSet, label: String| {
        let Some(pid) = chosen.get_untracked() else { return };
        // shown at once as it will be (the server answers the same once the write arrives)
        service.update(|s| {
            let offer = crate::model::service_desk::ItemOffer {
                item: crate::model::ProviderItem { item, duration_min: set.duration_min, market_price_yuan: set.market_price_yuan, meal_modes: set.meal_modes.clone() },
                offered: set.offered,
            };
            match s.items.iter_mut().find(|i| i.item.item == item) {
                Some(i) => *i = offer,
                None => {
                    s.items.push(offer);
                    s.items.sort_by_key(|i| i.item.item);
                }
            }
        });
        enqueue(d, label, Write::SetProviderItem { provider_id: pid, set: Body::new(&set) });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(item) = editing.get_untracked() else { return };
        let set = ItemSet {
            item,
            duration_min: minutes.get_untracked().trim().parse().unwrap_or(0),
            market_price_yuan: price.get_untracked().trim().trim_end_matches('元').parse().unwrap_or(u32::MAX),
            meal_modes: if item == ServiceItem::Meal { modes.get_untracked() } else { vec![] },
            offered: true,
        };
        let e = set.validate();
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        let label = format!("{}：{} 分钟 · {} 元/次", item.label(), set.duration_min, set.market_price_yuan);
        send(item, set, label);
        editing.set(None);
    };
    let orderable: Vec<ServiceItem> = ServiceItem::ALL.iter().copied().filter(|i| *i != ServiceItem::Emergency).collect();
    view! {
        <ul class="item-list">
            {move || orderable.iter().copied().map(|item| {
                let offer = service.with(|s| s.items.iter().find(|i| i.item.item == item).cloned());
                let offered = offer.as_ref().is_some_and(|o| o.offered);
                let what = match &offer {
                    Some(o) => {
                        let mut t = format!("{} 分钟 · {} 元/次", o.item.duration_min, o.item.market_price_yuan);
                        if !o.item.meal_modes.is_empty() {
                            t += &format!(" · {}", o.item.meal_modes.iter().map(|m| m.label()).collect::<Vec<_>>().join("、"));
                        }
                        if !o.offered { t += "（已停止）"; }
                        t
                    }
                    None => "未提供".to_string(),
                };
                let stop = move |_| {
                    if let Some(o) = service.with_untracked(|s| s.items.iter().find(|i| i.item.item == item).cloned()) {
                        let set = ItemSet { item, duration_min: o.item.duration_min, market_price_yuan: o.item.market_price_yuan, meal_modes: o.item.meal_modes, offered: false };
                        send(item, set, format!("停止提供{}", item.label()));
                    }
                };
                view! {
                    <li class:inactive=!offered data-item=item.code()>
                        <span class="item-name">{item.label()}</span>
                        <span class="item-price">{what}</span>
                        <span class="item-actions">
                            <button type="button" on:click=move |_| open(item)>{if offered { "修改" } else { "开通" }}</button>
                            {offered.then(|| view! { <button type="button" class="danger" on:click=stop>"停止"</button> })}
                        </span>
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || editing.get().map(|item| view! {
            <form class="item-form" on:submit=save novalidate>
                <p><strong>{item.label()}</strong></p>
                <div class="row">
                    <label>"每次时长（分钟）" <input type="number" name="duration_min" min="5" inputmode="numeric" bind:value=minutes /></label>
                    <label>"市场价（元/次）" <input type="number" name="market_price_yuan" min="0" inputmode="numeric" bind:value=price /></label>
                </div>
                <FieldMsg errors field="duration_min" />
                <FieldMsg errors field="market_price_yuan" />
                {(item == ServiceItem::Meal).then(|| view! {
                    <fieldset class="checks">
                        <legend>"助餐方式"</legend>
                        {MealMode::ALL.iter().copied().map(|m| view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || modes.with(|v| v.contains(&m))
                                    on:change=move |ev| { let on = event_target_checked(&ev); modes.update(|v| { v.retain(|x| *x != m); if on { v.push(m); v.sort(); } }); } />
                                {m.label()}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <FieldMsg errors field="meal_modes" />
                })}
                <div class="row">
                    <button class="primary" type="submit">"保存"</button>
                    <button type="button" on:click=move |_| editing.set(None)>"取消"</button>
                </div>
            </form>
        })}
    }
}

/// The weekly windows: add one for an offered item, switch one off.
#[component]
fn SlotsEditor(chosen: RwSignal<Option<i64>>, service: RwSignal<ProviderService>) -> impl IntoView {
    let d = use_device();
    let item = RwSignal::new(String::new());
    let weekday = RwSignal::new("1".to_string());
    let start = RwSignal::new("09:00".to_string());
    let end = RwSignal::new("11:00".to_string());
    let capacity = RwSignal::new("2".to_string());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    // the item groups shown open (kept while the list refreshes under them)
    let open_groups = RwSignal::new(Vec::<ServiceItem>::new());
    let offered = move || service.with(|s| s.items.iter().filter(|i| i.offered).map(|i| i.item.item).collect::<Vec<_>>());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(pid) = chosen.get_untracked() else { return };
        let code = item.get_untracked();
        let new = HomeSlotCreate {
            item: ServiceItem::from_code(&code).or_else(|| offered().first().copied()).unwrap_or(ServiceItem::Emergency),
            weekday: weekday.get_untracked().parse().unwrap_or(0),
            start: start.get_untracked(),
            end: end.get_untracked(),
            capacity: capacity.get_untracked().trim().parse().unwrap_or(0),
        };
        let e = new.validate();
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        let label = format!("新增时段 {} {} {}–{} 每次 {} 单", new.item.label(), weekday_label(new.weekday), new.start, new.end, new.capacity);
        open_groups.update(|g| if !g.contains(&new.item) { g.push(new.item) });
        enqueue(d, label, Write::CreateHomeSlot { provider_id: pid, slot: Body::new(&new) });
    };
    view! {
        {move || {
            let slots = service.with(|s| s.timeslots.clone());
            if slots.is_empty() {
                return view! { <p class="muted">"还没有时段：家属下单时需要选择时段。"</p> }.into_any();
            }
            // one group per item (a provider has dozens of windows a week), open ones counted
            let mut items: Vec<ServiceItem> = slots.iter().map(|s| s.item).collect();
            items.sort();
            items.dedup();
            items.into_iter().map(|item| {
                let of: Vec<_> = slots.iter().filter(|s| s.item == item).cloned().collect();
                let open = of.iter().filter(|s| s.active).count();
                view! {
                    <details class="slot-group" data-item=item.code() prop:open=move || open_groups.with(|g| g.contains(&item))>
                        <summary on:click=move |ev| {
                            ev.prevent_default();
                            open_groups.update(|g| if g.contains(&item) { g.retain(|x| *x != item) } else { g.push(item) });
                        }>{format!("{} · {open} 个时段开放{}", item.label(), if of.len() > open { format!("（{} 个已停用）", of.len() - open) } else { String::new() })}</summary>
                        <ul class="timeslot-list">
                            {of.into_iter().map(|s| {
                                let id = s.id;
                                let label = s.label();
                                let off = format!("停用时段 {label}");
                                view! {
                                    <li class:inactive=!s.active data-home-slot-id=id>
                                        {label.clone()}
                                        {(!s.active).then_some("（已停用）")}
                                        {s.active.then(|| view! {
                                            <button class="timeslot-off" type="button" on:click=move |_| {
                                                let Some(pid) = chosen.get_untracked() else { return };
                                                service.update(|x| if let Some(t) = x.timeslots.iter_mut().find(|t| t.id == id) { t.active = false; });
                                                enqueue(d, off.clone(), Write::DeactivateHomeSlot { provider_id: pid, slot_id: id });
                                            }>"停用"</button>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </details>
                }
            }).collect_view().into_any()
        }}
        <form class="timeslot-form" on:submit=submit novalidate>
            <div class="row">
                <label>
                    "服务项目"
                    <select name="item" on:change=move |ev| item.set(event_target_value(&ev))>
                        {move || offered().into_iter().map(|i| view! { <option value=i.code() selected=move || item.get() == i.code()>{i.label()}</option> }).collect_view()}
                    </select>
                </label>
                <label>
                    "星期"
                    <select name="weekday" on:change=move |ev| weekday.set(event_target_value(&ev)) prop:value=move || weekday.get()>
                        {(1..=7u8).map(|w| view! { <option value=w.to_string()>{weekday_label(w)}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            <div class="row3">
                <label>"开始" <input type="time" name="start" bind:value=start /></label>
                <label>"结束" <input type="time" name="end" bind:value=end /></label>
                <label>"每次可接单" <input type="number" name="capacity" min="1" inputmode="numeric" bind:value=capacity /></label>
            </div>
            <FieldMsg errors field="item" />
            <FieldMsg errors field="weekday" />
            <FieldMsg errors field="start" />
            <FieldMsg errors field="end" />
            <FieldMsg errors field="capacity" />
            <button class="primary" type="submit" disabled=move || offered().is_empty()>"新增时段"</button>
        </form>
    }
}

/// Radius or 街道 of the district.
#[component]
fn AreaEditor(chosen: RwSignal<Option<i64>>, service: RwSignal<ProviderService>) -> impl IntoView {
    let d = use_device();
    let by_radius = RwSignal::new(true);
    let radius = RwSignal::new(String::new());
    let streets = RwSignal::new(Vec::<String>::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    // the form follows what is kept (a sync or another tablet's change)
    Effect::new(move |_| {
        let a = service.with(|s| s.area.clone());
        by_radius.set(a.radius_m.is_some());
        radius.set(a.radius_m.map(|m| m.to_string()).unwrap_or_else(|| "3000".into()));
        streets.set(a.street_ids);
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(pid) = chosen.get_untracked() else { return };
        let area = if by_radius.get_untracked() {
            ServiceArea { radius_m: Some(radius.get_untracked().trim().parse().unwrap_or(0)), street_ids: vec![] }
        } else {
            ServiceArea { radius_m: None, street_ids: streets.get_untracked() }
        };
        let e = area.validate();
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        let label = format!("服务范围：{}", service.with_untracked(|s| area.text(&s.streets)));
        service.update(|s| s.area = area.clone());
        enqueue(d, label, Write::SetServiceArea { provider_id: pid, area: Body::new(&area) });
    };
    view! {
        <p class="area-now">{move || service.with(|s| format!("现在：{}", s.area.text(&s.streets)))}</p>
        <form class="area-form" on:submit=submit novalidate>
            <fieldset class="checks">
                <legend>"按什么划定"</legend>
                <label class="check">
                    <input type="radio" name="area_kind" prop:checked=move || by_radius.get() on:change=move |_| by_radius.set(true) />
                    "机构周围的距离"
                </label>
                <label class="check">
                    <input type="radio" name="area_kind" prop:checked=move || !by_radius.get() on:change=move |_| by_radius.set(false) />
                    "指定街道"
                </label>
            </fieldset>
            {move || if by_radius.get() {
                view! {
                    <label>"服务半径（米）" <input type="number" name="radius_m" min="100" max="50000" inputmode="numeric" bind:value=radius /></label>
                    <FieldMsg errors field="radius_m" />
                }.into_any()
            } else {
                view! {
                    <fieldset class="checks streets">
                        <legend>"服务的街道"</legend>
                        {service.with(|s| s.streets.clone()).into_iter().map(|s| {
                            let id = s.id.clone();
                            let id2 = s.id.clone();
                            view! {
                                <label class="check">
                                    <input type="checkbox" prop:checked=move || streets.with(|v| v.contains(&id))
                                        on:change=move |ev| { let on = event_target_checked(&ev); let id = id2.clone(); streets.update(|v| { v.retain(|x| *x != id); if on { v.push(id); v.sort(); } }); } />
                                    {s.name}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <FieldMsg errors field="street_ids" />
                }.into_any()
            }}
            <button class="primary" type="submit">"保存服务范围"</button>
        </form>
    }
}
