//! The carer's phone (`/carer`, or `/operator` signed in with a carer account): the visits
//! from yesterday to a week ahead; 签到 at the door and 签退 when leaving, each keeping the
//! time of the tap and taking the position only at that tap; the tasks done or not done
//! with a reason. Every tap goes through the outbox, so a visit without signal is kept on
//! the phone and reaches the server later with its own time.

use crate::components::field_msg::FieldMsg;
use crate::components::visit::{stamp_line, TaskList};
use crate::offline::sync::{enqueue, use_device, Device};
use crate::model::orders::{default_tasks, CheckIn, CheckOut, OrderStatus, ProviderOrder, VisitStamp, VisitTask};
use crate::pages::parents::ask::when;
use crate::model::{FieldError, LoginResponse};
use chrono::{DateTime, Utc};
use crate::offline::write::{Body, Write};
use crate::offline::write::entity;
use leptos::prelude::*;

/// The phone's copy of one carer's visits (per account: a shared phone never shows one
/// carer's list to another; removed at 退出登录).
pub fn key_visits(user_id: i64) -> String {
    crate::offline::store::keys::carer_visits(user_id)
}

#[component]
pub fn CarerDesk(session: RwSignal<Option<LoginResponse>>, s: LoginResponse) -> impl IntoView {
    let d = use_device();
    let visits = RwSignal::new(Vec::<ProviderOrder>::new());
    let loaded = RwSignal::new(false);
    let offline = RwSignal::new(false);
    let key = StoredValue::new(key_visits(s.user.id));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        d.delivered.track();
        leptos::task::spawn_local(async move {
            // Taps still on the phone: what the phone shows is newer than the server's.
            let c = crate::net::client::ApiClient::same_origin();
            let fetch = c.carer_visits();
            match crate::offline::desk_cached(&key.get_value(), Some((d, entity::VISITS)), fetch).await {
                (_, crate::offline::Got::SignedOut) => crate::pages::desk::operator::signed_out(session),
                (list, got) => {
                    offline.set(got == crate::offline::Got::Offline);
                    visits.set(list);
                }
            }
            loaded.set(true);
        });
    });
    let name = s.user.display_name.clone();
    view! {
        <header class="desk-head">
            <h1>"我的上门任务"</h1>
            <p>{name}</p>
            <crate::pages::desk::operator::LogoutButton session />
        </header>
        <p class="muted">"到达老人家门口时点“签到”，离开时点“签退”：只在这两次点击时取位置，时间以点击为准，没有信号也会先保存在手机上。"</p>
        {move || offline.get().then(|| view! { <p class="cached-note">"离线：以下为手机上次读取的任务。"</p> })}
        {move || {
            if !loaded.get() {
                return view! { <p class="loading">"正在读取任务…"</p> }.into_any();
            }
            if visits.with(|l| l.is_empty()) {
                return view! { <p class="empty">"近期没有派给您的上门任务。"</p> }.into_any();
            }
            view! {
                <ul class="visit-list">
                    // keyed by visit and state: a tap on one card (or a refresh) leaves the
                    // others, and their half-filled tasks, as they are
                    <For each=move || visits.get() key=|v| (v.order.id.clone(), v.order.status) let:v>
                        <VisitCard v visits d key />
                    </For>
                </ul>
            }.into_any()
        }}
    }
}

