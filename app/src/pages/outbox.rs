//! `/outbox` — what this device has not delivered yet, and what the server set aside.

use crate::app::use_now;
use crate::components::freshness::ago_text;
use crate::offline::sync::{discard, flush, retry, use_device};
use crate::components::local_data::WithLocalData;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let d = use_device();
    view! {
        <Title text="待发送 · 一老一小" />
        <section class="panel">
            <h1>"待发送"</h1>
            <p class="muted">"你在离线或网络不好时做的操作都先保存在本机，联网后按顺序自动发送，每项只会送达一次。"</p>
            <WithLocalData>
                {move || {
                    let items = d.outbox.get();
                    let me = crate::offline::sync::current_account().map(|a| a.id);
                    if items.is_empty() {
                        return view! { <p class="all-sent">"全部已发送。"</p> }.into_any();
                    }
                    view! {
                        <button class="primary" on:click=move |_| flush(d)>"立即发送"</button>
                        <ul class="outbox">
                            {items
                                .into_iter()
                                .map(|i| {
                                    let id = i.id.clone();
                                    let id2 = i.id.clone();
                                    let state = if i.quarantined {
                                        "已搁置".to_string()
                                    } else if !crate::offline::sync::sendable_by(&i, me) {
                                        format!("等待 {} 登录后发送", i.account.as_ref().map(|a| a.username.as_str()).unwrap_or(""))
                                    } else if i.needs_login {
                                        "需要重新登录".to_string()
                                    } else {
                                        "已保存在本机，待发送".to_string()
                                    };
                                    view! {
                                        <li class:quarantined=i.quarantined data-id=i.id.clone()>
                                            <p class="label">{i.label.clone()}</p>
                                            <p class="state">{state}</p>
                                            <p class="muted">
                                                {move || format!("{}操作", ago_text(i.created_at, use_now()))}
                                                {(i.attempts > 0).then(|| format!(" · 已尝试 {} 次", i.attempts))}
                                            </p>
                                            {i.last_error.clone().map(|e| view! { <p class="error">{e}</p> })}
                                            {i.needs_login.then(|| view! { <p><a href="/operator">"去登录"</a></p> })}
                                            <div class="row">
                                                <button on:click=move |_| retry(d, &id)>"重试"</button>
                                                <button on:click=move |_| discard(d, &id2)>"丢弃"</button>
                                            </div>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }}
            </WithLocalData>
        </section>
        <StorageUsage />
    }
}

/// What the device keeps: cached areas, opened pages, bytes used of the ~5 MB.
#[component]
fn StorageUsage() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    let d = use_device();
    let usage = RwSignal::new(None::<(usize, Vec<(String, usize)>)>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        d.outbox.track();
        d.last_sync.track();
        let areas = crate::offline::cache::browser::cached_areas()
            .into_iter()
            .map(|a| {
                let name = a.places.first().map(|p| p.district_name.clone()).unwrap_or(a.area_id.clone());
                (name, a.places.len())
            })
            .collect();
        usage.set(Some((crate::offline::store::browser::bytes_used(), areas)));
    });
    view! {
        <section class="panel storage">
            <h2>"本机数据"</h2>
            {move || match usage.get() {
                None => view! { <p class="muted">"正在统计…"</p> }.into_any(),
                Some((bytes, areas)) => view! {
                    <p class="bytes" data-bytes=bytes>{format!("已用 {:.0} KB（浏览器上限约 5 MB，超出时自动清理最久未用的区域）", bytes as f64 / 1024.0)}</p>
                    <ul>
                        {areas.into_iter().map(|(n, c)| view! { <li>{format!("{n}：{c} 家机构，可离线查找")}</li> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
