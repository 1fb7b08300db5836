//! `/care/sos`: call buttons, online or offline — 助急 is never queued.

use leptos::prelude::*;
use leptos_meta::Title;
use super::*;

#[component]
pub fn SosPage() -> impl IntoView {
    let profile = use_profile();
    let provider = use_sos_provider(profile);
    view! {
        <Title text="助急 · 一老一小" />
        <section class="panel sos">
            <h1>"助急"</h1>
            <p>"紧急情况请直接打电话。这里不会排队发送任何请求，有没有网络都可以拨打。"</p>
            <a class="button call-120" href="tel:120">"拨打 120 急救"</a>
            {move || provider.get().map(|p| view! {
                <a class="button call-provider" href=format!("tel:{}", digits(&p.emergency_phone))>
                    {format!("拨打 {} 紧急电话 {}", p.name, p.emergency_phone)}
                </a>
            })}
            {move || profile.with(|p| p.as_ref().map(|p| view! {
                <p class="muted">{format!("告诉对方：{}，{} 岁，住址 {}", p.name, p.age, p.address_detail)}</p>
            }))}
            {move || (profile.with(|p| p.is_none())).then(|| view! {
                <p class="muted">"填写老人信息后，这里会显示为老人家服务的机构的 24 小时电话。"</p>
            })}
        </section>
    }
}
