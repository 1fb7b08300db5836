//! `/places/:id` — everything about one place: classes and vacancies with their
//! freshness, fees, the organisation and its other places, call and map links.

use crate::app::{set_status, NotFound};
use crate::net::client::ClientError;
use crate::components::badges::{Badges, SampleTag, UncheckedPosition};
use crate::components::freshness::{Confirmed, Updated};
use crate::net::data::use_data;
use crate::rules::format::yuan;
use crate::rules::geo::{map_links, LatLng};
use crate::model::{ErrorBody, PlaceDetail};
use crate::offline::write::entity;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn not_found() -> ClientError {
    ClientError::Api {
        status: 404,
        body: ErrorBody { error: "not_found".into(), message: "没有这个托育机构".into(), fields: vec![], current: None },
    }
}

#[component]
pub fn PlacePage() -> impl IntoView {
    let params = use_params_map();
    let ds = use_data();
    let place = Resource::new(
        move || params.read().get("id").and_then(|s| s.parse::<i64>().ok()).filter(|&id| id > 0),
        move |id| {
            let fut = id.map(|id| ds.place(id));
            async move {
                match fut {
                    None => Err(not_found()),
                    Some(f) => f.await,
                }
            }
        },
    );
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Ok(p)) = place.get() {
            crate::offline::cache::browser::remember_detail(&p);
        }
    });
    // A page answered from the phone's copy (`from_cache`: opened before, or built from the
    // kept district) is checked with the server in the background, as the search is: the
    // server's page replaces it when it comes; a link too slow for the read timeout leaves the
    // kept page up, saying so. Keyed by the place, so a late answer never lands on another.
    let checked = RwSignal::new(None::<(i64, Result<PlaceDetail, ClientError>)>);
    #[cfg(feature = "hydrate")]
    {
        let d = crate::offline::sync::use_device();
        Effect::new(move |_| {
            let Some(Ok(p)) = place.get() else { return };
            let id = p.summary.id;
            let done = checked.with_untracked(|c| c.as_ref().is_some_and(|(k, _)| *k == id));
            if p.from_cache.is_none() || done || !d.online.get_untracked() {
                return;
            }
            leptos::task::spawn_local(async move {
                let answer = crate::net::client::ApiClient::same_origin().place(id).await;
                if let Ok(fresh) = &answer {
                    crate::offline::cache::browser::remember_detail(fresh);
                }
                checked.set(Some((id, answer)));
            });
        });
    }
    let shown = move |p: PlaceDetail| -> Result<(PlaceDetail, bool), ClientError> {
        let id = p.summary.id;
        checked.with(|c| match c {
            Some((k, Ok(fresh))) if *k == id => Ok((fresh.clone(), false)),
            Some((k, Err(e))) if *k == id && e.is_not_found() => Err(e.clone()),
            Some((k, Err(_))) if *k == id => Ok((p, true)),
            _ => Ok((p, false)),
        })
    };
    view! {
        <Suspense fallback=|| view! { <p class="loading">"正在载入…"</p> }>
            {move || Suspend::new(async move {
                match place.await.and_then(shown) {
                    Ok((p, slow)) => view! { <PlaceView p slow /> }.into_any(),
                    Err(e) if e.is_not_found() => {
                        set_status(404);
                        view! { <NotFound /> }.into_any()
                    }
                    Err(e) => view! { <p class="error panel" role="alert">{format!("载入失败：{e}")}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PlaceView(p: PlaceDetail, slow: bool) -> impl IntoView {
    let s = p.summary;
    let gcj = LatLng::new(s.lat, s.lng);
    let links = map_links(gcj, &s.name);
    let tel = format!("tel:{}", s_phone_digits(&p.phone));
    let org = p.organisation;
    let puhui_fee = s.puhui_fee_yuan.filter(|_| s.puhui);
    let classes = s.classes.clone();
    let (from_cache, partial) = (p.from_cache, p.partial);
    let place_id = s.id;
    let has_classes = !s.classes.is_empty();
    // Timeslots are fetched after hydration (and kept for offline booking).
    let timeslots = crate::pages::parents::ask::use_timeslots(move || Some(place_id));
    let has_trial = move || {
        timeslots.with(|x| x.as_ref().is_some_and(|(r, _)| r.openings.iter().any(|o| o.kind == crate::model::RequestKind::Trial)))
    };
    view! {
        <Title text=format!("{} · 一老一小", s.name) />
        <article class="place">
            {from_cache.map(|at| view! { <crate::pages::parents::home::CachedNote at slow /> })}
            {partial.then(|| view! { <p class="cached-note">"这个机构还没有在线打开过：机构信息、开放时间和电话需联网后显示。"</p> })}
            <p class="back">
                <a href="/" on:click=|ev| {
                    #[cfg(feature = "hydrate")]
                    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                        if h.length().unwrap_or(0) > 1 {
                            ev.prevent_default();
                            let _ = h.back();
                        }
                    }
                    let _ = &ev;
                }>"← 返回"</a>
            </p>
            <header class="panel">
                <h1>
                    {s.name.clone()}
                    <SampleTag is_sample=s.is_sample />
                </h1>
                <Badges puhui=s.puhui badges=s.badges.clone() provider_type=s.provider_type />
                <p class="address">
                    {format!("{}{} · {}", s.district_name, s.street_name, s.address)}
                    " "
                    <UncheckedPosition unverified=s.location_unverified />
                </p>
                <p class="hours">{format!("开放时间：{}", p.opening_hours)}</p>
                <div class="actions">
                    {(!p.phone.is_empty()).then(|| view! {
                        <a class="button primary" href=tel.clone()>
                            {format!("拨打电话 {}", p.phone)}
                        </a>
                    })}
                    <SaveButton place_id=s.id name=s.name.clone() />
                </div>
            </header>

            <section class="panel asks">
                <h2>"预约与申请"</h2>
                <div class="actions">
                    <a class="button" href=format!("/places/{}/ask?kind=visit", s.id)>"预约参观"</a>
                    {move || has_trial().then(|| view! {
                        <a class="button" href=format!("/places/{place_id}/ask?kind=trial")>"免费入托体验"</a>
                    })}
                    {has_classes.then(|| view! {
                        <a class="button" href=format!("/places/{place_id}/ask?kind=application")>"申请托位"</a>
                    })}
                </div>
                <p class="muted">"只需留下称呼和手机号；没有网络也能提交，联网后自动发送。"</p>
            </section>

            <section class="panel">
                <h2>"托位与空位"</h2>
                <table class="classes">
                    <thead>
                        <tr>
                            <th scope="col">"班级 · 形式"</th>
                            <th scope="col">"托位"</th>
                            <th scope="col">"在托"</th>
                            <th scope="col">"普惠托位"</th>
                            <th scope="col">"空位"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {classes
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <tr data-age-band=c.age_band.code() data-care-mode=c.care_mode.code() data-class-id=c.id>
                                        <th scope="row">
                                            {c.age_band.label_with_ages()}
                                            <br />
                                            <small class="mode">{c.care_mode.label()}</small>
                                        </th>
                                        <td>{c.capacity}</td>
                                        <td>{c.enrolled}</td>
                                        <td>{c.puhui_slots}</td>
                                        <td class="vac">
                                            <strong class:open={c.vacancies > 0}>{c.vacancies}</strong>
                                            <br />
                                            <Confirmed at=c.confirmed_at />
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </section>

            <section class="panel">
                <h2>"收费"</h2>
                <ul class="fees">
                    {puhui_fee.map(|f| view! { <li class="puhui-fee">{format!("普惠托位：{} / 月", yuan(f))}</li> })}
                    {s
                        .care_modes
                        .iter()
                        .map(|c| view! { <li>{format!("{}：{} / {}", c.care_mode.label(), yuan(c.fee_yuan), c.unit.label())}</li> })
                        .collect_view()}
                </ul>
                <p class="muted">
                    "收费信息 " <Updated at=s.updated_at /> "，以机构实际收费为准。"
                </p>
            </section>

            <section class="panel">
                <h2>"机构信息"</h2>
                <dl class="facts">
                    <dt>"举办机构"</dt>
                    <dd>{org.name.clone()} <SampleTag is_sample=org.is_sample /></dd>
                    <dt>"统一社会信用代码"</dt>
                    <dd class="mono">{org.uscc.clone()}</dd>
                    <dt>"备案状态"</dt>
                    <dd>
                        {org.beian_status.label()}
                        {org.beian_number.clone().map(|n| format!("（备案号 {n}）"))}
                    </dd>
                    <dt>"本点性质"</dt>
                    <dd>{if p.is_main { "主园（总部）" } else { "社区托育点（一照多址）" }}</dd>
                </dl>
                {(!p.siblings.is_empty())
                    .then(|| {
                        view! {
                            <h3>"同一机构的其他托育点"</h3>
                            <ul class="siblings">
                                {p
                                    .siblings
                                    .iter()
                                    .map(|x| {
                                        view! {
                                            <li>
                                                <a href=format!("/places/{}", x.id)>{x.name.clone()}</a>
                                                {format!(" · {}{}", x.street_name, if x.is_main { " · 主园" } else { "" })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    })}
            </section>

            <section class="panel">
                <h2>"到这里去"</h2>
                <p class="muted">{format!("坐标（GCJ-02）：{:.6}, {:.6}", s.lat, s.lng)}</p>
                <ul class="nav-links">
                    {links
                        .into_iter()
                        .map(|l| {
                            view! {
                                <li>
                                    <a class="button" href=l.href rel="noopener" target="_blank" data-datum=l.datum>
                                        {format!("{}（{}）", l.label, l.datum)}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <p class="muted">"高德地图使用 GCJ-02 坐标；百度地图使用 BD-09，已换算；Apple 地图使用 WGS-84，已换算。"</p>
            </section>
        </article>
    }
}

/// 收藏 / 已收藏: shown at once, delivered through the outbox.
#[component]
fn SaveButton(place_id: i64, name: String) -> impl IntoView {
    let d = crate::offline::sync::use_device();
    let name = StoredValue::new(name);
    let saved = move || d.is_saved(place_id);
    let pending = move || d.has_pending(&entity::favorite(place_id));
    view! {
        <button
            class="save"
            aria-pressed=move || saved().to_string()
            on:click=move |_| crate::offline::sync::toggle_saved(d, place_id, name.get_value())
        >
            {move || if saved() { "★ 已收藏" } else { "☆ 收藏" }}
        </button>
        {move || pending().then(|| view! { <p class="pending-tag" role="status">"已保存在本机，待发送"</p> })}
    }
}

fn s_phone_digits(phone: &str) -> String {
    phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect()
}
