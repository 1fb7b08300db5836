//! `/places/:id/ask?kind=visit|trial|application` — a parent asks a place for a visit,
//! a free trial or a place. Works offline: the place and its timeslots come from the device
//! when there is no network, and the request is saved on the device and sent by the
//! outbox. Only a name and a mobile number are asked, with consent in plain words.

use crate::app::use_now;
use crate::components::badges::SampleTag;
use crate::components::field_msg::FieldMsg;
use crate::net::data::use_data;
use crate::offline::sync::{submit_request, use_device};
use crate::model::requests::{age_fits, beijing_today, weekday_label, NewRequest, RequestView, TimeslotOpening, TimeslotsResponse};
use crate::model::{FieldError, PlaceDetail, PriorityGround, RequestKind, RequestStatus};
use crate::model::privacy::{self, Purpose};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The next two weeks of a place's timeslots: from the server, else as last fetched on this device.
pub fn use_timeslots(place_id: impl Fn() -> Option<i64> + Send + Sync + 'static) -> RwSignal<Option<(TimeslotsResponse, bool)>> {
    let timeslots = RwSignal::new(None::<(TimeslotsResponse, bool)>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(id) = place_id() else { return };
        leptos::task::spawn_local(async move {
            let key = crate::offline::store::keys::timeslots(id);
            match crate::net::client::ApiClient::same_origin().timeslots(id).await {
                Ok(s) => {
                    let _ = crate::offline::store::browser::write(&key, &s);
                    timeslots.set(Some((s, false)));
                }
                Err(_) => timeslots.set(crate::offline::store::browser::read::<TimeslotsResponse>(&key).map(|s| (s, true))),
            }
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = place_id;
    timeslots
}

/// "11月24日 周二 10:00–10:30"
pub fn when(date: &str, start: &str, end: &str) -> String {
    let md = crate::rules::format::parse_ymd(date)
        .map(|d| {
            use chrono::Datelike;
            format!("{}月{}日 {}", d.month(), d.day(), weekday_label(d.weekday().number_from_monday() as u8))
        })
        .unwrap_or_else(|| date.to_string());
    format!("{md} {start}–{end}")
}

/// The openings as radio buttons ("11月24日 周二 10:00–10:30 · 余 2 个"); full ones cannot be
/// chosen. The value is "timeslot_id|date".
#[component]
pub fn TimeslotChoices(list: Vec<TimeslotOpening>, chosen: RwSignal<String>) -> impl IntoView {
    list.into_iter()
        .map(|o| {
            let value = format!("{}|{}", o.timeslot_id, o.date);
            let full = o.available() == 0;
            let v2 = value.clone();
            let left = if full { "已约满".to_string() } else { format!("余 {} 个", o.available()) };
            view! {
                <label class="check timeslot" class:full=full>
                    <input type="radio" name="timeslot" value=value.clone() disabled=full
                        on:change=move |_| chosen.set(v2.clone()) prop:checked=move || chosen.get() == value />
                    <span>{when(&o.date, &o.start, &o.end)}</span>
                    <small>{left}</small>
                </label>
            }
        })
        .collect_view()
}

#[component]
pub fn AskPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let ds = use_data();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).filter(|&id| id > 0);
    let kind = move || query.read().get("kind").and_then(|k| RequestKind::from_code(&k)).unwrap_or(RequestKind::Visit);
    let place = Resource::new(id, move |id| {
        let fut = id.map(|id| ds.place(id));
        async move {
            match fut {
                Some(f) => f.await.ok(),
                None => None,
            }
        }
    });
    let timeslots = use_timeslots(id);
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在载入…"</p> }>
            {move || Suspend::new(async move {
                match place.await {
                    Some(p) => view! { <AskForm p kind=kind() timeslots /> }.into_any(),
                    None => view! {
                        <section class="panel">
                            <h1>"找不到这家机构"</h1>
                            <p>"这家机构不存在，或者本机还没有它的资料（需要联网打开一次）。"</p>
                            <a href="/">"返回首页"</a>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AskForm(p: PlaceDetail, kind: RequestKind, timeslots: RwSignal<Option<(TimeslotsResponse, bool)>>) -> impl IntoView {
    let d = use_device();
    // Only in the browser: a local value made during server rendering would be
    // dropped on another thread when the streamed page finishes.
    #[cfg(feature = "hydrate")]
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    let place_id = p.summary.id;
    let place_name = p.summary.name.clone();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let timeslot = RwSignal::new(String::new()); // "timeslot_id|date"
    let birth = RwSignal::new(String::new());
    let start = RwSignal::new(String::new());
    let class_id = RwSignal::new(p.summary.classes.first().map(|c| c.id.to_string()).unwrap_or_default());
    let puhui = RwSignal::new(false);
    let grounds: Vec<(PriorityGround, RwSignal<bool>)> = PriorityGround::ALL.iter().map(|g| (*g, RwSignal::new(false))).collect();
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let consent_child = RwSignal::new(false);
    let classes = p.summary.classes.clone();
    let openings = move || -> Vec<TimeslotOpening> {
        timeslots.with(|s| s.as_ref().map(|(s, _)| s.openings.iter().filter(|o| o.kind == kind).cloned().collect()).unwrap_or_default())
    };

    let grounds_submit = grounds.clone();
    let classes_submit = classes.clone();
    let pname = place_name.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let now = chrono::Utc::now();
        let (timeslot_id, timeslot_date) = match timeslot.get_untracked().split_once('|') {
            Some((a, b)) => (a.parse::<i64>().ok(), Some(b.to_string())),
            None => (None, None),
        };
        let is_app = kind == RequestKind::Application;
        let cid = class_id.get_untracked().parse::<i64>().ok();
        #[cfg(feature = "hydrate")]
        let id = crate::offline::store::browser::new_id();
        #[cfg(not(feature = "hydrate"))]
        let id = String::new();
        let new = NewRequest {
            id,
            place_id,
            kind,
            timeslot_id: timeslot_id.filter(|_| !is_app),
            timeslot_date: timeslot_date.clone().filter(|_| !is_app),
            class_id: cid.filter(|_| is_app),
            child_birth_month: Some(birth.get_untracked()).filter(|_| is_app),
            start_month: Some(start.get_untracked()).filter(|_| is_app),
            puhui: is_app && puhui.get_untracked(),
            priority_grounds: if is_app { grounds_submit.iter().filter(|(_, on)| on.get_untracked()).map(|(g, _)| *g).collect() } else { vec![] },
            contact_name: name.get_untracked().trim().to_string(),
            contact_phone: phone.get_untracked().trim().to_string(),
            consent: consent.get_untracked(),
            consents: [(Purpose::Contact, consent.get_untracked()), (Purpose::ChildData, is_app && consent_child.get_untracked())]
                .into_iter()
                .filter(|(_, on)| *on)
                .map(|(p, _)| privacy::current(p).given())
                .collect(),
        };
        let mut e = new.validate(beijing_today(now));
        let class = cid.and_then(|c| classes_submit.iter().find(|x| x.id == c));
        if is_app && e.iter().all(|f| f.field != "child_birth_month" && f.field != "start_month") {
            if let (Some(c), Some(b), Some(s)) = (class, &new.child_birth_month, &new.start_month) {
                if let Err(m) = age_fits(c.age_band, b, s) {
                    e.push(FieldError { field: "child_birth_month".into(), message: m });
                }
            }
        }
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        let opening = openings().into_iter().find(|o| Some(o.timeslot_id) == new.timeslot_id && Some(&o.date) == new.timeslot_date.as_ref());
        let local = RequestView {
            id: new.id.clone(),
            place_id,
            place_name: pname.clone(),
            kind,
            status: RequestStatus::Submitted,
            timeslot_date: new.timeslot_date.clone(),
            timeslot_start: opening.as_ref().map(|o| o.start.clone()),
            timeslot_end: opening.as_ref().map(|o| o.end.clone()),
            age_band: class.filter(|_| is_app).map(|c| c.age_band),
            care_mode: class.filter(|_| is_app).map(|c| c.care_mode),
            start_month: new.start_month.clone(),
            waitlist_position: None,
            message: None,
            created_at: now,
            updated_at: now,
            is_sample: true,
        };
        submit_request(d, &new, local, format!("{} {}", kind.label(), pname));
        #[cfg(feature = "hydrate")]
        navigate.with_value(|n| n("/requests", Default::default()));
    };

    let kinds = [RequestKind::Visit, RequestKind::Trial, RequestKind::Application];
    let consent_text = privacy::current(Purpose::Contact).render(&place_name, kind.label());
    let child_text = privacy::current(Purpose::ChildData).render(&place_name, kind.label());
    let tel = format!("tel:{}", p.phone.chars().filter(|c| c.is_ascii_digit()).collect::<String>());
    let phone_label = p.phone.clone();
    view! {
        <Title text=format!("{} · {}", kind.label(), place_name) />
        <section class="panel ask">
            <p class="back"><a href=format!("/places/{place_id}")>"← 返回机构"</a></p>
            <h1>{kind.label()} <SampleTag is_sample=p.summary.is_sample /></h1>
            <p class="muted">{place_name.clone()}</p>
            <nav class="kinds" aria-label="类型">
                {kinds
                    .into_iter()
                    .map(|k| {
                        view! {
                            <a href=format!("/places/{place_id}/ask?kind={}", k.code()) aria-current=(k == kind).then_some("page")>
                                {k.label()}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <form class="ask-form" on:submit=submit novalidate>
                {(kind != RequestKind::Application).then(|| view! {
                    <fieldset class="timeslots">
                        <legend>"选择时段"</legend>
                        {move || timeslots.with(|s| s.as_ref().filter(|(_, cached)| *cached).map(|(s, _)| {
                            let at = s.generated_at;
                            view! { <p class="cached-note">{move || format!("离线：名额为{}的情况，提交后以机构确认为准。", crate::rules::format::ago(at, use_now()))}</p> }
                        }))}
                        {move || {
                            if timeslots.with(|s| s.is_none()) {
                                return view! { <p class="muted">"正在读取可预约的时段…（离线且从未打开过时无法预约，请联网后再试）"</p> }.into_any();
                            }
                            let list = openings();
                            if list.is_empty() {
                                return view! {
                                    <p class="muted">
                                        {format!("近两周没有开放{}的时段。可以打电话问问：", kind.label())}
                                        <a href=tel.clone()>{phone_label.clone()}</a>
                                    </p>
                                }
                                .into_any();
                            }
                            view! { <TimeslotChoices list chosen=timeslot /> }.into_any()
                        }}
                    </fieldset>
                    <FieldMsg errors field="timeslot" />
                })}
                {(kind == RequestKind::Application).then(|| view! {
                    <label>"孩子的出生年月" <input type="month" name="child_birth_month" bind:value=birth /></label>
                    <FieldMsg errors field="child_birth_month" />
                    <label>"希望入托的月份" <input type="month" name="start_month" bind:value=start /></label>
                    <FieldMsg errors field="start_month" />
                    <label>
                        "班级与托育形式"
                        <select name="class_id" on:change=move |ev| class_id.set(event_target_value(&ev)) prop:value=move || class_id.get()>
                            {classes.iter().map(|c| view! {
                                <option value=c.id.to_string()>
                                    {format!("{} · {} · 空位 {}", c.age_band.label_with_ages(), c.care_mode.label(), c.vacancies)}
                                </option>
                            }).collect_view()}
                        </select>
                    </label>
                    <FieldMsg errors field="class_id" />
                    {p.summary.puhui.then(|| view! {
                        <label class="check">
                            <input type="checkbox" bind:checked=puhui />
                            {format!("申请普惠托位（{} / 月）", p.summary.puhui_fee_yuan.map(crate::rules::format::yuan).unwrap_or_default())}
                        </label>
                    })}
                    <fieldset class="grounds">
                        <legend>"优先情形（如有，可多选）"</legend>
                        <p class="muted">"符合下列情形的困境婴幼儿可优先安排。只需勾选，机构会另行核实，现在不用上传材料。"</p>
                        {grounds.iter().map(|&(g, on)| view! {
                            <label class="check"><input type="checkbox" bind:checked=on />{g.label()}</label>
                        }).collect_view()}
                    </fieldset>
                    <label class="check consent">
                        <input type="checkbox" name="consent_child" bind:checked=consent_child />
                        <span>{child_text}</span>
                    </label>
                    <FieldMsg errors field="consents.child_data" />
                })}
                <label>"联系人称呼" <input type="text" name="contact_name" autocomplete="name" placeholder="如：王女士" bind:value=name /></label>
                <FieldMsg errors field="contact_name" />
                <label>"手机号" <input type="tel" name="contact_phone" inputmode="numeric" autocomplete="tel" bind:value=phone /></label>
                <FieldMsg errors field="contact_phone" />
                <label class="check consent">
                    <input type="checkbox" name="consent" bind:checked=consent />
                    <span>{consent_text}</span>
                </label>
                <FieldMsg errors field="consents.contact" />
                <p class="muted"><a href="/privacy">"个人信息保护说明"</a></p>
                <button class="primary" type="submit">"提交"</button>
                <p class="muted">"没有网络时也可以提交：会先保存在本机，联网后自动发送，只送达一次。"</p>
            </form>
        </section>
    }
    .into_any()
}
