//! `/operator` — the front desk's tablet: sign in, pick a place, keep each class's
//! vacancies true with large −/+ buttons and 确认无变化. Every tap is shown at once
//! and goes through the outbox as "from N to M at version V"; if the value moved on
//! the server meanwhile, the tablet shows both values and lets the operator choose.

use crate::app::use_now;
use crate::offline::sync::{discard_entity, enqueue, use_device, Device};
use crate::rules::format::confirmed_ago;
use crate::pages::desk::operator_forms::{AddClassForm, ClassEditForm, PlaceEditForm};
use crate::pages::desk::operator_inbox::{InboxPanel, TimeslotsPanel};
use crate::offline::store::OutboxItem;
use crate::model::{ClassEdit, ClassState, LoginResponse, OperatorPlace, Role, VacancyChange};
use crate::offline::write::{Body, Write};
use crate::offline::write::entity;
use crate::components::local_data::WithLocalData;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OperatorPage() -> impl IntoView {
    let session = desk_session();
    view! {
        <Title text="机构工作台 · 一老一小" />
        <section class="operator">
            <WithLocalData>
                {move || {
                    match session.get() {
                        None => view! { <LoginForm session /> }.into_any(),
                        Some(s) if s.user.role == Role::Admin => view! { <ToAdmin /> }.into_any(),
                        Some(s) if s.user.role == Role::Supervisor => view! { <ToSupervise /> }.into_any(),
                        Some(s) if s.user.carer_id.is_some() => {
                            view! { <crate::pages::desk::carer::CarerDesk session s /> }.into_any()
                        }
                        Some(s) => view! { <Desk session s /> }.into_any(),
                    }
                }}
            </WithLocalData>
        </section>
    }
}

/// The account signed in on this device (kept in the local store; read once it is ready).
pub(crate) fn desk_session() -> RwSignal<Option<LoginResponse>> {
    let session = RwSignal::new(None::<LoginResponse>);
    #[cfg(feature = "hydrate")]
    {
        let d = use_device();
        Effect::new(move |_| {
            if d.ready.get() {
                session.set(crate::offline::store::browser::read(crate::offline::store::KEY_SESSION));
            }
        });
    }
    session
}

/// An admin signed in here: the admin's desk is its own page (and bundle), `/admin`.
#[component]
fn ToAdmin() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().replace("/admin");
        }
    });
    view! {
        <p class="loading">
            "正在打开平台管理… " <a href="/admin">"平台管理"</a>
        </p>
    }
}

/// A supervisor signed in here: their desk is `/supervise`.
#[component]
fn ToSupervise() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.location().replace("/supervise");
        }
    });
    view! {
        <p class="loading">
            "正在打开监管工作台… " <a href="/supervise">"监管工作台"</a>
        </p>
    }
}

#[component]
pub(crate) fn LoginForm(session: RwSignal<Option<LoginResponse>>, #[prop(default = "机构工作台登录")] title: &'static str) -> impl IntoView {
    #[cfg(not(feature = "hydrate"))]
    let _ = session;
    let d = use_device();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            match c.login(username.get_untracked().trim(), &password.get_untracked()).await {
                Ok(r) => {
                    let _ = crate::offline::store::browser::write(crate::offline::store::KEY_SESSION, &r);
                    session.set(Some(r));
                    crate::offline::sync::resume_after_login(d);
                }
                Err(crate::net::client::ClientError::Network(_)) => error.set(Some("登录需要联网，请连接网络后再试".into())),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="panel login" on:submit=submit>
            <h1>{title}</h1>
            <label>
                "用户名"
                <input name="username" autocomplete="username" required bind:value=username />
            </label>
            <label>
                "密码"
                <input name="password" type="password" autocomplete="current-password" required bind:value=password />
            </label>
            {move || {
                let n = d.waiting_for_login();
                (n > 0).then(|| view! { <p class="login-note" role="status">{format!("有 {n} 条修改需要重新登录：登录后自动发送。")}</p> })
            }}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <button class="primary" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "正在登录…" } else { "登录" }}
            </button>
            <p class="muted">"示例账号见 README（仅示例数据）。"</p>
        </form>
    }
}

