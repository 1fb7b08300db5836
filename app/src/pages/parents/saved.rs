//! `/saved` — the places saved on this device (收藏), available offline.

use crate::app::use_now;
use crate::components::freshness::ago_text;
use crate::offline::sync::use_device;
use crate::offline::write::entity;
use crate::components::local_data::WithLocalData;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SavedPage() -> impl IntoView {
    let d = use_device();
    view! {
        <Title text="我的收藏 · 一老一小" />
        <section class="panel">
            <h1>"我的收藏"</h1>
            <WithLocalData>
                {move || {
                    let saved = d.saved.get();
                    if saved.is_empty() {
                        return view! { <p class="muted">"还没有收藏。在托育机构页面点“收藏”，就能在这里快速找到，离线也能看。"</p> }
                            .into_any();
                    }
                    view! {
                        <ul class="saved-list">
                            {saved
                                .into_iter()
                                .map(|p| {
                                    let pending = d.has_pending(&entity::favorite(p.place_id));
                                    view! {
                                        <li data-place-id=p.place_id>
                                            <a href=format!("/places/{}", p.place_id)>{p.name.clone()}</a>
                                            <span class="muted">{move || format!(" · {}收藏", ago_text(p.saved_at, use_now()))}</span>
                                            {pending.then(|| view! { <span class="pending-tag">"已保存在本机，待发送"</span> })}
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
    }
}
