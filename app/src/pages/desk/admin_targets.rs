//! The admin's list of the plans' indicator targets (seeded from the plans, with their source
//! lines): a revised plan's target is set here, online, and audited with the value before.

use super::admin::{Attempt, Sent};
use crate::components::field_msg::FieldMsg;
use crate::model::supervise::{Target, TargetEdit};
use crate::model::FieldError;
use leptos::prelude::*;

#[component]
pub fn TargetsSection(csrf: String) -> impl IntoView {
    let targets = RwSignal::new(Vec::<Target>::new());
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<i64>);
    let csrf = StoredValue::new(csrf);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        reload.track();
        leptos::task::spawn_local(async move {
            if let Ok(t) = crate::net::client::ApiClient::same_origin().admin_targets().await {
                targets.set(t);
            }
        });
    });
    let rows = move || {
        let list = targets.get();
        let mut scopes: Vec<String> = Vec::new();
        for t in &list {
            if !scopes.contains(&t.scope_name) {
                scopes.push(t.scope_name.clone());
            }
        }
        scopes
            .into_iter()
            .map(|scope| {
                let items = list
                    .iter()
                    .filter(|t| t.scope_name == scope)
                    .cloned()
                    .map(|t| {
                        let id = t.id;
                        view! {
                            <li data-target-id=id>
                                <div>
                                    <strong>{t.name.clone()}</strong>
                                    {format!("：{} {}（{} 年）", t.target, t.unit, t.target_year)}
                                    {t.indicator.is_none().then(|| view! { <span class="muted">" · 本系统暂无数据"</span> })}
                                </div>
                                <div class="muted">{t.source.clone()}</div>
                                {move || if editing.get() == Some(id) {
                                    view! { <TargetForm t=t.clone() csrf=csrf.get_value() editing reload /> }.into_any()
                                } else {
                                    view! { <button class="small" on:click=move |_| editing.set(Some(id))>"修改目标"</button> }.into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <li>
                        <h3>{scope}</h3>
                        <ul class="admin-list">{items}</ul>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel targets">
            <h2>"规划指标目标"</h2>
            <p class="muted">"来自各地“一老一小”规划的指标目标。规划修订后在这里修改；监管工作台按这里的目标显示是否达标。"</p>
            <details class="desk-more">
                <summary>{move || format!("查看和修改（{} 项）", targets.with(Vec::len))}</summary>
                <ul class="admin-list scopes">{rows}</ul>
            </details>
        </section>
    }
}

#[component]
fn TargetForm(t: Target, csrf: String, editing: RwSignal<Option<i64>>, reload: RwSignal<u32>) -> impl IntoView {
    let value = RwSignal::new(t.target.to_string());
    let year = RwSignal::new(t.target_year.to_string());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let result = RwSignal::new(None::<Sent>);
    let last = RwSignal::new(None::<Attempt>);
    let busy = RwSignal::new(false);
    let unit = t.unit.clone();
    let id = t.id;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let edit = TargetEdit { target: value.get_untracked().trim().parse().unwrap_or(f64::NAN), target_year: year.get_untracked().trim().parse().unwrap_or(0) };
        let problems = edit.validate(&unit);
        errors.set(problems.clone());
        result.set(None);
        if !problems.is_empty() {
            return;
        }
        busy.set(true);
        #[cfg(feature = "hydrate")]
        {
            let csrf = csrf.clone();
            leptos::task::spawn_local(async move {
                let body = serde_json::to_value(&edit).unwrap_or_default();
                let r = super::admin::send_as("PUT", &csrf, &format!("/api/v1/admin/targets/{id}"), body, last).await;
                match &r {
                    Sent::Created(_) => {
                        editing.set(None);
                        reload.update(|n| *n += 1);
                    }
                    Sent::Refused(_, f) => errors.set(f.clone()),
                    Sent::Offline => {}
                }
                result.set(Some(r));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&csrf, id, last, editing, reload);
    };
    view! {
        <form class="admin-form target-form" on:submit=submit novalidate>
            <label>{format!("目标（{}）", t.unit)} <input type="text" inputmode="decimal" name="target" bind:value=value /></label>
            <FieldMsg errors field="target" />
            <label>"目标年份" <input type="text" inputmode="numeric" name="target_year" maxlength="4" bind:value=year /></label>
            <FieldMsg errors field="target_year" />
            <div class="row">
                <button class="primary" type="submit" disabled=move || busy.get()>{move || if busy.get() { "正在保存…" } else { "保存" }}</button>
                <button type="button" on:click=move |_| editing.set(None)>"取消"</button>
            </div>
            {move || match result.get() {
                Some(Sent::Refused(m, _)) => Some(view! { <p class="field-error" role="alert">{m}</p> }.into_any()),
                Some(Sent::Offline) => Some(view! { <p class="field-error" role="alert">"未联网，没有保存。填写的内容已保留，联网后再点一次即可。"</p> }.into_any()),
                _ => None,
            }}
        </form>
    }
}