/// Applies a tap to the phone's copy of the list at once.
fn update_local(visits: RwSignal<Vec<ProviderOrder>>, key: StoredValue<String>, id: &str, f: impl FnOnce(&mut ProviderOrder)) {
    // try_: the desk may have been left (signed out) while the position was being taken;
    // the tap itself is queued by the caller either way.
    let _ = visits.try_update(|l| {
        if let Some(v) = l.iter_mut().find(|v| v.order.id == id) {
            f(v);
        }
    });
    #[cfg(feature = "hydrate")]
    if let (Some(k), Some(list)) = (key.try_get_value(), visits.try_get_untracked()) {
        let _ = crate::offline::store::browser::write_signed_in(&k, &list);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = key;
}

/// Takes the position now (GCJ-02), or none with the reason; then `then`.
fn with_position(then: impl FnOnce(Option<(f64, f64)>, Option<String>) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let then = std::rc::Rc::new(std::cell::RefCell::new(Some(then)));
        let t2 = then.clone();
        crate::pages::parents::home::browser::locate(
            move |w| {
                let g = crate::rules::geo::wgs84_to_gcj02(w);
                if let Some(f) = then.borrow_mut().take() {
                    f(Some((g.lat, g.lng)), None);
                }
            },
            move |e| {
                if let Some(f) = t2.borrow_mut().take() {
                    f(None, Some(e));
                }
            },
        );
    }
    #[cfg(not(feature = "hydrate"))]
    then(None, None);
}

/// A visit on another day than today: asks before checking in (no undo).
fn confirm_other_day(day: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let text = format!("这是 {} 的任务，不是今天的。确定现在签到吗？", when(day, "", "").trim_end_matches(|c| c == ' ' || c == '–'));
        web_sys::window().and_then(|w| w.confirm_with_message(&text).ok()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = day;
        false
    }
}

fn stamp_for(home: (f64, f64), at: DateTime<Utc>, pos: Option<(f64, f64)>) -> VisitStamp {
    let distance_m = pos.map(|(lat, lng)| crate::rules::geo::distance_m(crate::rules::geo::LatLng::new(lat, lng), crate::rules::geo::LatLng::new(home.0, home.1)));
    VisitStamp::new(at, at, distance_m)
}

