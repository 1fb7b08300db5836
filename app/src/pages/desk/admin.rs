//! The platform admin's desk (on `/operator` when an admin signs in): organisations
//! and the accounts that act for them.
//!
//! These writes are online only, on purpose: a new account carries its initial
//! password, which must not wait in the device's storage. Nothing typed is lost —
//! the form keeps its content when the network is down, and a retry reuses the same
//! Idempotency-Key for the same content, so a request that did arrive is not made twice.

use crate::components::field_msg::FieldMsg;
use crate::model::{Account, AccountCreate, BeianStatus, District, FieldError, LoginResponse, OrganisationAdmin, OrganisationCreate, Role};
use leptos::prelude::*;
use leptos_meta::Title;

/// The answer to an admin write, as the form shows it.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Sent {
    Created(serde_json::Value),
    Refused(String, Vec<FieldError>),
    Offline,
}

/// One admin write: the same content is sent with the same key until it gets an answer.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Default)]
pub(super) struct Attempt {
    key: String,
    body: String,
}

#[cfg(feature = "hydrate")]
pub(super) async fn send(csrf: &str, path: &str, body: serde_json::Value, last: RwSignal<Option<Attempt>>) -> Sent {
    send_as("POST", csrf, path, body, last).await
}

/// [`send`] with another method (`PUT` for a change of a record).
#[cfg(feature = "hydrate")]
pub(super) async fn send_as(method: &str, csrf: &str, path: &str, body: serde_json::Value, last: RwSignal<Option<Attempt>>) -> Sent {
    let text = body.to_string();
    let key = match last.get_untracked() {
        Some(a) if a.body == text => a.key,
        _ => crate::offline::store::browser::new_id(),
    };
    last.set(Some(Attempt { key: key.clone(), body: text }));
    let c = crate::net::client::ApiClient::same_origin();
    let device = crate::offline::store::browser::device_key();
    match c.send_write(crate::net::client::Outgoing::new(method, path, &device, &key).body(Some(&body)).csrf(Some(csrf))).await.map(|a| (a.status, a.body)) {
        Ok((s, v)) if (200..300).contains(&s) => {
            last.set(None);
            Sent::Created(v)
        }
        Ok((_, v)) => {
            last.set(None);
            let b: crate::model::ErrorBody = serde_json::from_value(v).unwrap_or(crate::model::ErrorBody {
                error: "http".into(),
                message: "服务器暂时无法处理，请稍后再试".into(),
                fields: vec![],
                current: None,
            });
            Sent::Refused(b.message, b.fields)
        }
        Err(_) => Sent::Offline,
    }
}

/// What an admin form shows: its field messages, the last answer, whether it is sending.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Copy)]
struct FormState {
    errors: RwSignal<Vec<FieldError>>,
    result: RwSignal<Option<Sent>>,
    busy: RwSignal<bool>,
    last: RwSignal<Option<Attempt>>,
}

impl FormState {
    fn new() -> Self {
        FormState { errors: RwSignal::new(vec![]), result: RwSignal::new(None), busy: RwSignal::new(false), last: RwSignal::new(None) }
    }

    /// Checks `errors` from the form's own rules; if none, sends and shows the answer.
    fn submit(self, errors: Vec<FieldError>, csrf: String, path: &'static str, body: serde_json::Value, on_created: impl FnOnce() + 'static) {
        self.errors.set(errors.clone());
        self.result.set(None);
        if !errors.is_empty() {
            return;
        }
        self.busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let r = send(&csrf, path, body, self.last).await;
            match &r {
                Sent::Refused(_, f) => self.errors.set(f.clone()),
                Sent::Created(_) => on_created(),
                Sent::Offline => {}
            }
            self.result.set(Some(r));
            self.busy.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (csrf, path, body, on_created);
    }
}

