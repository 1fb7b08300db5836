//! The operator desk's forms: a class's figures (托位 / 在托 / 空位), a new class in a
//! care mode the place offers, and the place's facts (hours, phone, care modes and
//! fees, 普惠 price). Each is checked on the tablet with the server's own rules, then
//! saved on the device and sent through the outbox like every other operator write.

use crate::components::field_msg::FieldMsg;
use crate::offline::sync::{enqueue, use_device};
use crate::model::{
    validate_class_figures, AgeBand, CareMode, CareModeFeeEdit, ClassCreate, ClassEdit, ClassState, FieldError, PlaceDetail,
    PlaceEdit,
};
use crate::offline::write::{Body, Write};
use crate::offline::write::entity;
use leptos::prelude::*;

fn err(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), message: message.into() }
}

/// A whole number typed into a field, or a message naming it.
fn int(raw: &str, field: &str, what: &str, errors: &mut Vec<FieldError>) -> i64 {
    match raw.trim().parse::<i64>() {
        Ok(v) => v,
        Err(_) => {
            errors.push(err(field, format!("{what}请填写整数")));
            0
        }
    }
}

/// The place's facts as last read, for the forms: from the server when online,
/// otherwise as last seen on this tablet.
fn use_place_detail(place_id: i64) -> RwSignal<Option<PlaceDetail>> {
    let detail = RwSignal::new(None::<PlaceDetail>);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let key = crate::offline::store::keys::desk("place", place_id);
        let fetch = async move { crate::net::client::ApiClient::same_origin().place(place_id).await.map(Some) };
        detail.set(crate::offline::desk_cached(&key, None, fetch).await.0);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = place_id;
    detail
}

/// Where an entity's queued write stands, in words (nothing when nothing is queued).
#[component]
fn QueuedState(entity: String) -> impl IntoView {
    let d = use_device();
    move || {
        d.latest_of(&entity).map(|i| {
            if i.quarantined {
                view! {
                    <p class="field-error" role="alert">
                        {format!("服务器未接受：{}（可在“待发送”页重试或丢弃）", i.last_error.unwrap_or_default())}
                    </p>
                }
                .into_any()
            } else {
                view! { <p class="pending-tag">"已保存在本机，待发送"</p> }.into_any()
            }
        })
    }
}

/// 托位 / 在托 / 空位 of one class, based on the version the tablet shows.
#[component]
pub fn ClassEditForm(
    c: ClassState,
    edit: impl Fn(i64, ClassEdit, String) + Copy + Send + Sync + 'static,
    editing: RwSignal<bool>,
) -> impl IntoView {
    let capacity = RwSignal::new(c.capacity.to_string());
    let enrolled = RwSignal::new(c.enrolled.to_string());
    let vacancies = RwSignal::new(c.vacancies.to_string());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let label = format!("{} · {}", c.age_band.label(), c.care_mode.label());
    let (id, version, puhui) = (c.class_id, c.version, c.puhui_slots);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut e = Vec::new();
        let cap = int(&capacity.get_untracked(), "capacity", "托位", &mut e);
        let enr = int(&enrolled.get_untracked(), "enrolled", "在托", &mut e);
        let vac = int(&vacancies.get_untracked(), "vacancies", "空位", &mut e);
        if e.is_empty() {
            e = validate_class_figures(cap, enr, vac, puhui);
        }
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        let change = ClassEdit { version, capacity: cap, enrolled: enr, vacancies: vac, resolution: None };
        edit(id, change, format!("{label} 托位 {cap} · 在托 {enr} · 空位 {vac}"));
        editing.set(false);
    };
    view! {
        <form class="figures" on:submit=submit novalidate>
            <label>
                "托位"
                <input type="number" inputmode="numeric" name="capacity" min="0" bind:value=capacity />
            </label>
            <FieldMsg errors field="capacity" />
            <label>
                "在托"
                <input type="number" inputmode="numeric" name="enrolled" min="0" bind:value=enrolled />
            </label>
            <FieldMsg errors field="enrolled" />
            <label>
                "空位"
                <input type="number" inputmode="numeric" name="vacancies" min="0" bind:value=vacancies />
            </label>
            <FieldMsg errors field="vacancies" />
            <p class="muted">
                {if puhui > 0 { format!("空位最多为 托位 − 在托；其中普惠托位 {puhui} 个。") } else { "空位最多为 托位 − 在托。".to_string() }}
            </p>
            <div class="row">
                <button class="primary" type="submit">"保存"</button>
                <button type="button" on:click=move |_| editing.set(false)>"取消"</button>
            </div>
        </form>
    }
    .into_any()
}