#[component]
fn VisitCard(v: ProviderOrder, visits: RwSignal<Vec<ProviderOrder>>, d: Device, key: StoredValue<String>) -> impl IntoView {
    let o = v.order.clone();
    let e = v.elder.clone();
    let id = o.id.clone();
    let entity = entity::visit(&id);
    let pending = {
        let entity = entity.clone();
        move || d.is_sending(&entity)
    };
    let locating = RwSignal::new(None::<String>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let tasks = RwSignal::new(default_tasks(o.item).iter().map(|t| (t.to_string(), true, String::new())).collect::<Vec<_>>());
    let note = RwSignal::new(String::new());
    let label = format!("{} · {} {}", o.item.label(), e.name, when(&o.date, &o.start, &o.end));
    // Plain values: the position callback may come after this card is gone.
    let home = (e.lat, e.lng);
    let visit_day = o.date.clone();

    let check_in = {
        let (id, label) = (id.clone(), label.clone());
        move |_| {
            let tapped = Utc::now();
            let today = crate::rules::format::ymd(crate::model::requests::beijing_today(tapped));
            if visit_day != today && !confirm_other_day(&visit_day) {
                return;
            }
            locating.set(Some("正在定位…".into()));
            let (id, label) = (id.clone(), label.clone());
            with_position(move |pos, err| {
                let _ = locating.try_set(err.map(|e| format!("{e}。签到已按点击时间记录，未带位置。")));
                let stamp = stamp_for(home, tapped, pos);
                update_local(visits, key, &id, |v| {
                    v.order.status = OrderStatus::InService;
                    v.order.check_in = Some(stamp);
                });
                let check_in = CheckIn { tapped_at: tapped, lat: pos.map(|p| p.0), lng: pos.map(|p| p.1) };
                enqueue(d, format!("签到：{label}"), Write::CheckIn { order_id: id.clone(), check_in: Body::new(&check_in) });
            });
        }
    };
    let check_out = {
        let (id, label) = (id.clone(), label.clone());
        move |_| {
            let tapped = Utc::now();
            let list: Vec<VisitTask> = tasks
                .get_untracked()
                .into_iter()
                .map(|(task, done, reason)| VisitTask { task, done, reason: Some(reason).filter(|r| !r.trim().is_empty() && !done) })
                .collect();
            let n = note.get_untracked();
            let draft = CheckOut { tapped_at: tapped, lat: None, lng: None, tasks: list.clone(), note: Some(n.clone()).filter(|n| !n.trim().is_empty()) };
            let errs = draft.validate();
            if !errs.is_empty() {
                errors.set(errs);
                return;
            }
            errors.set(vec![]);
            locating.set(Some("正在定位…".into()));
            let (id, label) = (id.clone(), label.clone());
            with_position(move |pos, err| {
                let _ = locating.try_set(err.map(|e| format!("{e}。签退已按点击时间记录，未带位置。")));
                let stamp = stamp_for(home, tapped, pos);
                let body = CheckOut { lat: pos.map(|p| p.0), lng: pos.map(|p| p.1), ..draft };
                update_local(visits, key, &id, |v| {
                    v.order.status = OrderStatus::Completed;
                    v.order.check_out = Some(stamp);
                    v.order.tasks = body.tasks.clone();
                    v.order.carer_note = body.note.clone();
                });
                enqueue(d, format!("签退：{label}"), Write::CheckOut { order_id: id.clone(), check_out: Body::new(&body) });
            });
        }
    };

    let status = o.status;
    let phone = e.phone.clone();
    let tel = format!("tel:{}", phone.chars().filter(|c| c.is_ascii_digit()).collect::<String>());
    let level = e.capability_level.map(|l| format!(" · {}", l.label())).unwrap_or_default();
    view! {
        <li class="visit" data-order-id=id.clone() data-status=status.code()>
            <p class="what"><strong>{o.item.label()}</strong>{format!(" · {}", when(&o.date, &o.start, &o.end))}
                " · " <span class="state">{status.label()}</span>
                {o.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}</p>
            <p>{format!("{}（{} 岁{}）", e.name, e.age, level)}</p>
            <p class="address">{e.address_detail.clone()}</p>
            <p><a class="button call" href=tel>{format!("拨打 {phone}")}</a></p>
            {o.meal_mode.map(|m| view! { <p>{format!("用餐方式：{}", m.label())}</p> })}
            {o.check_in.as_ref().map(|s| view! { <p class="stamp check-in" class:flagged=s.flagged>{stamp_line("签到", s)}</p> })}
            {o.check_out.as_ref().map(|s| view! { <p class="stamp check-out" class:flagged=s.flagged>{stamp_line("签退", s)}</p> })}
            {move || locating.get().map(|t| view! { <p class="cached-note" role="status">{t}</p> })}
            {move || pending().then(|| view! { <p class="pending-tag">"已保存在手机上，待发送"</p> })}
            {(status == OrderStatus::Assigned).then(|| view! {
                <button class="primary big" on:click=check_in.clone()>"签到（已到老人家门口）"</button>
            })}
            {(status == OrderStatus::InService).then(|| view! {
                <fieldset class="tasks">
                    <legend>"服务内容"</legend>
                    {move || tasks.get().into_iter().enumerate().map(|(i, (task, done, reason))| {
                        view! {
                            <div class="task">
                                <p>{task.clone()}</p>
                                <div class="row">
                                    <label class="check"><input type="radio" name=format!("task-{i}") checked=done
                                        on:change=move |_| tasks.update(|t| t[i].1 = true) />"已完成"</label>
                                    <label class="check"><input type="radio" name=format!("task-{i}") checked=!done
                                        on:change=move |_| tasks.update(|t| t[i].1 = false) />"未完成"</label>
                                </div>
                                {(!done).then(|| view! {
                                    <label>"未完成的原因"
                                        <input type="text" maxlength="100" prop:value=reason
                                            on:change=move |ev| { let v = event_target_value(&ev); tasks.update(|t| t[i].2 = v) } />
                                    </label>
                                })}
                                <FieldMsg errors field=format!("tasks.{i}.reason") />
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
                <label>"服务记录（选填）" <textarea name="note" maxlength="300" bind:value=note></textarea></label>
                <FieldMsg errors field="note" />
                <button class="primary big" on:click=check_out.clone()>"签退（服务结束）"</button>
            })}
            <TaskList tasks=o.tasks.clone() />
        </li>
    }
}
