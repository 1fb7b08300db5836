//! The desk's inbox of parents' requests (new first) and the place's weekly timeslots.
//! Decisions and timeslot changes go through the outbox like every operator write; the
//! full phone number is fetched only on request (online), and the server logs it.

use crate::app::use_now;
use crate::components::field_msg::FieldMsg;
use crate::offline::sync::{discard_entity, enqueue, use_device, Device};
use crate::pages::parents::ask::when;
use crate::model::requests::{weekday_label, Decision, InboxItem, Timeslot, TimeslotCreate};
use crate::model::{DecisionAction, FieldError, RequestKind, RequestStatus};
use crate::offline::write::{Body, Write};
use crate::offline::write::entity;
use leptos::prelude::*;

/// Requests for the chosen place, new ones first.
#[component]
pub fn InboxPanel(chosen: RwSignal<Option<i64>>, can_write: bool) -> impl IntoView {
    let d = use_device();
    let items = RwSignal::new(Vec::<InboxItem>::new());
    let offline = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    {
        let fetch = |c: crate::net::client::ApiClient, pid| async move { c.operator_requests(pid).await };
        crate::offline::follow_desk_list(d, move || chosen.get(), "requests", Some(entity::DECISIONS), fetch, move |list, got| {
            offline.set(got == crate::offline::Got::Offline);
            items.set(list);
        });
    }
    // A decision: shown at once, kept on the tablet, sent through the outbox.
    let decide = move |id: String, action: DecisionAction, to: RequestStatus, message: Option<String>, label: String| {
        items.update(|list| {
            if let Some(i) = list.iter_mut().find(|i| i.view.id == id) {
                i.view.status = to;
                if message.is_some() {
                    i.view.message = message.clone();
                }
            }
        });
        #[cfg(feature = "hydrate")]
        if let Some(pid) = chosen.get_untracked() {
            let _ = crate::offline::store::browser::write_signed_in(&crate::offline::store::keys::desk("requests", pid), &items.get_untracked());
        }
        enqueue(d, label, Write::DecideRequest { id: id.clone(), decision: Body::new(&Decision { action, message }) });
    };
    #[cfg(not(feature = "hydrate"))]
    let _ = chosen;
    let new_count = move || items.with(|l| l.iter().filter(|i| i.view.status == RequestStatus::Submitted).count());
    view! {
        <section class="panel inbox">
            <h2>
                "预约与申请"
                {move || (new_count() > 0).then(|| view! { <span class="new-count">{format!("{} 条新", new_count())}</span> })}
            </h2>
            {move || offline.get().then(|| view! { <p class="cached-note">"离线：以下为本机上次读取的申请。"</p> })}
            {move || {
                let list = items.get();
                if list.is_empty() {
                    return view! { <p class="muted">"暂时没有家长的预约或申请。"</p> }.into_any();
                }
                view! {
                    <ul class="inbox-list">
                        {list.into_iter().map(|i| view! { <InboxRow i decide d can_write /> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn InboxRow(
    i: InboxItem,
    decide: impl Fn(String, DecisionAction, RequestStatus, Option<String>, String) + Copy + Send + Sync + 'static,
    d: Device,
    can_write: bool,
) -> impl IntoView {
    let v = i.view.clone();
    let id = v.id.clone();
    let entity = entity::decision(&id);
    let message = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let phone = RwSignal::new(None::<Result<String, String>>);
    let who = format!("{} {}", i.contact_name, i.contact_phone_masked);
    let what = match v.kind {
        RequestKind::Application => format!(
            "{} · {} · {}入托{}",
            v.age_band.map(|b| b.label()).unwrap_or(""),
            v.care_mode.map(|m| m.label()).unwrap_or(""),
            v.start_month.clone().unwrap_or_default(),
            i.child_age_months.map(|a| format!("（届时 {a} 个月）")).unwrap_or_default()
        ),
        _ => match (&v.timeslot_date, &v.timeslot_start, &v.timeslot_end) {
            (Some(d), Some(s), Some(e)) => when(d, s, e),
            _ => String::new(),
        },
    };
    let grounds = (!i.priority_grounds.is_empty()).then(|| {
        format!("申报优先情形（待核实）：{}", i.priority_grounds.iter().map(|g| g.label()).collect::<Vec<_>>().join("、"))
    });
    let status_text = match (v.status, v.waitlist_position) {
        (RequestStatus::Waitlisted, Some(n)) => format!("候补第 {n} 位"),
        (s, _) => s.label().to_string(),
    };
    let ent = entity.clone();
    let pending = move || d.is_sending(&ent);
    let ent = entity.clone();
    let refused = move || d.refused_of(&ent);
    let act = {
        let (id, who) = (id.clone(), who.clone());
        let kind = v.kind;
        move |action: DecisionAction, to: RequestStatus| {
            let m = message.get_untracked().trim().to_string();
            if action == DecisionAction::Decline && m.is_empty() {
                errors.set(vec![FieldError { field: "message".into(), message: "不通过时请写明原因，家长会看到".into() }]);
                return;
            }
            errors.set(vec![]);
            decide(id.clone(), action, to, Some(m).filter(|m| !m.is_empty()), format!("{}：{} {}", action.label(), kind.label(), who));
        }
    };
    let act = StoredValue::new(act);
    let reveal = {
        let _id = id.clone();
        move |_| {
            #[cfg(feature = "hydrate")]
            {
                let id = _id.clone();
                let csrf = crate::offline::store::browser::read::<crate::model::LoginResponse>(crate::offline::store::KEY_SESSION).map(|s| s.csrf_token);
                leptos::task::spawn_local(async move {
                    let c = crate::net::client::ApiClient::same_origin();
                    let key = crate::offline::store::browser::device_key();
                    let path = format!("/api/v1/operator/requests/{id}/reveal");
                    let id = crate::offline::store::browser::new_id();
                    let r = c.send_write(crate::net::client::Outgoing::new("POST", &path, &key, &id).csrf(csrf.as_deref())).await;
                    phone.set(Some(match r {
                        Ok(a) if a.status == 200 => Ok(a.body["contact_phone"].as_str().unwrap_or_default().to_string()),
                        Ok(a) => Err(a.body["message"].as_str().unwrap_or("无法查看").to_string()),
                        Err(_) => Err("查看完整号码需要联网".into()),
                    }));
                });
            }
        }
    };
    let (status, kind) = (v.status, v.kind);
    let is_app = kind == RequestKind::Application;
    let vac = i.class_vacancies;
    view! {
        <li class="inbox-item" class:new=status == RequestStatus::Submitted data-request-id=id.clone() data-status=status.code()>
            <p class="what">
                <strong>{kind.label()}</strong>
                " · "
                <span class="state">{status_text}</span>
                {v.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}
            </p>
            <p>{what}</p>
            {grounds.map(|g| view! { <p class="grounds">{g}</p> })}
            {i.puhui.then(|| view! { <p>"申请普惠托位"</p> })}
            <p class="who">
                {format!("联系人：{} ", i.contact_name)}
                {move || match phone.get() {
                    Some(Ok(p)) => view! { <a class="phone" href=format!("tel:{p}")>{p.clone()}</a> }.into_any(),
                    Some(Err(e)) => view! { <span class="masked">{i.contact_phone_masked.clone()}</span> <span class="field-error">{e}</span> }.into_any(),
                    None => view! { <span class="masked">{i.contact_phone_masked.clone()}</span> }.into_any(),
                }}
            </p>
            {v.message.clone().map(|m| view! { <p class="answer">{format!("留言：{m}")}</p> })}
            <p class="muted">{move || format!("{}提交", crate::rules::format::ago(v.created_at, use_now()))}</p>
            {move || pending().then(|| view! { <p class="pending-tag">"已保存在本机，待发送"</p> })}
            {move || refused().map(|x| {
                let ent = x.entity();
                view! {
                    <div class="conflict refused" role="alert">
                        <p>{format!("服务器未接受：{}", x.last_error.clone().unwrap_or_default())}</p>
                        <button on:click=move |_| {
                            discard_entity(d, &ent);
                            d.delivered.update(|n| *n += 1);
                        }>"放弃这个处理，重新读取"</button>
                    </div>
                }
            })}
            {(can_write && status.is_open()).then(|| view! {
                <label>"给家长的留言（不通过时必填）" <input type="text" name="message" maxlength="200" bind:value=message /></label>
                <FieldMsg errors field="message" />
                <div class="row decide">
                    {(!is_app && status == RequestStatus::Submitted).then(|| view! {
                        <button class="primary" on:click=move |_| act.with_value(|a| a(DecisionAction::Accept, RequestStatus::Confirmed))>"接受"</button>
                    })}
                    {(is_app && matches!(status, RequestStatus::Submitted | RequestStatus::Waitlisted)).then(|| view! {
                        <button class="primary" on:click=move |_| act.with_value(|a| a(DecisionAction::Offer, RequestStatus::Offered))>
                            {format!("录取（空位 {}）", vac.unwrap_or(0))}
                        </button>
                    })}
                    {(is_app && status == RequestStatus::Submitted).then(|| view! {
                        <button on:click=move |_| act.with_value(|a| a(DecisionAction::Waitlist, RequestStatus::Waitlisted))>"列入候补"</button>
                    })}
                    <button on:click=move |_| act.with_value(|a| a(DecisionAction::Decline, RequestStatus::Declined))>"不通过"</button>
                </div>
            })}
            {(can_write && matches!(status, RequestStatus::Confirmed | RequestStatus::Offered)).then(|| view! {
                <button class="reveal" on:click=reveal>"显示完整手机号（会记录查看）"</button>
            })}
        </li>
    }
    .into_any()
}

/// The place's weekly visit and trial timeslots: add one, switch one off.
#[component]
pub fn TimeslotsPanel(place_id: i64) -> impl IntoView {
    let d = use_device();
    let timeslots = RwSignal::new(Vec::<Timeslot>::new());
    #[cfg(feature = "hydrate")]
    {
        let fetch = |c: crate::net::client::ApiClient, pid| async move { c.operator_timeslots(pid).await };
        crate::offline::follow_desk_list(d, move || Some(place_id), "timeslots", None, fetch, move |v, _| timeslots.set(v));
    }
    let kind = RwSignal::new(RequestKind::Visit.code().to_string());
    let weekday = RwSignal::new("2".to_string());
    let start = RwSignal::new("10:00".to_string());
    let end = RwSignal::new("10:30".to_string());
    let capacity = RwSignal::new("3".to_string());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let entity = entity::timeslots(place_id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = TimeslotCreate {
            kind: RequestKind::from_code(&kind.get_untracked()).unwrap_or(RequestKind::Visit),
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
        let label = format!("新增{}时段 {} {}–{}", new.kind.label(), weekday_label(new.weekday), new.start, new.end);
        enqueue(d, label, Write::CreateTimeslot { place_id, timeslot: Body::new(&new) });
    };
    let ent = entity.clone();
    let pending = move || d.queued_of(&ent).into_iter().map(|x| x.label).collect::<Vec<_>>();
    view! {
        <ul class="timeslot-list">
            {move || timeslots.get().into_iter().map(|s| {
                let label = format!("{} · {} {}–{} · 每次 {} 人", s.kind.label(), weekday_label(s.weekday), s.start, s.end, s.capacity);
                let lbl = format!("停用时段 {label}");
                let id = s.id;
                view! {
                    <li class:inactive=!s.active data-timeslot-id=id>
                        {label.clone()}
                        {(!s.active).then_some("（已停用）")}
                        {s.active.then(|| view! {
                            <button class="timeslot-off" on:click=move |_| enqueue(d, lbl.clone(), Write::DeactivateTimeslot { place_id, timeslot_id: id })>
                                "停用"
                            </button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
        {move || pending().into_iter().map(|l| view! { <p class="pending-tag">{format!("已保存在本机，待发送：{l}")}</p> }).collect_view()}
        <form class="timeslot-form" on:submit=submit novalidate>
            <div class="row">
                <label>
                    "类型"
                    <select name="kind" on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=move || kind.get()>
                        <option value="visit">"预约参观"</option>
                        <option value="trial">"免费入托体验"</option>
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
                <label>"每次人数" <input type="number" name="capacity" min="1" inputmode="numeric" bind:value=capacity /></label>
            </div>
            <FieldMsg errors field="weekday" />
            <FieldMsg errors field="start" />
            <FieldMsg errors field="end" />
            <FieldMsg errors field="capacity" />
            <button class="primary" type="submit">"新增时段"</button>
        </form>
    }
    .into_any()
}