/// A new class × care mode at the place.
#[component]
pub fn AddClassForm(place_id: i64, classes: RwSignal<Vec<ClassState>>) -> impl IntoView {
    let d = use_device();
    let detail = use_place_detail(place_id);
    let band = RwSignal::new(AgeBand::Toddler.code().to_string());
    let mode = RwSignal::new(String::new());
    let capacity = RwSignal::new(String::new());
    let enrolled = RwSignal::new("0".to_string());
    let vacancies = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let offered = move || -> Vec<CareMode> {
        detail.with(|p| match p {
            Some(p) => p.summary.care_modes.iter().map(|m| m.care_mode).collect(),
            None => CareMode::ALL.to_vec(),
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut e = Vec::new();
        let b = AgeBand::from_code(&band.get_untracked());
        let m = CareMode::from_code(&mode.get_untracked()).or_else(|| offered().first().copied());
        let cap = int(&capacity.get_untracked(), "capacity", "托位", &mut e);
        let enr = int(&enrolled.get_untracked(), "enrolled", "在托", &mut e);
        let vac = int(&vacancies.get_untracked(), "vacancies", "空位", &mut e);
        if e.is_empty() {
            e = validate_class_figures(cap, enr, vac, 0);
        }
        let (Some(b), Some(m)) = (b, m) else {
            e.push(err("care_mode", "请选择班级和托育形式"));
            errors.set(e);
            return;
        };
        if !offered().contains(&m) {
            e.push(err("care_mode", format!("本托育点没有提供{}，请先在“机构信息”里添加", m.label())));
        }
        if classes.with_untracked(|cs| cs.iter().any(|c| c.age_band == b && c.care_mode == m)) {
            e.push(err("age_band", format!("{}的{}已经有了，请直接修改它的托位", b.label(), m.label())));
        }
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        let new = ClassCreate { age_band: b, care_mode: m, capacity: cap, enrolled: enr, vacancies: vac };
        let label = format!("新增 {} · {}（托位 {cap} · 在托 {enr} · 空位 {vac}）", b.label(), m.label());
        enqueue(d, label, Write::CreateClass { place_id, class: Body::new(&new) });
        capacity.set(String::new());
        vacancies.set(String::new());
        enrolled.set("0".into());
    };
    view! {
        <form class="add-class" on:submit=submit novalidate>
            <label>
                "班级"
                <select name="age_band" on:change=move |ev| band.set(event_target_value(&ev)) prop:value=move || band.get()>
                    {AgeBand::ALL.iter().map(|b| view! { <option value=b.code()>{b.label_with_ages()}</option> }).collect_view()}
                </select>
            </label>
            <FieldMsg errors field="age_band" />
            <label>
                "托育形式"
                <select name="care_mode" on:change=move |ev| mode.set(event_target_value(&ev))>
                    {move || offered().into_iter().map(|m| view! { <option value=m.code()>{m.label()}</option> }).collect_view()}
                </select>
            </label>
            <FieldMsg errors field="care_mode" />
            <div class="row3">
                <label>
                    "托位"
                    <input type="number" inputmode="numeric" name="capacity" min="0" bind:value=capacity />
                </label>
                <label>
                    "在托"
                    <input type="number" inputmode="numeric" name="enrolled" min="0" bind:value=enrolled />
                </label>
                <label>
                    "空位"
                    <input type="number" inputmode="numeric" name="vacancies" min="0" bind:value=vacancies />
                </label>
            </div>
            <FieldMsg errors field="capacity" />
            <FieldMsg errors field="enrolled" />
            <FieldMsg errors field="vacancies" />
            <button class="primary" type="submit">"新增班级"</button>
        </form>
    }
    .into_any()
}

/// Hours, phone, care modes with fees and the 普惠 price of a place.
#[component]
pub fn PlaceEditForm(place_id: i64) -> impl IntoView {
    let d = use_device();
    let detail = use_place_detail(place_id);
    let entity = entity::place(place_id);
    let hours = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let puhui_fee = RwSignal::new(String::new());
    // per care mode: offered, fee as typed
    let modes: Vec<(CareMode, RwSignal<bool>, RwSignal<String>)> =
        CareMode::ALL.iter().map(|&m| (m, RwSignal::new(false), RwSignal::new(String::new()))).collect();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let saved = RwSignal::new(false);

    // Fill the form once: from a queued edit if there is one (what the tablet last
    // decided), otherwise from the place as last read.
    let modes_fill = modes.clone();
    let ent = entity.clone();
    Effect::new(move |filled: Option<bool>| {
        if filled == Some(true) {
            return true;
        }
        let queued: Option<PlaceEdit> =
            d.latest_of(&ent).and_then(|i| match i.write {
                Write::EditPlace { edit, .. } => edit.get(),
                _ => None,
            });
        let from_detail = detail.get().map(|p| PlaceEdit {
            opening_hours: p.opening_hours.clone(),
            phone: p.phone.clone(),
            care_modes: p.summary.care_modes.iter().map(|m| CareModeFeeEdit { care_mode: m.care_mode, fee_yuan: m.fee_yuan }).collect(),
            puhui_fee_yuan: p.summary.puhui_fee_yuan,
        });
        let Some(e) = queued.or(from_detail) else { return false };
        hours.set(e.opening_hours);
        phone.set(e.phone);
        puhui_fee.set(e.puhui_fee_yuan.map(|f| f.to_string()).unwrap_or_default());
        for (m, on, fee) in &modes_fill {
            let found = e.care_modes.iter().find(|x| x.care_mode == *m);
            on.set(found.is_some());
            fee.set(found.map(|x| x.fee_yuan.to_string()).unwrap_or_default());
        }
        true
    });

    let has_puhui = move || detail.with(|p| p.as_ref().is_some_and(|p| p.summary.puhui));
    let modes_submit = modes.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let mut e = Vec::new();
        let mut care_modes = Vec::new();
        for (m, on, fee) in &modes_submit {
            if on.get_untracked() {
                match fee.get_untracked().trim().parse::<u32>() {
                    Ok(f) => care_modes.push(CareModeFeeEdit { care_mode: *m, fee_yuan: f }),
                    Err(_) => e.push(err("care_modes", format!("{}的收费请填写整数金额（元）", m.label()))),
                }
            }
        }
        let puhui = has_puhui();
        let pf = puhui_fee.get_untracked();
        let puhui_fee_yuan = match pf.trim() {
            "" => None,
            s => match s.parse::<u32>() {
                Ok(v) => Some(v),
                Err(_) => {
                    e.push(err("puhui_fee_yuan", "普惠价格请填写整数金额（元/月）"));
                    None
                }
            },
        };
        let edit = PlaceEdit { opening_hours: hours.get_untracked(), phone: phone.get_untracked(), care_modes, puhui_fee_yuan };
        if e.is_empty() {
            e = edit.validate(puhui);
        }
        if !e.is_empty() {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        let name = detail.with_untracked(|p| p.as_ref().map(|p| p.summary.name.clone()).unwrap_or_default());
        {
            enqueue(d, format!("修改机构信息 {name}"), Write::EditPlace { place_id, edit: Body::new(&edit) });
            saved.set(true);
        }
    };
    view! {
        <form class="place-edit" on:submit=submit novalidate>
            {move || detail.with(|p| p.as_ref().and_then(|p| p.from_cache).map(|_| view! {
                <p class="cached-note">"离线：以下为本机上次读取的机构信息。"</p>
            }))}
            <label>
                "开放时间"
                <input type="text" name="opening_hours" maxlength="100" bind:value=hours />
            </label>
            <FieldMsg errors field="opening_hours" />
            <label>
                "咨询电话"
                <input type="tel" name="phone" inputmode="tel" autocomplete="off" bind:value=phone />
            </label>
            <FieldMsg errors field="phone" />
            <fieldset class="modes">
                <legend>"托育形式与收费"</legend>
                {modes
                    .iter()
                    .map(|&(m, on, fee)| {
                        view! {
                            <div class="mode-fee" data-care-mode=m.code()>
                                <label class="check">
                                    <input type="checkbox" bind:checked=on />
                                    {format!("提供{}", m.label())}
                                </label>
                                <label>
                                    {format!("{}收费（元/{}）", m.label(), m.fee_unit().label())}
                                    <input type="number" inputmode="numeric" min="1" bind:value=fee disabled=move || !on.get() />
                                </label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <FieldMsg errors field="care_modes" />
            {move || has_puhui().then(|| view! {
                <label>
                    "普惠价格（元/月）"
                    <input type="number" inputmode="numeric" name="puhui_fee_yuan" min="1" bind:value=puhui_fee />
                </label>
            })}
            <FieldMsg errors field="puhui_fee_yuan" />
            <button class="primary" type="submit">"保存机构信息"</button>
            <QueuedState entity=entity.clone() />
            {move || (saved.get() && d.latest_of(&entity).is_none()).then(|| view! { <p class="sent-tag">"已发送，家长下次同步即可看到"</p> })}
        </form>
    }
    .into_any()
}
