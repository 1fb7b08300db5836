//! `/care/elder`: the older person's profile, kept on this device, with separate consent for
//! the sensitive parts.

use crate::components::field_msg::FieldMsg;
use crate::model::elder::ElderProfile;
use crate::model::{AreasResponse, CapabilityLevel, ElderCategory, FieldError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use super::*;

#[component]
pub fn ElderPage() -> impl IntoView {
    let profile = use_profile();
    // Once the address is known, keep the nearest provider's 24 h line for 助急.
    let _ = use_sos_provider(profile);
    let areas = RwSignal::new(None::<AreasResponse>);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let ds = crate::net::data::use_data();
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
        crate::pages::parents::home::browser::locate(
            move |w| {
                let g = crate::rules::geo::wgs84_to_gcj02(w);
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
            let _ = crate::offline::store::browser::write(KEY_ELDER, &p);
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