/// `/admin`: the platform admin's desk (its own bundle); the sign-in form when no admin is
/// signed in on this device.
#[component]
pub fn AdminPage() -> impl IntoView {
    let session = crate::pages::desk::operator::desk_session();
    view! {
        <Title text="平台管理 · 一老一小" />
        <section class="operator">
            <crate::components::local_data::WithLocalData>
                {move || match session.get() {
                    None => view! { <crate::pages::desk::operator::LoginForm session title="平台管理登录" /> }.into_any(),
                    Some(s) if s.user.role == crate::model::Role::Admin => view! { <AdminDesk session s /> }.into_any(),
                    Some(_) => view! {
                        <p class="panel">"这个账号不是平台管理员。" <a href="/operator">"打开机构工作台"</a></p>
                    }.into_any(),
                }}
            </crate::components::local_data::WithLocalData>
        </section>
    }
}

#[component]
pub fn AdminDesk(session: RwSignal<Option<LoginResponse>>, s: LoginResponse) -> impl IntoView {
    let orgs = RwSignal::new(Vec::<OrganisationAdmin>::new());
    let accounts = RwSignal::new(Vec::<Account>::new());
    let districts = RwSignal::new(Vec::<District>::new());
    let reload = RwSignal::new(0u32);
    let load_error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        reload.track();
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            match (c.admin_organisations().await, c.admin_users().await) {
                (Ok(o), Ok(a)) => {
                    orgs.set(o);
                    accounts.set(a);
                    load_error.set(None);
                }
                (Err(crate::net::client::ClientError::Api { status: 401, .. }), _) => crate::pages::desk::operator::signed_out(session),
                (Err(e), _) | (_, Err(e)) => load_error.set(Some(format!("无法读取机构和账号：{e}"))),
            }
            if let Ok(a) = c.areas().await {
                districts.set(a.districts);
            }
        });
    });
    let csrf = s.csrf_token.clone();
    let name = s.user.display_name.clone();
    let my_id = s.user.id;
    view! {
        <Title text="平台管理 · 一老一小" />
        <header class="desk-head">
            <h1>"平台管理"</h1>
            <p>{format!("{name}（{}）", s.user.role.label())}</p>
            <crate::pages::desk::operator::LogoutButton session />
        </header>
        <p class="muted">"在这里导入登记数据和街道人口、登记机构、为机构开运营账号、为各区开监管账号、维护规划指标目标。需联网操作。" " " <a href="/supervise">"打开监管工作台"</a></p>
        {move || load_error.get().map(|e| view! { <p class="cached-note">{e}</p> })}
        <div class="admin">
            <crate::pages::desk::import::ImportSection csrf=csrf.clone() reload />
            <OrgSection orgs districts reload csrf=csrf.clone() />
            <AccountSection accounts orgs districts reload csrf=csrf.clone() my_id />
            <crate::pages::desk::admin_targets::TargetsSection csrf />
        </div>
    }
}

