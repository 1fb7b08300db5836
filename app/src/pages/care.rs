//! 居家上门服务 for families: `/care` (the items, and 助急 always at hand), `/care/elder`
//! (the older person's profile, kept on this device, with separate consent for the
//! sensitive parts), `/care/item/:item` (providers that serve the address, nearest
//! first, with the price and who pays what), `/care/sos` (call buttons, online or
//! offline — 助急 is never queued).

use crate::components::field_msg::FieldMsg;
use crate::elder::{describe, quote, ElderProfile, ProviderHit, ProvidersResponse, SubsidyRule};
use crate::types::{AreasResponse, CapabilityLevel, ElderCategory, FieldError, ServiceItem};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

pub const KEY_ELDER: &str = "yl1.elder";
#[cfg(feature = "hydrate")]
const KEY_RULES: &str = "yl1.rules";

/// The profile kept on this device (read after hydration).
fn use_profile() -> RwSignal<Option<ElderProfile>> {
    let p = RwSignal::new(None::<ElderProfile>);
    #[cfg(feature = "hydrate")]
    {
        let d = crate::device::use_device();
        Effect::new(move |_| {
            if d.ready.get() {
                p.set(crate::store::browser::read(KEY_ELDER));
            }
        });
    }
    p
}

/// A red bar with the call buttons' page, on every care page.
#[component]
fn SosBar() -> impl IntoView {
    view! {
        <A href="/care/sos" attr:class="sos-bar">"助急：紧急情况点这里，直接打电话"</A>
    }
}

/// The nearest provider serving the older person's 街道, for its 24 h line: as last
/// fetched on this device (so 助急 works offline), refreshed when online.
fn use_sos_provider(profile: RwSignal<Option<ElderProfile>>) -> RwSignal<Option<ProviderHit>> {
    let provider = RwSignal::new(None::<ProviderHit>);
    #[cfg(not(feature = "hydrate"))]
    let _ = profile;
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(p) = profile.get() else { return };
        let key = format!("yl1.sos.{}", p.street_id);
        if let Some(h) = crate::store::browser::read::<ProviderHit>(&key) {
            provider.set(Some(h));
        }
        leptos::task::spawn_local(async move {
            if let Ok(r) = fetch_providers(&p, None).await {
                if let Some(h) = r.providers.into_iter().next() {
                    let _ = crate::store::browser::write(&key, &h);
                    provider.set(Some(h));
                }
            }
        });
    });
    provider
}

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

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