/// The server says the session has ended: forget it on this device (the sign-in form shows).
#[cfg(feature = "hydrate")]
pub(crate) fn signed_out(session: RwSignal<Option<LoginResponse>>) {
    crate::offline::store::browser::remove(crate::offline::store::KEY_SESSION);
    session.set(None);
}

#[component]
fn Desk(session: RwSignal<Option<LoginResponse>>, s: LoginResponse) -> impl IntoView {
    let d = use_device();
    let places = RwSignal::new(Vec::<OperatorPlace>::new());
    let places_loaded = RwSignal::new(false);
    let providers = RwSignal::new(Vec::<crate::model::orders::OperatorProvider>::new());
    let chosen = RwSignal::new(None::<i64>);
    let classes = RwSignal::new(Vec::<ClassState>::new());
    let note = RwSignal::new(None::<String>);

    // Places and classes: from the server when online, else as last seen on this tablet.
    #[cfg(feature = "hydrate")]
    {
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            let fetch = c.operator_providers();
            providers.set(crate::offline::desk_cached(crate::offline::store::keys::DESK_PROVIDERS, None, fetch).await.0);
        });
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            let fetch = c.operator_places();
            match crate::offline::desk_cached(crate::offline::store::keys::DESK_PLACES, None, fetch).await {
                (_, crate::offline::Got::SignedOut) => signed_out(session),
                (p, _) => {
                    if chosen.get_untracked().is_none() {
                        chosen.set(p.first().map(|x| x.id));
                    }
                    places.set(p);
                    places_loaded.set(true);
                }
            }
        });
        // Unsent taps stay on top of what the server says.
        let fetch = |c: crate::net::client::ApiClient, pid| async move { c.operator_classes(pid).await };
        crate::offline::follow_desk_list(d, move || chosen.get(), "classes", Some(entity::CLASSES), fetch, move |v, _| classes.set(v));
    }
    let save_local = move || {
        #[cfg(feature = "hydrate")]
        if let Some(pid) = chosen.get_untracked() {
            let _ = crate::offline::store::browser::write_signed_in(&crate::offline::store::keys::desk("classes", pid), &classes.get_untracked());
        }
    };

    // A tap: show it, queue "from → to at version", expect the next version.
    let set = move |class_id: i64, change: VacancyChange, to: i64, label: String| {
        classes.update(|cs| {
            if let Some(c) = cs.iter_mut().find(|c| c.class_id == class_id) {
                c.vacancies = to;
                // the version the server will have once this write lands
                c.version = change.version.unwrap_or(c.version) + 1;
            }
        });
        save_local();
        enqueue(d, label, Write::SetVacancies { class_id, change: Body::new(&change) });
    };

    // An edit of a class's figures: show it, queue it on the version shown.
    let edit = move |class_id: i64, e: ClassEdit, label: String| {
        classes.update(|cs| {
            if let Some(c) = cs.iter_mut().find(|c| c.class_id == class_id) {
                c.capacity = e.capacity;
                c.enrolled = e.enrolled;
                c.vacancies = e.vacancies;
                c.version = e.version + 1;
            }
        });
        save_local();
        enqueue(d, label, Write::EditClass { class_id, edit: Body::new(&e) });
    };
    let can_write = s.user.role != Role::Supervisor;


    let name = s.user.display_name.clone();
    view! {
        <header class="desk-head">
            <h1>"机构工作台"</h1>
            <p>{format!("{name}（{}）", s.user.role.label())}</p>
            <LogoutButton session />
        </header>
        {move || note.get().map(|n| view! { <p class="cached-note">{n}</p> })}
        {move || (!providers.with(|p| p.is_empty())).then(|| view! { <crate::pages::desk::operator_orders::ProviderDesk providers /> })}
        {move || (places_loaded.get() && places.with(|p| p.is_empty()) && providers.with(|p| p.is_empty())).then(|| view! {
            <p class="cached-note empty-desk">"本机构还没有登记托育点。请联系平台管理员把托育点登记到本机构名下。"</p>
        })}
        <div class="desk">
            <nav class="desk-places" aria-label="我的托育点">
                {move || {
                    places
                        .get()
                        .into_iter()
                        .map(|p| {
                            let id = p.id;
                            view! {
                                <button
                                    class="place-pick"
                                    class:active=move || chosen.get() == Some(id)
                                    on:click=move |_| chosen.set(Some(id))
                                >
                                    {p.name.clone()}
                                    <small>{p.street_name.clone()}</small>
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </nav>
            <div class="desk-classes">
                {move || {
                    classes
                        .get()
                        .into_iter()
                        .map(|c| view! { <ClassRow c set edit d can_write /> })
                        .collect_view()
                }}
                <PendingNewClasses chosen />
            </div>
        </div>
        {move || chosen.get().is_some().then(|| view! { <InboxPanel chosen can_write /> })}
        {move || {
            let pid = chosen.get()?;
            can_write
                .then(|| {
                    view! {
                        <details class="panel desk-more">
                            <summary>"参观 / 体验时段"</summary>
                            <TimeslotsPanel place_id=pid />
                        </details>
                        <details class="panel desk-more">
                            <summary>"新增班级（班级 × 托育形式）"</summary>
                            <AddClassForm place_id=pid classes />
                        </details>
                        <details class="panel desk-more">
                            <summary>"机构信息：开放时间、电话、托育形式与收费"</summary>
                            <PlaceEditForm place_id=pid />
                        </details>
                    }
                })
        }}
        {(!can_write).then(|| view! { <p class="cached-note">"监管账号只能查看，不能修改。"</p> })}
        <AuditList chosen />
    }
}

/// One audit entry in words.
fn audit_text(action: &str, d: &serde_json::Value) -> String {
    let figs = |v: &serde_json::Value| format!("托位 {} · 在托 {} · 空位 {}", v["capacity"], v["enrolled"], v["vacancies"]);
    let class_name = |v: &serde_json::Value| {
        let band = v["age_band"].as_str().and_then(crate::model::AgeBand::from_code).map(|b| b.label()).unwrap_or("班级");
        let mode = v["care_mode"].as_str().and_then(crate::model::CareMode::from_code).map(|m| m.label()).unwrap_or("");
        format!("{band} · {mode}")
    };
    match action {
        "confirm_unchanged" => format!("确认无变化（{}）", d["to"]),
        "vacancy_set" | "vacancy_delta" => format!("空位 {} → {}", d["from"], d["to"]),
        "class_edit" => format!("{} → {}", figs(&d["before"]), figs(&d["after"])),
        "class_create" => format!("新增 {}（{}）", class_name(d), figs(d)),
        "place_edit" => {
            let a = &d["after"];
            let fees: Vec<String> = a["care_modes"]
                .as_array()
                .map(|m| {
                    m.iter()
                        .map(|x| {
                            let mode = x["care_mode"].as_str().and_then(crate::model::CareMode::from_code).map(|m| m.label()).unwrap_or("");
                            format!("{mode} {} 元", x["fee_yuan"])
                        })
                        .collect()
                })
                .unwrap_or_default();
            format!("修改机构信息：{} · {} · {}", a["opening_hours"].as_str().unwrap_or(""), a["phone"].as_str().unwrap_or(""), fees.join("、"))
        }
        other => other.to_string(),
    }
}

/// 退出登录 — asking first when this account still has writes on the device: send them
/// (online) and then sign out, or drop them and sign out. They would never be sent under
/// the next person's session.
#[component]
pub fn LogoutButton(session: RwSignal<Option<LoginResponse>>) -> impl IntoView {
    let d = use_device();
    let asking = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let me = move || session.with(|s| s.as_ref().map(|s| s.user.id));
    let left = move || me().map(|id| crate::offline::sync::queued_by(d, id)).unwrap_or(0);
    // 发送后再退出: out as soon as the last one is delivered
    Effect::new(move |_| {
        if sending.get() && left() == 0 {
            sending.set(false);
            asking.set(false);
            logout(session);
        }
    });
    let click = move |_| {
        if left() > 0 {
            asking.set(true);
        } else {
            logout(session);
        }
    };
    let send_then_out = move |_| {
        sending.set(true);
        crate::offline::sync::flush(d);
    };
    let discard_and_out = move |_| {
        if let Some(id) = me() {
            crate::offline::sync::discard_account(d, id);
        }
        asking.set(false);
        logout(session);
    };
    view! {
        <button class="logout" on:click=click>"退出登录"</button>
        {move || asking.get().then(|| view! {
            <div class="logout-ask panel" role="alertdialog" aria-label="还有未发送的修改">
                <p><strong>{move || format!("还有 {} 条未发送", left())}</strong>"：退出后它们不会以下一位同事的账号发送。"</p>
                {move || (sending.get() && !d.online.get()).then(|| view! { <p class="error">"没有网络，暂时发不出去：联网后再发送，或放弃并退出。"</p> })}
                {move || (sending.get() && d.online.get()).then(|| view! { <p class="muted" role="status">"正在发送…"</p> })}
                <div class="row">
                    <button class="primary" on:click=send_then_out disabled=move || sending.get()>"发送后再退出"</button>
                    <button class="danger" on:click=discard_and_out>"放弃并退出"</button>
                    <button on:click=move |_| { sending.set(false); asking.set(false); }>"取消"</button>
                </div>
            </div>
        })}
    }
}

/// Ends the session on the server (best effort) and on this device.
pub fn logout(session: RwSignal<Option<LoginResponse>>) {
    #[cfg(feature = "hydrate")]
    {
        let csrf = session.get_untracked().map(|s| s.csrf_token).unwrap_or_default();
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            let key = crate::offline::store::browser::device_key();
            let id = crate::offline::store::browser::new_id();
            let _ = c.send_write(crate::net::client::Outgoing::new("POST", "/api/v1/auth/logout", &key, &id).csrf(Some(&csrf))).await;
        });
        // What this account read on the shared tablet goes with it: inboxes, orders with
        // elder profiles, carers' lists.
        crate::offline::store::browser::remove_prefix(crate::offline::store::keys::DESK_PREFIX);
        crate::offline::store::browser::remove_prefix(crate::offline::store::keys::CARER_PREFIX);
        crate::offline::store::browser::remove(crate::offline::store::KEY_SESSION);
        // and the service worker's copies of what it saw (pwa.js: the supervisors' charts)
        if let (Some(w), Ok(e)) = (web_sys::window(), web_sys::Event::new("yilao-signed-out")) {
            let _ = w.dispatch_event(&e);
        }
    }
    session.set(None);
}

/// New classes saved on this tablet and not yet on the server.
#[component]
fn PendingNewClasses(chosen: RwSignal<Option<i64>>) -> impl IntoView {
    let d = use_device();
    move || {
        let Some(pid) = chosen.get() else { return vec![] };
        d.outbox.with(|o| {
            let entity = entity::new_class(pid);
            o.iter()
                .filter(|i| i.entity() == entity)
                .map(|i| {
                    let state = if i.quarantined {
                        format!("服务器未接受：{}（可在“待发送”页重试或丢弃）", i.last_error.clone().unwrap_or_default())
                    } else {
                        "已保存在本机，待发送".to_string()
                    };
                    view! {
                        <article class="class-row new-class">
                            <h2>{i.label.clone()}</h2>
                            <p class="pending-tag" class:refused=i.quarantined>{state}</p>
                        </article>
                    }
                })
                .collect::<Vec<_>>()
        })
    }
}

/// What changed at the chosen place and who did it (kept server-side for every write).
#[component]
fn AuditList(chosen: RwSignal<Option<i64>>) -> impl IntoView {
    let d = use_device();
    let entries = RwSignal::new(Vec::<crate::model::AuditEntry>::new());
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        d.delivered.track();
        let Some(pid) = chosen.get() else { return };
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            if let Ok(list) = c.operator_audit(pid).await {
                entries.set(list);
            }
        });
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (d, chosen);
    view! {
        <section class="panel">
            <h2>"修改记录"</h2>
            {move || {
                let list = entries.get();
                if list.is_empty() {
                    return view! { <p class="muted">"暂无记录（需联网查看）。"</p> }.into_any();
                }
                view! {
                    <ul class="audit">
                        {list
                            .into_iter()
                            .map(|e| {
                                let what = audit_text(&e.action, &e.detail);
                                let how = match e.detail["resolution"].as_str() {
                                    Some("kept_mine") => " · 冲突：采用本机的值",
                                    Some("took_theirs") => " · 冲突：采用服务器的值",
                                    _ => "",
                                };
                                view! {
                                    <li>
                                        {move || format!("{} · {} · {what}{how}", crate::rules::format::ago(e.at, use_now()), e.user)}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn ClassRow(
    c: ClassState,
    set: impl Fn(i64, VacancyChange, i64, String) + Copy + Send + Sync + 'static,
    edit: impl Fn(i64, ClassEdit, String) + Copy + Send + Sync + 'static,
    d: Device,
    can_write: bool,
) -> impl IntoView {
    let id = c.class_id;
    let max = c.capacity - c.enrolled;
    let label = format!("{} · {}", c.age_band.label_with_ages(), c.care_mode.label());
    let (v, ver) = (c.vacancies, c.version);
    let lbl = label.clone();
    let minus = move |_| {
        if v > 0 {
            set(id, VacancyChange { from: Some(v), to: Some(v - 1), version: Some(ver), ..Default::default() }, v - 1, format!("{lbl} 空位 {v}→{}", v - 1));
        }
    };
    let lbl = label.clone();
    let plus = move |_| {
        if v < max {
            set(id, VacancyChange { from: Some(v), to: Some(v + 1), version: Some(ver), ..Default::default() }, v + 1, format!("{lbl} 空位 {v}→{}", v + 1));
        }
    };
    let lbl = label.clone();
    let confirm = move |_| {
        set(id, VacancyChange { confirm: true, version: Some(ver), ..Default::default() }, v, format!("{lbl} 确认无变化（{v}）"));
    };
    let entity = entity::class(id);
    let ent = entity.clone();
    let conflict = move || -> Option<OutboxItem> { d.refused_of(&ent).filter(|i| i.conflict.is_some()) };
    let ent = entity.clone();
    let refused = move || -> Option<OutboxItem> { d.refused_of(&ent).filter(|i| i.conflict.is_none()) };
    let pending = move || d.has_pending(&entity);
    let confirmed = c.confirmed_at;
    let editing = RwSignal::new(false);
    let c2 = c.clone();
    let c3 = c.clone();
    view! {
        <article class="class-row" data-class-id=id data-age-band=c.age_band.code() data-care-mode=c.care_mode.code()>
            <h2>
                {c.age_band.label_with_ages()}
                <span class="mode">{c.care_mode.label()}</span>
            </h2>
            <p class="counts">{format!("托位 {} · 在托 {}", c.capacity, c.enrolled)}</p>
            <div class="stepper">
                <button class="step" aria-label="空位减一" on:click=minus disabled={v <= 0 || !can_write}>"−"</button>
                <output class="vacancies" aria-label="空位">{v}</output>
                <button class="step" aria-label="空位加一" on:click=plus disabled={v >= max || !can_write}>"+"</button>
            </div>
            <div class="row">
                <button class="confirm" on:click=confirm disabled=!can_write>"确认无变化"</button>
                <button
                    class="edit-figures"
                    aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)
                    disabled=!can_write
                >
                    "改托位/在托"
                </button>
            </div>
            <p class="muted">{move || confirmed_ago(confirmed, use_now())}</p>
            {move || pending().then(|| view! { <p class="pending-tag">"已保存在本机，待发送"</p> })}
            {move || editing.get().then(|| view! { <ClassEditForm c=c2.clone() edit editing /> })}
            {move || refused().map(|item| {
                let ent = item.entity();
                view! {
                    <div class="conflict refused" role="alert">
                        <p>{format!("服务器未接受：{}", item.last_error.clone().unwrap_or_default())}</p>
                        <button on:click=move |_| {
                            discard_entity(d, &ent);
                            d.delivered.update(|n| *n += 1);
                        }>"放弃这次修改，重新读取"</button>
                    </div>
                }
            })}
            {move || conflict().map(|item| view! { <Conflict item c=c3.clone() set edit d /> })}
        </article>
    }
}

/// Both values side by side; the operator chooses, and the choice is recorded.
#[component]
fn Conflict(
    item: OutboxItem,
    c: ClassState,
    set: impl Fn(i64, VacancyChange, i64, String) + Copy + Send + Sync + 'static,
    edit: impl Fn(i64, ClassEdit, String) + Copy + Send + Sync + 'static,
    d: Device,
) -> impl IntoView {
    let current = item.conflict.clone().unwrap_or_default();
    let theirs: ClassState = serde_json::from_value(current).unwrap_or_else(|_| c.clone());
    let id = c.class_id;
    let entity = item.entity();
    let label = format!("{} · {}", c.age_band.label(), c.care_mode.label());
    let (e1, e2, l1, l2) = (entity.clone(), entity, label.clone(), label);
    if matches!(item.write, Write::SetVacancies { .. }) {
        // What this tablet shows now: its latest intended value.
        let mine = c.vacancies;
        let (t, version) = (theirs.vacancies, theirs.version);
        let keep_mine = move |_| {
            discard_entity(d, &e1);
            let change = VacancyChange { from: Some(t), to: Some(mine), version: Some(version), resolution: Some(crate::model::Resolution::KeptMine), ..Default::default() };
            set(id, change, mine, format!("{l1} 冲突处理：用我的值 {mine}"));
        };
        let take_theirs = move |_| {
            discard_entity(d, &e2);
            let change = VacancyChange { from: Some(t), to: Some(t), version: Some(version), resolution: Some(crate::model::Resolution::TookTheirs), ..Default::default() };
            set(id, change, t, format!("{l2} 冲突处理：用服务器的值 {t}"));
        };
        return view! {
            <div class="conflict" role="alert">
                <p><strong>"空位已被其他设备修改"</strong></p>
                <p class="both">
                    <span class="mine">{format!("你的值：{mine}")}</span>
                    <span class="theirs">{format!("服务器当前：{t}")}</span>
                </p>
                <div class="row">
                    <button class="primary" on:click=keep_mine>{format!("用我的值 {mine}")}</button>
                    <button on:click=take_theirs>{format!("用服务器的值 {t}")}</button>
                </div>
            </div>
        }
        .into_any();
    }
    let figs = |c: &ClassState| format!("托位 {} · 在托 {} · 空位 {}", c.capacity, c.enrolled, c.vacancies);
    let (mine_text, theirs_text) = (figs(&c), figs(&theirs));
    let mine = c.clone();
    let t = theirs.clone();
    let keep_mine = move |_| {
        discard_entity(d, &e1);
        let e = ClassEdit { version: t.version, capacity: mine.capacity, enrolled: mine.enrolled, vacancies: mine.vacancies, resolution: Some(crate::model::Resolution::KeptMine) };
        edit(id, e, format!("{l1} 冲突处理：用我的值"));
    };
    let t = theirs.clone();
    let take_theirs = move |_| {
        discard_entity(d, &e2);
        let e = ClassEdit { version: t.version, capacity: t.capacity, enrolled: t.enrolled, vacancies: t.vacancies, resolution: Some(crate::model::Resolution::TookTheirs) };
        edit(id, e, format!("{l2} 冲突处理：用服务器的值"));
    };
    view! {
        <div class="conflict" role="alert">
            <p><strong>"托位/在托已被其他设备修改"</strong></p>
            <p class="both">
                <span class="mine">{format!("你的值：{mine_text}")}</span>
                <span class="theirs">{format!("服务器当前：{theirs_text}")}</span>
            </p>
            <div class="row">
                <button class="primary" on:click=keep_mine>"用我的值"</button>
                <button on:click=take_theirs>"用服务器的值"</button>
            </div>
        </div>
    }
    .into_any()
}
