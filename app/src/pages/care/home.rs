//! `/care`: the items, and 助急 always at hand.

use crate::model::elder::describe;
use crate::model::ServiceItem;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use super::*;

#[component]
pub fn CarePage() -> impl IntoView {
    let profile = use_profile();
    // Fetched here too, so that 助急 has the number even when the signal goes later.
    let _ = use_sos_provider(profile);
    view! {
        <Title text="上门服务 · 一老一小" />
        <SosBar />
        <section class="panel">
            <h1>"居家上门服务"</h1>
            {move || match profile.get() {
                Some(p) => view! {
                    <p class="elder-line">
                        {format!("为 {}（{} 岁）预约", p.name, p.age)}
                        " · "
                        <A href="/care/elder">"修改老人信息"</A>
                        " · "
                        <A href="/care/orders">"我的订单"</A>
                    </p>
                }
                .into_any(),
                None => view! {
                    <p class="cached-note">"先填写老人的信息（只保存在这台手机上），才能找到为老人家上门服务的机构和价格。"</p>
                    <A href="/care/elder" attr:class="button primary">"填写老人信息"</A>
                }
                .into_any(),
            }}
            <ul class="items">
                {ServiceItem::ALL
                    .iter()
                    .filter(|i| **i != ServiceItem::Emergency)
                    .map(|i| view! {
                        <li>
                            <A href=format!("/care/item/{}", i.code())>
                                <strong>{i.label()}</strong>
                                <small>{describe(*i)}</small>
                            </A>
                        </li>
                    })
                    .collect_view()}
            </ul>
            <p class="muted">"本页的服务机构、价格和补贴规则均为示例。"</p>
        </section>
    }
}
