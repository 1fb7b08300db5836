//! `/requests` — 我的申请: this device's visits, trials and applications, each with where
//! it stands: 已保存待发送 → 已提交 → 已确认 / 候补第 N 位 / 未通过 / 已取消, the place's
//! answer, and a cancel button. Statuses arrive with the same sync as everything else.

use crate::app::use_now;
use crate::components::badges::SampleTag;
use crate::offline::sync::{cancel_request, refresh_own_when_ready, use_device, Device};
use crate::pages::parents::ask::when;
use crate::model::requests::RequestView;
use crate::model::RequestKind;
use crate::offline::write::Write;
use crate::offline::write::entity;
use crate::components::local_data::WithLocalData;
use leptos::prelude::*;
use leptos_meta::Title;

/// Where a request stands on this device: a queued send or cancel comes before the server's status.
fn state(d: Device, r: &RequestView) -> (String, &'static str) {
    match d.latest_of(&entity::request(&r.id)) {
        Some(i) if i.quarantined => (format!("未能提交：{}", i.last_error.unwrap_or_default()), "refused"),
        Some(i) if matches!(i.write, Write::CancelRequest { .. }) => ("取消已保存在本机，待发送".into(), "pending"),
        Some(_) => ("已保存待发送".into(), "pending"),
        None => (r.status_text(), r.status.code()),
    }
}

#[component]
pub fn MyRequestsPage() -> impl IntoView {
    let d = use_device();
    refresh_own_when_ready(d);
    view! {
        <Title text="我的申请 · 一老一小" />
        <section class="panel">
            <h1>"我的申请"</h1>
            <p class="muted">"在本机提交的预约和申请。联网时自动更新状态。"</p>
            {move || d.last_sync.get().map(|t| view! { <p class="sync-time">{move || format!("{}同步", crate::rules::format::ago(t, use_now()))}</p> })}
            <WithLocalData>
                {move || {
                    let list = d.requests.get();
                    if list.is_empty() {
                        return view! { <p class="empty">"还没有预约或申请。打开一家机构，可以预约参观、免费体验或申请托位。"</p> }.into_any();
                    }
                    view! { <ul class="requests">{list.into_iter().map(|r| view! { <RequestRow r d /> }).collect_view()}</ul> }.into_any()
                }}
            </WithLocalData>
            <p class="me-link"><a href="/me">"我的信息：查看、下载、删除、换手机或与家人共享"</a>" · "<a href="/privacy">"个人信息保护说明"</a></p>
        </section>
    }
}

#[component]
fn RequestRow(r: RequestView, d: Device) -> impl IntoView {
    let rr = StoredValue::new(r.clone());
    let st = move || rr.with_value(|r| state(d, r));
    let detail = match r.kind {
        RequestKind::Application => format!(
            "{} · {} · {}入托",
            r.age_band.map(|b| b.label()).unwrap_or(""),
            r.care_mode.map(|m| m.label()).unwrap_or(""),
            r.start_month.clone().unwrap_or_default()
        ),
        _ => match (&r.timeslot_date, &r.timeslot_start, &r.timeslot_end) {
            (Some(d), Some(s), Some(e)) => when(d, s, e),
            (Some(d), _, _) => d.clone(),
            _ => String::new(),
        },
    };
    let (id, label) = (r.id.clone(), format!("取消{} {}", r.kind.label(), r.place_name));
    let open = r.status.is_open();
    let can_cancel = move || open && !matches!(st().1, "pending" | "refused");
    view! {
        <li class="request" data-request-id=r.id.clone() data-status=move || st().1>
            <p class="what">
                <strong>{r.kind.label()}</strong>
                " · "
                <a href=format!("/places/{}", r.place_id)>{r.place_name.clone()}</a>
                <SampleTag is_sample=r.is_sample />
            </p>
            <p class="detail">{detail}</p>
            <p class="status">{move || st().0}</p>
            {r.message.clone().map(|m| view! { <p class="answer">{format!("机构回复：{m}")}</p> })}
            <p class="muted">{move || format!("{}提交", crate::rules::format::ago(r.created_at, use_now()))}</p>
            {move || can_cancel().then(|| {
                let (id, label) = (id.clone(), label.clone());
                view! { <button class="cancel" on:click=move |_| cancel_request(d, &id, label.clone())>"取消"</button> }
            })}
        </li>
    }
}
