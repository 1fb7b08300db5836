//! A provider's 养老护理员 on the desk: the active list with each certificate's expiry (an
//! expired one is marked and cannot be assigned), 新增护理员, 修改/续期 (a renewed certificate
//! makes them assignable again) and 停用 — all through the outbox: a queued change shows at once
//! as saved on this tablet, not yet sent.

use crate::app::use_now;
use crate::components::field_msg::FieldMsg;
use crate::model::orders::{Carer, CarerCreate, CarerLevel};
use crate::model::requests::beijing_today;
use crate::model::FieldError;
use crate::offline::sync::{enqueue, use_device};
use crate::offline::write::{entity, Body, Write};
use leptos::prelude::*;

#[component]
pub fn CarersPanel(chosen: RwSignal<Option<i64>>, carers: RwSignal<Vec<Carer>>) -> impl IntoView {
    let d = use_device();
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let level = RwSignal::new(CarerLevel::Junior.code().to_string());
    let certificate = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let added = RwSignal::new(None::<String>);
    // Queued adds and disables of the chosen provider, straight from the outbox.
    let queued = move || {
        let pid = chosen.get()?;
        let lane = entity::carers(pid);
        Some(d.outbox.with(|o| {
            o.iter()
                .filter(|i| i.entity() == lane)
                .map(|i| (i.write.clone(), i.quarantined, i.last_error.clone()))
                .collect::<Vec<_>>()
        }))
    };
    let adding = move || {
        queued()
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(w, set_aside, why)| match w {
                Write::AddCarer { carer, .. } => Some((carer.get()?, set_aside, why)),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    let disabling = move |id: i64| {
        queued().unwrap_or_default().iter().any(|(w, set_aside, _)| !set_aside && matches!(w, Write::DisableCarer { carer_id, .. } if *carer_id == id))
    };
    // A queued edit of a carer: what it will be once sent, or why it was set aside.
    let editing_of = move |id: i64| {
        queued().unwrap_or_default().into_iter().rev().find_map(|(w, set_aside, why)| match w {
            Write::EditCarer { carer_id, carer, .. } if carer_id == id => Some((carer.get()?, set_aside, why)),
            _ => None,
        })
    };
    let open_edit = RwSignal::new(None::<i64>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(pid) = chosen.get_untracked() else { return };
        let new = CarerCreate {
            name: name.get_untracked().trim().to_string(),
            phone: phone.get_untracked().trim().to_string(),
            level: CarerLevel::from_code(&level.get_untracked()).unwrap_or(CarerLevel::Junior),
            certificate_no: certificate.get_untracked().trim().to_string(),
            certificate_expires_on: expires.get_untracked().trim().to_string(),
        };
        let problems = new.validate(beijing_today(use_now()));
        errors.set(problems.clone());
        if !problems.is_empty() {
            return;
        }
        added.set(Some(format!("已保存在本机：新增护理员 {}（联网后发送）", new.name)));
        let label = format!("新增护理员 {}", new.name);
        enqueue(d, label, Write::AddCarer { provider_id: pid, carer: Body::new(&new) });
        name.set(String::new());
        phone.set(String::new());
        certificate.set(String::new());
        expires.set(String::new());
    };
    let disable = move |c: Carer| {
        #[cfg(feature = "hydrate")]
        {
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message(&format!("停用护理员 {}？停用后不能再派单，其账号也不能再登录。", c.name)).ok())
                .unwrap_or(false);
            if !ok {
                return;
            }
        }
        let Some(pid) = chosen.get_untracked() else { return };
        enqueue(d, format!("停用护理员 {}", c.name), Write::DisableCarer { provider_id: pid, carer_id: c.id });
    };
    view! {
        <section class="panel carers">
            <h2>"护理员"</h2>
            <ul class="carer-list">
                {move || {
                    let today = beijing_today(use_now());
                    carers.get().into_iter().map(|c| {
                        let expired = !c.certified_on(today);
                        let id = c.id;
                        let until = c.certificate_expires_on.clone().map(|e| format!("有效期至 {e}")).unwrap_or_else(|| "有效期未登记".into());
                        let c2 = c.clone();
                        view! {
                            <li data-carer-id=id class:expired=expired>
                                <strong>{c.name.clone()}</strong>
                                <crate::components::badges::SampleTag is_sample=c.is_sample />
                                {format!(" · {} · {}", c.level, c.phone)}
                                <br />
                                <span class="mono">{format!("证书 {}", c.certificate_no)}</span>
                                {format!(" · {until}")}
                                {expired.then(|| view! { <span class="expired-tag">"证书已过期，不能派单"</span> })}
                                {move || editing_of(id).map(|(e, set_aside, why)| if set_aside {
                                    view! { <p class="field-error">{format!("修改没有保存：{}（可在“待发送”中查看）", why.unwrap_or_default())}</p> }.into_any()
                                } else {
                                    view! { <p class="pending-tag">{format!("修改已保存在本机，待发送：证书 {} · 有效期至 {}", e.certificate_no, e.certificate_expires_on)}</p> }.into_any()
                                })}
                                {
                                    let c3 = c2.clone();
                                    move || (open_edit.get() == Some(id)).then(|| view! { <CarerEdit c=c3.clone() chosen open_edit /> })
                                }
                                {move || (open_edit.get() != Some(id)).then(|| view! {
                                    <button class="edit" type="button" on:click=move |_| open_edit.set(Some(id))>"修改/续期"</button>
                                })}
                                {move || if disabling(id) {
                                    view! { <p class="pending-tag">"停用已保存在本机，待发送"</p> }.into_any()
                                } else {
                                    let c = c2.clone();
                                    view! { <button class="disable" type="button" on:click=move |_| disable(c.clone())>"停用"</button> }.into_any()
                                }}
                            </li>
                        }
                    }).collect_view()
                }}
                {move || adding().into_iter().map(|(c, set_aside, why)| view! {
                    <li class="queued">
                        <strong>{c.name.clone()}</strong>
                        {format!(" · {} · 证书 {}", c.level.label(), c.certificate_no)}
                        {if set_aside {
                            view! { <p class="field-error">{format!("没有添加：{}（可在“待发送”中查看）", why.unwrap_or_default())}</p> }.into_any()
                        } else {
                            view! { <p class="pending-tag">"已保存在本机，待发送"</p> }.into_any()
                        }}
                    </li>
                }).collect_view()}
            </ul>
            <details class="desk-more">
                <summary>"新增护理员"</summary>
                <form class="carer-form" on:submit=submit novalidate>
                    <label>"姓名" <input type="text" name="carer_name" maxlength="20" bind:value=name /></label>
                    <FieldMsg errors field="name" />
                    <label>"手机号" <input type="tel" name="carer_phone" inputmode="numeric" maxlength="11" bind:value=phone /></label>
                    <FieldMsg errors field="phone" />
                    <label>
                        "等级"
                        <select name="carer_level" on:change=move |ev| level.set(event_target_value(&ev)) prop:value=move || level.get()>
                            {CarerLevel::ALL.iter().map(|l| view! { <option value=l.code()>{l.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"证书编号" <input type="text" name="certificate_no" maxlength="40" bind:value=certificate /></label>
                    <FieldMsg errors field="certificate_no" />
                    <label>"证书有效期至" <input type="date" name="certificate_expires_on" bind:value=expires /></label>
                    <FieldMsg errors field="certificate_expires_on" />
                    <button class="primary" type="submit">"保存"</button>
                    {move || added.get().map(|m| view! { <p class="sent-tag" role="status">{m}</p> })}
                </form>
            </details>
        </section>
    }
    .into_any()
}

/// 修改/续期 of one carer: the form filled with what the list shows.
#[component]
fn CarerEdit(c: Carer, chosen: RwSignal<Option<i64>>, open_edit: RwSignal<Option<i64>>) -> impl IntoView {
    let d = use_device();
    let name = RwSignal::new(c.name.clone());
    let phone = RwSignal::new(c.phone.clone());
    let level = RwSignal::new(CarerLevel::ALL.iter().find(|l| l.label() == c.level).unwrap_or(&CarerLevel::Junior).code().to_string());
    let certificate = RwSignal::new(c.certificate_no.clone());
    let expires = RwSignal::new(c.certificate_expires_on.clone().unwrap_or_default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let carer_id = c.id;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(pid) = chosen.get_untracked() else { return };
        let edit = CarerCreate {
            name: name.get_untracked().trim().to_string(),
            phone: phone.get_untracked().trim().to_string(),
            level: CarerLevel::from_code(&level.get_untracked()).unwrap_or(CarerLevel::Junior),
            certificate_no: certificate.get_untracked().trim().to_string(),
            certificate_expires_on: expires.get_untracked().trim().to_string(),
        };
        let problems = edit.validate(beijing_today(use_now()));
        errors.set(problems.clone());
        if !problems.is_empty() {
            return;
        }
        let label = format!("修改护理员 {}（证书有效期至 {}）", edit.name, edit.certificate_expires_on);
        enqueue(d, label, Write::EditCarer { provider_id: pid, carer_id, carer: Body::new(&edit) });
        open_edit.set(None);
    };
    view! {
        <form class="carer-form carer-edit" on:submit=save novalidate>
            <label>"姓名" <input type="text" name="edit_name" maxlength="20" bind:value=name /></label>
            <FieldMsg errors field="name" />
            <label>"手机号" <input type="tel" name="edit_phone" inputmode="numeric" maxlength="11" bind:value=phone /></label>
            <FieldMsg errors field="phone" />
            <label>
                "等级"
                <select name="edit_level" on:change=move |ev| level.set(event_target_value(&ev)) prop:value=move || level.get()>
                    {CarerLevel::ALL.iter().map(|l| view! { <option value=l.code()>{l.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>"证书编号" <input type="text" name="edit_certificate_no" maxlength="40" bind:value=certificate /></label>
            <FieldMsg errors field="certificate_no" />
            <label>"证书有效期至" <input type="date" name="edit_certificate_expires_on" bind:value=expires /></label>
            <FieldMsg errors field="certificate_expires_on" />
            <div class="row">
                <button class="primary" type="submit">"保存修改"</button>
                <button type="button" on:click=move |_| open_edit.set(None)>"取消"</button>
            </div>
        </form>
    }
}