#[cfg(feature = "hydrate")]
async fn fetch_providers(p: &ElderProfile, item: Option<ServiceItem>) -> Result<ProvidersResponse, crate::client::ClientError> {
    let c = crate::client::ApiClient::same_origin();
    c.providers(p.lat, p.lng, &p.street_id, item).await
}

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
            let c = crate::client::ApiClient::same_origin();
            let key = format!("yl1.providers.{}.{}", p.street_id, it.code());
            match fetch_providers(&p, Some(it)).await {
                Ok(r) => {
                    let _ = crate::store::browser::write(&key, &r);
                    // keep a 24 h line for 助急 even if /care was never opened online
                    let sos = format!("yl1.sos.{}", p.street_id);
                    if crate::store::browser::read::<ProviderHit>(&sos).is_none() {
                        if let Some(h) = r.providers.first() {
                            let _ = crate::store::browser::write(&sos, h);
                        }
                    }
                    found.set(Some((r, false)));
                }
                Err(e) => match crate::store::browser::read::<ProvidersResponse>(&key) {
                    Some(r) => found.set(Some((r, true))),
                    None => error.set(Some(format!("无法读取服务机构：{e}"))),
                },
            }
            match c.subsidy_rules().await {
                Ok(r) => {
                    let _ = crate::store::browser::write(KEY_RULES, &r);
                    rules.set(r);
                }
                Err(_) => rules.set(crate::store::browser::read(KEY_RULES).unwrap_or_default()),
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
                    {cached.then(|| view! { <p class="cached-note">{format!("离线：以下为{}读取的机构和价格。", crate::format::ago(r.generated_at, crate::app::use_now()))}</p> })}
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
                <span class="distance">{crate::format::distance(h.distance_m)}</span>
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

#[component]
pub fn ElderPage() -> impl IntoView {
    let profile = use_profile();
    // Once the address is known, keep the nearest provider's 24 h line for 助急.
    let _ = use_sos_provider(profile);
    let areas = RwSignal::new(None::<AreasResponse>);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let ds = crate::data::use_data();
        if let Ok(a) = ds.areas().await {
            areas.set(Some(a));
        }
    });
    let name = RwSignal::new(String::new());
    let age = RwSignal::new(String::new());
    let district = RwSignal::new(String::new());
    let street = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let alone = RwSignal::new(false);
    let nest = RwSignal::new(false);
    let consent_health = RwSignal::new(false);
    let level = RwSignal::new(String::new());
    let consent_categories = RwSignal::new(false);
    let cats: Vec<(ElderCategory, RwSignal<bool>)> = ElderCategory::ALL.iter().map(|c| (*c, RwSignal::new(false))).collect();
    let position = RwSignal::new(None::<(f64, f64, &'static str)>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let saved = RwSignal::new(false);
    let locating = RwSignal::new(None::<String>);

    // Fill once from the stored profile.
    let cats_fill = cats.clone();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(p) = profile.get() else { return false };
        name.set(p.name.clone());
        age.set(p.age.to_string());
        district.set(p.street_id.rsplit_once('-').map(|(d, _)| d.to_string()).unwrap_or_default());
        street.set(p.street_id.clone());
        detail.set(p.address_detail.clone());
        phone.set(p.phone.clone());
        alone.set(p.lives_alone);
        nest.set(p.empty_nest);
        consent_health.set(p.consent_health);
        level.set(p.capability_level.map(|l| l.code().to_string()).unwrap_or_default());
        consent_categories.set(p.consent_categories);
        for (c, on) in &cats_fill {
            on.set(p.categories.contains(c));
        }
        position.set(Some((p.lat, p.lng, "已保存的位置")));
        true
    });

    let street_centre = move |id: &str| -> Option<(f64, f64)> {
        areas.with(|a| a.as_ref().and_then(|a| a.districts.iter().flat_map(|d| d.streets.iter()).find(|s| s.id == id).map(|s| (s.lat, s.lng))))
    };
    let use_here = move |_| {
        locating.set(Some("正在定位…".into()));
        #[cfg(feature = "hydrate")]
        crate::pages::home::browser::locate(
            move |w| {
                let g = crate::geo::wgs84_to_gcj02(w);
                position.set(Some((g.lat, g.lng, "在老人家里定位")));
                locating.set(None);
            },
            move |e| locating.set(Some(e)),
        );
    };
    let cats_submit = cats.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let st = street.get_untracked();
        let (lat, lng) = match position.get_untracked() {
            Some((a, b, _)) => (a, b),
            None => street_centre(&st).unwrap_or((0.0, 0.0)),
        };
        let p = ElderProfile {
            name: name.get_untracked().trim().to_string(),
            age: age.get_untracked().trim().parse().unwrap_or(0),
            street_id: st,
            address_detail: detail.get_untracked().trim().to_string(),
            lat,
            lng,
            phone: phone.get_untracked().trim().to_string(),
            lives_alone: alone.get_untracked(),
            empty_nest: nest.get_untracked(),
            capability_level: CapabilityLevel::from_code(&level.get_untracked()),
            categories: cats_submit.iter().filter(|(_, on)| on.get_untracked()).map(|(c, _)| *c).collect(),
            consent_health: consent_health.get_untracked(),
            consent_categories: consent_categories.get_untracked(),
        };
        let e = p.validate();
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        #[cfg(feature = "hydrate")]
        {
            let _ = crate::store::browser::write(KEY_ELDER, &p);
        }
        profile.set(Some(p));
        saved.set(true);
    };
    view! {
        <Title text="老人信息 · 上门服务" />
        <section class="panel">
            <p class="back"><A href="/care">"← 上门服务"</A></p>
            <h1>"老人信息"</h1>
            <p class="muted">"只保存在这台手机上；下单时才把需要的部分发给接单的机构。"</p>
            <form class="elder-form" on:submit=submit novalidate>
                <label>"老人称呼" <input type="text" name="elder_name" placeholder="如：张大爷" bind:value=name /></label>
                <FieldMsg errors field="name" />
                <label>"年龄（周岁）" <input type="number" name="age" inputmode="numeric" min="50" max="120" bind:value=age /></label>
                <FieldMsg errors field="age" />
                <label>
                    "所在的区"
                    <select name="district" on:change=move |ev| { district.set(event_target_value(&ev)); street.set(String::new()); } prop:value=move || district.get()>
                        <option value="">"请选择"</option>
                        {move || areas.get().map(|a| a.districts.into_iter().map(|d| view! {
                            <option value=d.id.clone()>{format!("{}{}", d.city, d.name)}</option>
                        }).collect_view())}
                    </select>
                </label>
                <label>
                    "街道"
                    <select name="street" on:change=move |ev| street.set(event_target_value(&ev)) prop:value=move || street.get()>
                        <option value="">"请选择"</option>
                        {move || areas.get().and_then(|a| a.districts.into_iter().find(|d| d.id == district.get())).map(|d| {
                            d.streets.into_iter().map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> }).collect_view()
                        })}
                    </select>
                </label>
                <FieldMsg errors field="street_id" />
                <label>"详细地址（小区、楼栋、门牌）" <input type="text" name="address_detail" bind:value=detail /></label>
                <FieldMsg errors field="address_detail" />
                <div class="position">
                    <p class="muted">
                        {move || match position.get() {
                            Some((_, _, how)) => format!("住址位置：{how}"),
                            None => "住址位置：默认用街道中心；在老人家里时可以用手机定位，更准确。".into(),
                        }}
                    </p>
                    <button type="button" on:click=use_here>"我在老人家里，用当前位置"</button>
                    {move || locating.get().map(|m| view! { <p class="muted" role="status">{m}</p> })}
                </div>
                <FieldMsg errors field="position" />
                <label>"联系电话（老人或紧急联系人）" <input type="tel" name="elder_phone" inputmode="tel" bind:value=phone /></label>
                <FieldMsg errors field="phone" />
                <label class="check"><input type="checkbox" bind:checked=alone />"独居"</label>
                <label class="check"><input type="checkbox" bind:checked=nest />"空巢 / 家中只有老人"</label>

                <fieldset class="sensitive">
                    <legend>"能力评估等级（敏感信息，可不填）"</legend>
                    <p class="muted">"为什么需要：中度、重度失能的困难老人可由政府购买服务全额支付；机构也据此安排护理员。只在下单时发给接单机构，由机构核实。"</p>
                    <label class="check"><input type="checkbox" name="consent_health" bind:checked=consent_health />"我同意提供能力评估等级"</label>
                    <FieldMsg errors field="consent_health" />
                    <label>
                        "评估结果"
                        <select name="capability_level" disabled=move || !consent_health.get()
                            on:change=move |ev| level.set(event_target_value(&ev)) prop:value=move || level.get()>
                            <option value="">"未评估 / 不提供"</option>
                            {CapabilityLevel::ALL.iter().map(|l| view! { <option value=l.code()>{l.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </fieldset>
                <fieldset class="sensitive">
                    <legend>"身份类别（敏感信息，可不填）"</legend>
                    <p class="muted">"为什么需要：特困、低保等老人可享受政府购买服务或服务补贴，价格会更低。只在下单时发给接单机构，由机构核实后补贴才生效。"</p>
                    <label class="check"><input type="checkbox" name="consent_categories" bind:checked=consent_categories />"我同意提供身份类别"</label>
                    <FieldMsg errors field="consent_categories" />
                    {cats.iter().map(|&(c, on)| view! {
                        <label class="check"><input type="checkbox" bind:checked=on disabled=move || !consent_categories.get() />{c.label()}</label>
                    }).collect_view()}
                </fieldset>
                <button class="primary" type="submit">"保存在本机"</button>
                {move || saved.get().then(|| view! {
                    <p class="sent-tag" role="status">"已保存在本机。"</p>
                    <A href="/care">"去选择上门服务"</A>
                })}
            </form>
        </section>
    }
    .into_any()
}
