//! `/care/item/:item`: providers that serve the address, nearest first, with the price and
//! who pays what.

use crate::model::elder::{describe, quote, ElderProfile, ProviderHit, ProvidersResponse, SubsidyRule};
use crate::model::ServiceItem;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use super::*;

#[component]
pub fn CareItemPage() -> impl IntoView {
    let params = use_params_map();
    let item = move || params.read().get("item").and_then(|s| ServiceItem::from_code(&s)).filter(|i| *i != ServiceItem::Emergency);
    let profile = use_profile();
    let found = RwSignal::new(None::<(ProvidersResponse, bool)>);
    let rules = RwSignal::new(Vec::<SubsidyRule>::new());
    let error = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let (Some(p), Some(it)) = (profile.get(), item()) else { return };
        leptos::task::spawn_local(async move {
            let c = crate::net::client::ApiClient::same_origin();
            let key = crate::offline::store::keys::providers(&p.street_id, it.code());
            match fetch_providers(&p, Some(it)).await {
                Ok(r) => {
                    let _ = crate::offline::store::browser::write(&key, &r);
                    // keep a 24 h line for 助急 even if /care was never opened online
                    let sos = crate::offline::store::keys::sos(&p.street_id);
                    if crate::offline::store::browser::read::<ProviderHit>(&sos).is_none() {
                        if let Some(h) = r.providers.first() {
                            let _ = crate::offline::store::browser::write(&sos, h);
                        }
                    }
                    found.set(Some((r, false)));
                }
                Err(e) => match crate::offline::store::browser::read::<ProvidersResponse>(&key) {
                    Some(r) => found.set(Some((r, true))),
                    None => error.set(Some(format!("无法读取服务机构：{e}"))),
                },
            }
            match c.subsidy_rules().await {
                Ok(r) => {
                    let _ = crate::offline::store::browser::write(KEY_RULES, &r);
                    rules.set(r);
                }
                Err(_) => rules.set(crate::offline::store::browser::read(KEY_RULES).unwrap_or_default()),
            }
        });
    });
    view! {
        <Title text=move || format!("{} · 上门服务", item().map(|i| i.label()).unwrap_or("服务")) />
        <SosBar />
        <section class="panel">
            <p class="back"><A href="/care">"← 全部服务"</A></p>
            <h1>{move || item().map(|i| i.label()).unwrap_or("没有这个服务")}</h1>
            <p class="muted">{move || item().map(describe).unwrap_or("")}</p>
            {move || (profile.with(|p| p.is_none())).then(|| view! {
                <p class="cached-note">"先填写老人的信息，才能找到上门的机构。"</p>
                <A href="/care/elder" attr:class="button primary">"填写老人信息"</A>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            {move || found.get().map(|(r, cached)| {
                let p = profile.get();
                let it = item();
                let rs = rules.get();
                view! {
                    {cached.then(|| view! { <p class="cached-note">{format!("离线：以下为{}读取的机构和价格。", crate::rules::format::ago(r.generated_at, crate::app::use_now()))}</p> })}
                    {r.providers.is_empty().then(|| view! { <p class="empty">"没有找到为这个地址提供该服务的机构。"</p> })}
                    <ul class="providers">
                        {r.providers.into_iter().map(|h| view! { <ProviderCard h item=it profile=p.clone() rules=rs.clone() /> }).collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}

#[component]
fn ProviderCard(h: ProviderHit, item: Option<ServiceItem>, profile: Option<ElderProfile>, rules: Vec<SubsidyRule>) -> impl IntoView {
    let offer = item.and_then(|i| h.items.iter().find(|x| x.item == i).cloned());
    let price = offer.as_ref().map(|o| {
        let q = profile.as_ref().map(|p| quote(&rules, p, o.item, o.market_price_yuan));
        let modes = o.meal_modes.iter().map(|m| m.label()).collect::<Vec<_>>().join("、");
        (o.clone(), q, modes)
    });
    view! {
        <li class="provider" data-provider-id=h.id>
            <h2>{h.name.clone()} {h.is_sample.then(|| view! { <span class="sample-tag">"示例"</span> })}</h2>
            <p class="meta">
                <span class="distance">{crate::rules::format::distance(h.distance_m)}</span>
                {format!(" · {} · {}", h.kind.label(), h.serves)}
            </p>
            {price.map(|(o, q, modes)| view! {
                <p class="fee">{format!("{} 元 / 次 · 约 {} 分钟", o.market_price_yuan, o.duration_min)}</p>
                {(!modes.is_empty()).then(|| view! { <p class="muted">{format!("方式：{modes}")}</p> })}
                {q.map(|q| {
                    let who = if q.public_pays_yuan > 0 {
                        format!(
                            "{}承担 {} 元，家庭支付 {} 元",
                            q.payer.map(|p| p.label()).unwrap_or("政府"),
                            q.public_pays_yuan,
                            q.family_pays_yuan
                        )
                    } else {
                        format!("家庭支付 {} 元（市场价）", q.family_pays_yuan)
                    };
                    view! {
                        <div class="quote" data-rule=q.rule_id.unwrap_or(0)>
                            <p class="who-pays"><strong>{who}</strong></p>
                            <p class="why">{format!("依据：{}", q.rule_name.clone().unwrap_or_else(|| "市场价".into()))}</p>
                            <p class="muted">{q.explanation.clone()}</p>
                            {q.needs_confirmation.then(|| view! { <p class="muted">"补贴需机构核实老人的身份类别或能力评估后生效；核实前按市场价预估。"</p> })}
                        </div>
                    }
                })}
            })}
            {item.map(|i| view! { <A href=format!("/care/order/{}/{}", h.id, i.code()) attr:class="button primary">"预约上门"</A> })}
            <a class="button" href=format!("tel:{}", digits(&h.phone))>{format!("电话咨询 {}", h.phone)}</a>
        </li>
    }
}
