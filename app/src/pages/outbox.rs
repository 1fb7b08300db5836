//! `/outbox` — what this device has not delivered yet, and what the server set aside.

use crate::app::use_now;
use crate::components::freshness::ago_text;
use crate::device::{discard, flush, retry, use_device};
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
            {move || {
                if !d.ready.get() {
                    return view! { <p class="loading">"正在读取本机数据…"</p> }.into_any();
                }
                let items = d.outbox.get();
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
                                let state = if i.quarantined { "已搁置" } else { "已保存在本机，待发送" };
                                view! {
                                    <li class:quarantined=i.quarantined data-id=i.id.clone()>
                                        <p class="label">{i.label.clone()}</p>
                                        <p class="state">{state}</p>
                                        <p class="muted">
                                            {move || format!("{}操作", ago_text(i.created_at, use_now()))}
                                            {(i.attempts > 0).then(|| format!(" · 已尝试 {} 次", i.attempts))}
                                        </p>
                                        {i.last_error.clone().map(|e| view! { <p class="error">{e}</p> })}
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
        </section>
    }
}