#[component]
fn OrgSection(orgs: RwSignal<Vec<OrganisationAdmin>>, districts: RwSignal<Vec<District>>, reload: RwSignal<u32>, csrf: String) -> impl IntoView {
    let csrf_places = StoredValue::new(csrf.clone());
    let name = RwSignal::new(String::new());
    let uscc = RwSignal::new(String::new());
    let beian = RwSignal::new(BeianStatus::Pending.code().to_string());
    let beian_number = RwSignal::new(String::new());
    let form = FormState::new();
    let FormState { errors, result, busy, .. } = form;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = OrganisationCreate {
            name: name.get_untracked().trim().to_string(),
            uscc: uscc.get_untracked().trim().to_uppercase(),
            beian_status: BeianStatus::from_code(&beian.get_untracked()).unwrap_or(BeianStatus::Pending),
            beian_number: Some(beian_number.get_untracked().trim().to_string()).filter(|s| !s.is_empty()),
        };
        let body = serde_json::to_value(&new).unwrap_or_default();
        form.submit(new.validate(), csrf.clone(), "/api/v1/admin/organisations", body, move || {
            name.set(String::new());
            uscc.set(String::new());
            beian_number.set(String::new());
            reload.update(|n| *n += 1);
        });
    };
    view! {
        <section class="panel">
            <h2>"机构"</h2>
            <details class="desk-more">
                <summary>"登记新机构"</summary>
                <form class="admin-form" on:submit=submit novalidate>
                    <label>"机构名称（营业执照上的名称）" <input type="text" name="org_name" bind:value=name /></label>
                    <FieldMsg errors field="name" />
                    <label>"统一社会信用代码（18 位）" <input type="text" name="uscc" maxlength="18" autocapitalize="characters" bind:value=uscc /></label>
                    <FieldMsg errors field="uscc" />
                    <label>
                        "托育机构备案"
                        <select name="beian_status" on:change=move |ev| beian.set(event_target_value(&ev)) prop:value=move || beian.get()>
                            {BeianStatus::ALL.iter().map(|b| view! { <option value=b.code()>{b.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"备案号（已备案时必填）" <input type="text" name="beian_number" bind:value=beian_number /></label>
                    <FieldMsg errors field="beian_number" />
                    <button class="primary" type="submit" disabled=move || busy.get()>
                        {move || if busy.get() { "正在提交…" } else { "登记机构" }}
                    </button>
                    <Outcome result what="机构" />
                </form>
            </details>
            <ul class="admin-list orgs">
                {move || {
                    orgs.get()
                        .into_iter()
                        .map(|o| {
                            view! {
                                <li data-org-id=o.organisation.id>
                                    <strong>{o.organisation.name.clone()}</strong>
                                    {o.organisation.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}
                                    <br />
                                    <span class="mono">{o.organisation.uscc.clone()}</span>
                                    {format!(
                                        " · {} · {} 个托育点 · {} 个账号",
                                        o.organisation.beian_status.label(),
                                        o.place_count,
                                        o.account_count,
                                    )}
                                    {(!o.organisation.is_sample).then(|| view! {
                                        <crate::pages::desk::admin_places::OrgPlaces org_id=o.organisation.id districts csrf=csrf_places.get_value() />
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn Outcome(result: RwSignal<Option<Sent>>, what: &'static str) -> impl IntoView {
    move || {
        result.get().map(|r| match r {
            Sent::Created(v) => {
                let label = v["name"].as_str().or(v["username"].as_str()).unwrap_or("").to_string();
                view! { <p class="sent-tag" role="status">{format!("已创建{what}：{label}")}</p> }.into_any()
            }
            Sent::Refused(m, _) => view! { <p class="field-error" role="alert">{m}</p> }.into_any(),
            Sent::Offline => view! {
                <p class="field-error" role="alert">"未联网，没有提交。填写的内容已保留，联网后再点一次即可（不会重复创建）。"</p>
            }
            .into_any(),
        })
    }
}

#[component]
fn AccountSection(
    accounts: RwSignal<Vec<Account>>,
    orgs: RwSignal<Vec<OrganisationAdmin>>,
    districts: RwSignal<Vec<District>>,
    reload: RwSignal<u32>,
    csrf: String,
    my_id: i64,
) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator.code().to_string());
    let org = RwSignal::new(String::new());
    let district = RwSignal::new(String::new());
    let form = FormState::new();
    let FormState { errors, result, busy, .. } = form;
    let disable_last = RwSignal::new(None::<Attempt>);
    let list_note = RwSignal::new(None::<String>);
    #[cfg(not(feature = "hydrate"))]
    let _ = disable_last;
    let csrf2 = StoredValue::new(csrf.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = Role::from_code(&role.get_untracked()).unwrap_or(Role::Operator);
        let new = AccountCreate {
            username: username.get_untracked().trim().to_string(),
            display_name: display.get_untracked().trim().to_string(),
            password: password.get_untracked(),
            role: r,
            organisation_id: (r == Role::Operator).then(|| org.get_untracked().parse().ok()).flatten(),
            district_id: (r == Role::Supervisor).then(|| district.get_untracked()).filter(|d| !d.is_empty()),
        };
        let body = serde_json::to_value(&new).unwrap_or_default();
        form.submit(new.validate(), csrf.clone(), "/api/v1/admin/users", body, move || {
            username.set(String::new());
            display.set(String::new());
            password.set(String::new());
            reload.update(|n| *n += 1);
        });
    };
    let disable = move |id: i64, name: String| {
        #[cfg(feature = "hydrate")]
        {
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message(&format!("停用账号 {name}？停用后立即退出登录，且不能再登录。")).ok())
                .unwrap_or(false);
            if !ok {
                return;
            }
            let csrf = csrf2.get_value();
            leptos::task::spawn_local(async move {
                let path = format!("/api/v1/admin/users/{id}/disable");
                match send(&csrf, &path, serde_json::json!({}), disable_last).await {
                    Sent::Created(_) => {
                        list_note.set(Some(format!("已停用 {name}")));
                        reload.update(|n| *n += 1);
                    }
                    Sent::Refused(m, _) => list_note.set(Some(m)),
                    Sent::Offline => list_note.set(Some("未联网，没有停用；联网后再试".into())),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, name, csrf2);
    };
    view! {
        <section class="panel">
            <h2>"账号"</h2>
            <details class="desk-more">
                <summary>"新建账号"</summary>
                <form class="admin-form" on:submit=submit novalidate>
                    <label>
                        "角色"
                        <select name="role" on:change=move |ev| role.set(event_target_value(&ev)) prop:value=move || role.get()>
                            {Role::ALL.iter().map(|r| view! { <option value=r.code()>{r.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    {move || (role.get() == Role::Operator.code()).then(|| view! {
                        <label>
                            "所属机构"
                            <select name="organisation_id" on:change=move |ev| org.set(event_target_value(&ev)) prop:value=move || org.get()>
                                <option value="">"请选择"</option>
                                {move || orgs.get().into_iter().map(|o| view! {
                                    <option value=o.organisation.id.to_string()>{o.organisation.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    <FieldMsg errors field="organisation_id" />
                    {move || (role.get() == Role::Supervisor.code()).then(|| view! {
                        <label>
                            "负责的区"
                            <select name="district_id" on:change=move |ev| district.set(event_target_value(&ev)) prop:value=move || district.get()>
                                <option value="">"请选择"</option>
                                {move || districts.get().into_iter().map(|d| view! {
                                    <option value=d.id.clone()>{format!("{}{}", d.city, d.name)}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    <FieldMsg errors field="district_id" />
                    <label>"用户名（登录用，小写字母、数字、- 或 _）" <input type="text" name="new_username" autocomplete="off" autocapitalize="none" bind:value=username /></label>
                    <FieldMsg errors field="username" />
                    <label>"姓名或岗位（显示用）" <input type="text" name="display_name" bind:value=display /></label>
                    <FieldMsg errors field="display_name" />
                    <label>"初始密码（至少 10 个字符）" <input type="text" name="new_password" autocomplete="new-password" bind:value=password /></label>
                    <FieldMsg errors field="password" />
                    <p class="muted">"请当面或电话把用户名和初始密码告诉对方；系统不保存明文密码。"</p>
                    <button class="primary" type="submit" disabled=move || busy.get()>
                        {move || if busy.get() { "正在提交…" } else { "创建账号" }}
                    </button>
                    <Outcome result what="账号" />
                </form>
            </details>
            {move || list_note.get().map(|n| view! { <p class="cached-note" role="status">{n}</p> })}
            <ul class="admin-list accounts">
                {move || {
                    accounts.get()
                        .into_iter()
                        .map(|a| {
                            let (id, uname) = (a.user.id, a.user.username.clone());
                            let scope = match a.user.role {
                                Role::Operator => a.organisation_name.clone().unwrap_or_default(),
                                Role::Supervisor => a.user.district_id.clone().unwrap_or_default(),
                                Role::Admin => String::new(),
                            };
                            let can_disable = !a.disabled && id != my_id;
                            view! {
                                <li data-username=uname.clone() class:disabled=a.disabled>
                                    <strong>{a.user.display_name.clone()}</strong>
                                    {a.user.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}
                                    <br />
                                    <span class="mono">{uname.clone()}</span>
                                    {format!(" · {} {}", a.user.role.label(), scope)}
                                    {a.disabled.then_some(" · 已停用")}
                                    {can_disable.then(|| {
                                        let n = uname.clone();
                                        view! { <button class="disable" on:click=move |_| disable(id, n.clone())>"停用"</button> }
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
    .into_any()
}
