//! An organisation's places on the admin desk: listed when opened, 新增点位 (1+N: main centre
//! or community point; without a position it stands at the 街道 centre, shown to parents as
//! 位置待核实) and 关闭 (parents no longer find it). Online only, like every admin write; the
//! same content is retried with the same Idempotency-Key.

#[cfg(feature = "hydrate")]
use super::admin::send;
use super::admin::{Attempt, Sent};
use crate::components::field_msg::FieldMsg;
use crate::model::{CareMode, CareModeFeeEdit, District, FieldError, OperatorPlace, PlaceCreate, ProviderType};
use leptos::prelude::*;

#[component]
/// (The organisations' list above is not reloaded after a change here: that would re-render
/// every row and fold this one away; its own list below is the current one.)
pub fn OrgPlaces(org_id: i64, districts: RwSignal<Vec<District>>, csrf: String) -> impl IntoView {
    let places = RwSignal::new(None::<Vec<OperatorPlace>>);
    let note = RwSignal::new(None::<String>);
    let last = RwSignal::new(None::<Attempt>);
    let csrf = StoredValue::new(csrf);
    let load = move || {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::net::client::ApiClient::same_origin().admin_org_places(org_id).await {
                Ok(p) => places.set(Some(p)),
                Err(e) => note.set(Some(format!("无法读取点位：{e}"))),
            }
        });
    };
    let open = RwSignal::new(false);
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() && places.get_untracked().is_none() {
            load();
        }
    };
    let close = move |p: OperatorPlace| {
        #[cfg(feature = "hydrate")]
        {
            let ok = web_sys::window()
                .and_then(|w| w.confirm_with_message(&format!("关闭点位“{}”？关闭后家长不再能找到它。", p.name)).ok())
                .unwrap_or(false);
            if !ok {
                return;
            }
            let path = crate::net::client::ApiClient::admin_close_place_path(p.id);
            leptos::task::spawn_local(async move {
                match send(&csrf.get_value(), &path, serde_json::json!({}), last).await {
                    Sent::Created(v) => {
                        places.set(serde_json::from_value(v).ok());
                        note.set(Some(format!("已关闭：{}", p.name)));
                    }
                    Sent::Refused(m, _) => note.set(Some(m)),
                    Sent::Offline => note.set(Some("未联网，没有关闭；联网后再试".into())),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (p, csrf, last);
    };
    view! {
        <div class="org-places">
            <button type="button" class="places-toggle" aria-expanded=move || open.get().to_string() on:click=toggle>
                {move || if open.get() { "点位 ▾" } else { "点位 ▸" }}
            </button>
            <div class="org-places-body" hidden=move || !open.get()>
            {move || note.get().map(|n| view! { <p class="cached-note" role="status">{n}</p> })}
            <ul class="admin-list places">
                {move || places.get().map(|list| {
                    if list.is_empty() {
                        return view! { <li class="muted">"还没有点位"</li> }.into_any();
                    }
                    list.into_iter().map(|p| {
                        let p2 = p.clone();
                        view! {
                            <li data-place-id=p.id>
                                {format!("{}（{}）", p.name, p.street_name)}
                                <button class="disable" type="button" on:click=move |_| close(p2.clone())>"关闭"</button>
                            </li>
                        }
                    }).collect_view().into_any()
                })}
            </ul>
            <NewPlace org_id districts places csrf=csrf.get_value() />
            </div>
        </div>
    }
}

#[component]
fn NewPlace(org_id: i64, districts: RwSignal<Vec<District>>, places: RwSignal<Option<Vec<OperatorPlace>>>, csrf: String) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(ProviderType::PureChildcare.code().to_string());
    let main = RwSignal::new("main".to_string());
    let street = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let lat = RwSignal::new(String::new());
    let lng = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let hours = RwSignal::new(String::new());
    let fees: Vec<(CareMode, RwSignal<String>)> = CareMode::ALL.iter().map(|m| (*m, RwSignal::new(String::new()))).collect();
    let fees = StoredValue::new(fees);
    let puhui = RwSignal::new(false);
    let puhui_fee = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let result = RwSignal::new(None::<Sent>);
    let busy = RwSignal::new(false);
    let last = RwSignal::new(None::<Attempt>);
    #[cfg(not(feature = "hydrate"))]
    let _ = (org_id, places, csrf.clone(), last);
    let csrf = StoredValue::new(csrf);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let num = |s: RwSignal<String>| s.get_untracked().trim().parse::<f64>().ok();
        let new = PlaceCreate {
            name: name.get_untracked().trim().to_string(),
            is_main: main.get_untracked() == "main",
            provider_type: ProviderType::from_code(&kind.get_untracked()).unwrap_or(ProviderType::PureChildcare),
            street_id: street.get_untracked(),
            address: address.get_untracked().trim().to_string(),
            lat: num(lat),
            lng: num(lng),
            opening_hours: hours.get_untracked().trim().to_string(),
            phone: phone.get_untracked().trim().to_string(),
            care_modes: fees.with_value(|f| {
                f.iter()
                    .filter_map(|(m, v)| v.get_untracked().trim().parse::<u32>().ok().map(|fee_yuan| CareModeFeeEdit { care_mode: *m, fee_yuan }))
                    .collect()
            }),
            puhui: puhui.get_untracked(),
            puhui_fee_yuan: puhui_fee.get_untracked().trim().parse().ok(),
        };
        let problems = new.validate();
        errors.set(problems.clone());
        result.set(None);
        if !problems.is_empty() {
            return;
        }
        busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let body = serde_json::to_value(&new).unwrap_or_default();
            let path = crate::net::client::ApiClient::admin_org_places_path(org_id);
            let r = send(&csrf.get_value(), &path, body, last).await;
            match &r {
                Sent::Created(v) => {
                    if let Ok(p) = serde_json::from_value::<OperatorPlace>(v.clone()) {
                        places.update(|l| l.get_or_insert_with(Vec::new).push(p));
                    }
                    name.set(String::new());
                    address.set(String::new());
                    lat.set(String::new());
                    lng.set(String::new());
                }
                Sent::Refused(_, f) => errors.set(f.clone()),
                Sent::Offline => {}
            }
            result.set(Some(r));
            busy.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (new, csrf);
    };
    view! {
        <form class="place-form" on:submit=submit novalidate>
            <h4>"新增点位"</h4>
            <label>"点位名称（家长看到的名称）" <input type="text" name="place_name" maxlength="60" bind:value=name /></label>
            <FieldMsg errors field="name" />
            <label>
                "机构类型"
                <select name="provider_type" on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=move || kind.get()>
                    {ProviderType::ALL.iter().map(|t| view! { <option value=t.code()>{t.label()}</option> }).collect_view()}
                </select>
            </label>
            <label>
                "点位类别"
                <select name="is_main" on:change=move |ev| main.set(event_target_value(&ev)) prop:value=move || main.get()>
                    <option value="main">"主园区"</option>
                    <option value="point">"社区点"</option>
                </select>
            </label>
            <label>
                "所在街道"
                <select name="street_id" on:change=move |ev| street.set(event_target_value(&ev)) prop:value=move || street.get()>
                    <option value="">"请选择"</option>
                    {move || districts.get().into_iter().map(|d| view! {
                        <optgroup label=format!("{}{}", d.city, d.name)>
                            {d.streets.into_iter().map(|s| view! { <option value=s.id.clone()>{s.name.clone()}</option> }).collect_view()}
                        </optgroup>
                    }).collect_view()}
                </select>
            </label>
            <FieldMsg errors field="street_id" />
            <label>"详细地址" <input type="text" name="address" maxlength="100" bind:value=address /></label>
            <FieldMsg errors field="address" />
            <label>"纬度（GCJ-02，可不填：不填按街道中心定位，向家长显示“位置待核实”）" <input type="text" name="lat" inputmode="decimal" bind:value=lat /></label>
            <label>"经度（GCJ-02）" <input type="text" name="lng" inputmode="decimal" bind:value=lng /></label>
            <FieldMsg errors field="lat" />
            <label>"电话" <input type="tel" name="place_phone" maxlength="20" bind:value=phone /></label>
            <FieldMsg errors field="phone" />
            <label>"开放时间" <input type="text" name="opening_hours" maxlength="100" bind:value=hours /></label>
            <FieldMsg errors field="opening_hours" />
            <fieldset class="fees">
                <legend>"托育形式与收费（元；提供哪种填哪种）"</legend>
                {fees.with_value(|f| f.iter().map(|(m, v)| {
                    let v = *v;
                    view! {
                        <label>
                            {format!("{}（元/{}）", m.label(), m.fee_unit().label())}
                            <input type="number" name=format!("fee_{}", m.code()) min="1" bind:value=v />
                        </label>
                    }
                }).collect_view())}
            </fieldset>
            <FieldMsg errors field="care_modes" />
            <label class="check"><input type="checkbox" name="puhui" bind:checked=puhui /> "提供普惠托位"</label>
            {move || puhui.get().then(|| view! {
                <label>"普惠收费（元/月）" <input type="number" name="puhui_fee_yuan" min="1" bind:value=puhui_fee /></label>
            })}
            <FieldMsg errors field="puhui_fee_yuan" />
            <button class="primary" type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "正在提交…" } else { "新增点位" }}
            </button>
            {move || result.get().map(|r| match r {
                Sent::Created(v) => view! { <p class="sent-tag" role="status">{format!("已新增点位：{}", v["name"].as_str().unwrap_or(""))}</p> }.into_any(),
                Sent::Refused(m, _) => view! { <p class="field-error" role="alert">{m}</p> }.into_any(),
                Sent::Offline => view! {
                    <p class="field-error" role="alert">"未联网，没有提交。填写的内容已保留，联网后再点一次即可（不会重复创建）。"</p>
                }.into_any(),
            })}
        </form>
    }
}
