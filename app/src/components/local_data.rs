//! What a page shows from this device's own kept data (saved places, requests, orders, the
//! outbox, a desk's session) waits for that data to be read: the server cannot know it, so the
//! first render — on the server and at hydration — says so instead of showing an empty list.

use crate::offline::sync::use_device;
use leptos::prelude::*;

/// Its children once this device's kept data has been read; until then 正在读取本机数据….
#[component]
pub fn WithLocalData(children: ChildrenFn) -> impl IntoView {
    let d = use_device();
    view! {
        <Show when=move || d.ready.get() fallback=|| view! { <p class="loading">"正在读取本机数据…"</p> }>
            {children()}
        </Show>
    }
}
