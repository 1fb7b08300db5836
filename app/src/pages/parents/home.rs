//! `/` — where a parent starts: a position (device or area), the child's birth
//! month, filters; then the nearby places with free 托位 for that age. Every bit
//! of state lives in the URL, so a result list can be shared as a link.

use crate::rules::age::{age_in_months, bands_for_age, no_class_reason, parse_birth_month};
use crate::app::use_now;
use crate::net::client::ClientError;
use crate::components::badges::{Badges, SampleTag, UncheckedPosition};
use crate::components::freshness::{Confirmed, Updated};
use crate::components::map_sketch::MapSketch;
use crate::net::data::use_data;
use crate::rules::format::{distance, yuan};
use crate::rules::geo::LatLng;
use crate::rules::query::{get, PlaceQuery, DEFAULT_RADIUS_M};
use crate::model::{AreasResponse, CareMode, ErrorBody, FieldError, PlaceHit, PlacesResponse, ProviderType};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What the URL asks for, resolved against "now" (for the age).
#[derive(Clone, Debug, PartialEq)]
pub struct SearchInput {
    pub query: Option<PlaceQuery>,
    pub age_months: Option<u16>,
}

/// URL pairs (`birth=YYYY-MM` instead of `age_months`) → the API query.
/// No position and no area yet → `query: None` (the start screen).
pub fn search_input(pairs: &[(String, String)], now: DateTime<Utc>) -> Result<SearchInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let age_months = match get(pairs, "birth") {
        None => None,
        Some(b) => match parse_birth_month(b) {
            None => {
                errors.push(FieldError { field: "birth".into(), message: format!("出生年月应为“年-月”，如 2025-03，收到的是“{b}”") });
                None
            }
            Some(ym) => match age_in_months(ym, now) {
                None => {
                    errors.push(FieldError { field: "birth".into(), message: "出生年月不能晚于本月".into() });
                    None
                }
                a => a,
            },
        },
    };
    let has_origin = ["lat", "lng", "area"].iter().any(|k| get(pairs, k).is_some());
    let mut api: Vec<(String, String)> =
        pairs.iter().filter(|(k, _)| !matches!(k.as_str(), "birth" | "age_months" | "district")).cloned().collect();
    if let Some(a) = age_months {
        api.push(("age_months".into(), a.min(crate::rules::query::MAX_AGE_MONTHS).to_string()));
    }
    let query = if has_origin {
        match PlaceQuery::parse(&api) {
            Ok(q) => Some(q),
            Err(e) => {
                errors.extend(e);
                None
            }
        }
    } else {
        None
    };
    if errors.is_empty() {
        Ok(SearchInput { query, age_months })
    } else {
        Err(errors)
    }
}

fn validation_error(fields: Vec<FieldError>) -> ClientError {
    ClientError::Api {
        status: 422,
        body: ErrorBody { error: "validation".into(), message: "链接中的查询条件有误".into(), fields, current: None },
    }
}

fn url_pairs(q: &leptos_router::params::ParamsMap) -> Vec<(String, String)> {
    q.into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let ds = use_data();
    let ds2 = ds.clone();
    let areas = Resource::new(|| (), move |_| ds2.areas());
    let results = Resource::new(
        move || {
            let pairs = url_pairs(&query.read());
            let now = expect_context::<crate::app::Now>().0.get_untracked();
            search_input(&pairs, now)
        },
        move |input: Result<SearchInput, Vec<FieldError>>| {
            let fut = input.map(|i| i.query.map(|q| ds.places(q)));
            async move {
                match fut {
                    Err(fields) => Err(validation_error(fields)),
                    Ok(None) => Ok(None::<PlacesResponse>),
                    Ok(Some(f)) => f.await.map(Some),
                }
            }
        },
    );

    // A list answered from the phone's copy of the district (`from_cache`) is checked with
    // the server in the background: its answer replaces the list when it differs and
    // confirms it when not; a link too slow for the read timeout leaves the kept list up,
    // saying so. Keyed by the URL, so a late answer never lands on another search.
    let checked = RwSignal::new(None::<(Vec<(String, String)>, Result<PlacesResponse, ()>)>);
    #[cfg(feature = "hydrate")]
    {
        let d = crate::offline::sync::use_device();
        Effect::new(move |_| {
            let Some(Ok(Some(r))) = results.get() else { return };
            let pairs = url_pairs(&query.read_untracked());
            let done = checked.with_untracked(|c| c.as_ref().is_some_and(|(k, _)| *k == pairs));
            if r.from_cache.is_none() || done || !d.online.get_untracked() {
                return;
            }
            let Ok(SearchInput { query: Some(q), .. }) = search_input(&pairs, Utc::now()) else { return };
            let area = query.read_untracked().get("area");
            leptos::task::spawn_local(async move {
                let answer = crate::net::client::ApiClient::same_origin().places(&q).await;
                if let Ok(fresh) = &answer {
                    crate::offline::cache::browser::remember_search(fresh, area).await;
                }
                let answer = answer.map(|fresh| if fresh.places == r.places && fresh.total == r.total { PlacesResponse { from_cache: None, ..r } } else { fresh });
                checked.set(Some((pairs, answer.map_err(|_| ()))));
            });
        });
    }
    let shown = move |r: PlacesResponse| {
        let key = url_pairs(&query.read());
        checked.with(|c| match c {
            Some((k, Ok(fresh))) if *k == key => (fresh.clone(), false),
            Some((k, Err(()))) if *k == key => (r, true),
            _ => (r, false),
        })
    };

    // Whatever was shown online (rendered by the server or fetched here) goes into
    // the device's cache: the areas list and whole districts of the results.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(Ok(a)) = areas.get() {
            crate::offline::cache::browser::remember_areas(&a);
        }
        if let Some(Ok(Some(r))) = results.get() {
            let area = query.read_untracked().get("area");
            leptos::task::spawn_local(async move { crate::offline::cache::browser::remember_search(&r, area).await });
        }
    });
    view! {
        <Title text="找附近的普惠托育 · 一老一小" />
        <section class="panel start">
            <h1>"找附近有空位的托育机构"</h1>
            <Suspense fallback=|| view! { <p class="loading">"正在载入区域列表…"</p> }>
                {move || Suspend::new(async move {
                    match areas.await {
                        Ok(a) => view! { <SearchForm areas=a /> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{format!("区域列表载入失败：{e}")}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <Suspense fallback=|| view! { <p class="loading">"正在查找…"</p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(None) => view! { <Intro /> }.into_any(),
                    Ok(Some(r)) => {
                        let (resp, slow) = shown(r);
                        view! { <Results resp slow /> }.into_any()
                    }
                    Err(ClientError::Api { status: 422, body }) => view! { <FieldErrors body /> }.into_any(),
                    Err(e) => view! { <p class="error panel" role="alert">{format!("查找失败：{e}")}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Intro() -> impl IntoView {
    view! {
        <section class="panel intro">
            <p>"点“使用我的位置”，或选择所在的区和街道，再填上孩子的出生年月，就能看到附近 3 公里内各托育机构适合孩子年龄的空位。"</p>
            <p>"每个空位数字都标明了机构最后一次确认的时间，超过 7 天未确认的会标记为“可能已过期”。"</p>
        </section>
    }
}

#[component]
fn FieldErrors(body: ErrorBody) -> impl IntoView {
    view! {
        <section class="panel error" role="alert">
            <p>{body.message}</p>
            <ul>
                {body
                    .fields
                    .into_iter()
                    .map(|f| view! { <li data-field=f.field.clone()>{f.message}</li> })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The search form. A plain GET form (works before the WASM has loaded); once
/// hydrated it navigates client-side and drops empty fields from the URL.
#[component]
fn SearchForm(areas: AreasResponse) -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k).unwrap_or_default();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let locate_error = RwSignal::new(None::<String>);
    let locating = RwSignal::new(false);
    let districts = StoredValue::new(areas.districts);

    // The district select only narrows the street list; `area` is what is sent.
    let initial_district = move || {
        let area = q("area");
        districts.with_value(|ds| {
            ds.iter()
                .find(|d| d.id == area || d.streets.iter().any(|s| s.id == area))
                .map(|d| d.id.clone())
                .unwrap_or_default()
        })
    };
    let district = RwSignal::new(initial_district());
    // A position from the URL is kept until the user picks an area instead.
    let point_cleared = RwSignal::new(false);
    Effect::new(move |_| {
        query.track();
        point_cleared.set(false);
        district.set(initial_district());
    });
    let has_point = move || !point_cleared.get() && !q("lat").is_empty() && !q("lng").is_empty();

    #[cfg(feature = "hydrate")]
    let navigate = StoredValue::new_local(leptos_router::hooks::use_navigate());
    #[cfg(feature = "hydrate")]
    let go = move |point: Option<LatLng>| {
        if let Some(form) = form_ref.get_untracked() {
            let url = form_url(&form, point);
            navigate.with_value(|n| n(&url, Default::default()));
        }
    };
    let submit = move || {
        #[cfg(feature = "hydrate")]
        go(None);
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit();
    };
    let on_locate = move |_| {
        locate_error.set(None);
        locating.set(true);
        #[cfg(feature = "hydrate")]
        crate::pages::parents::home::browser::locate(
            move |wgs| {
                locating.set(false);
                // Geolocation gives WGS-84; everything here is GCJ-02.
                go(Some(crate::rules::geo::wgs84_to_gcj02(wgs)));
            },
            move |msg| {
                locating.set(false);
                locate_error.set(Some(msg));
            },
        );
    };

    let streets = move || {
        let d = district.get();
        districts.with_value(|ds| ds.iter().find(|x| x.id == d).cloned())
    };

    view! {
        <form class="search" method="get" action="/" node_ref=form_ref on:submit=on_submit>
            <button type="button" class="primary locate" on:click=on_locate disabled=move || locating.get()>
                {move || if locating.get() { "正在定位…" } else { "使用我的位置" }}
            </button>
            {move || locate_error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || {
                has_point()
                    .then(|| {
                        view! {
                            <input type="hidden" name="lat" value=q("lat") />
                            <input type="hidden" name="lng" value=q("lng") />
                            <p class="origin-note">"正在按你的位置查找（已从 WGS-84 换算为 GCJ-02）"</p>
                        }
                    })
            }}
            <div class="row">
                <label>
                    "区"
                    <select
                        name="district"
                        on:change=move |ev| {
                            district.set(event_target_value(&ev));
                            point_cleared.set(true);
                        }
                    >
                        <option value="" selected=move || district.get().is_empty()>
                            "选择区"
                        </option>
                        {districts
                            .get_value()
                            .into_iter()
                            .map(|d| {
                                let id = d.id.clone();
                                view! {
                                    <option value=d.id.clone() selected=move || district.get() == id>
                                        {format!("{} {}", d.city, d.name)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>
                    "街道"
                    <select
                        name="area"
                        on:change=move |_| {
                            point_cleared.set(true);
                            submit();
                        }
                    >
                        {move || match streets() {
                            None => view! { <option value="">"先选择区"</option> }.into_any(),
                            Some(d) => {
                                let area = q("area");
                                let whole = d.id.clone();
                                view! {
                                    <option value=d.id.clone() selected=area == whole>
                                        "全区"
                                    </option>
                                    {d
                                        .streets
                                        .into_iter()
                                        .map(|s| {
                                            let sel = area == s.id;
                                            view! {
                                                <option value=s.id.clone() selected=sel>
                                                    {format!("{}（{} 家）", s.name, s.place_count)}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                }
                                    .into_any()
                            }
                        }}
                    </select>
                </label>
            </div>
            <label class="birth">
                "孩子出生年月"
                <input type="month" name="birth" value=move || q("birth") max=move || crate::rules::format::ym(use_now().date_naive()) />
            </label>
            <fieldset class="filters">
                <legend>"筛选"</legend>
                <EnumSelect
                    label="托育形式"
                    name="care_mode"
                    options=CareMode::ALL.iter().map(|m| (m.code(), m.label())).collect()
                    on_change=Callback::new(move |_| submit())
                />
                <EnumSelect
                    label="机构类型"
                    name="type"
                    options=ProviderType::ALL.iter().map(|t| (t.code(), t.label())).collect()
                    on_change=Callback::new(move |_| submit())
                />
                <label>
                    "月费不超过（元）"
                    <input
                        type="number"
                        name="max_fee"
                        inputmode="numeric"
                        min="1"
                        step="100"
                        placeholder="不限"
                        value=move || q("max_fee")
                        on:change=move |_| submit()
                    />
                </label>
                <label>
                    "范围"
                    <select name="radius_m" on:change=move |_| submit()>
                        {[1000u32, 3000, 5000, 10_000]
                            .into_iter()
                            .map(|r| {
                                let v = r.to_string();
                                let cur = move || {
                                    let c = q("radius_m");
                                    if c.is_empty() { DEFAULT_RADIUS_M.to_string() } else { c }
                                };
                                view! {
                                    <option value=v.clone() selected=move || cur() == v>
                                        {format!("{} 公里内", r / 1000)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" name="puhui" value="1" checked=move || q("puhui") == "1" on:change=move |_| submit() />
                    "只看普惠"
                </label>
                <label class="check">
                    <input type="checkbox" name="vacancy" value="1" checked=move || q("vacancy") == "1" on:change=move |_| submit() />
                    "只看有空位"
                </label>
            </fieldset>
            <button type="submit" class="primary">
                "查找托位"
            </button>
        </form>
    }
}

/// A filter select over an enum's (code, label) pairs, with "不限" first; the
/// selection follows the URL parameter `name`.
#[component]
fn EnumSelect(
    label: &'static str,
    name: &'static str,
    options: Vec<(&'static str, &'static str)>,
    on_change: Callback<()>,
) -> impl IntoView {
    let query = use_query_map();
    view! {
        <label>
            {label}
            <select name=name on:change=move |_| on_change.run(())>
                <option value="">"不限"</option>
                {options
                    .into_iter()
                    .map(|(code, text)| {
                        view! {
                            <option value=code selected=move || query.read().get(name).as_deref() == Some(code)>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// The URL the form asks for, optionally with a new position (which replaces any area).
#[cfg(feature = "hydrate")]
fn form_url(form: &web_sys::HtmlFormElement, point: Option<LatLng>) -> String {
    let pairs = browser::form_pairs(form);
    let mut out: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(k, v)| !v.trim().is_empty() && k != "district")
        .filter(|(k, _)| point.is_none() || !matches!(k.as_str(), "lat" | "lng" | "area"))
        .collect();
    if let Some(p) = point {
        out.insert(0, ("lng".into(), format!("{:.6}", p.lng)));
        out.insert(0, ("lat".into(), format!("{:.6}", p.lat)));
    }
    format!("/?{}", crate::rules::query::encode_pairs(&out))
}

#[cfg(feature = "hydrate")]
pub(crate) mod browser {
    use crate::rules::geo::LatLng;
    use wasm_bindgen::{prelude::*, JsCast};

    pub fn form_pairs(form: &web_sys::HtmlFormElement) -> Vec<(String, String)> {
        let Ok(data) = web_sys::FormData::new_with_form(form) else { return vec![] };
        let mut out = Vec::new();
        if let Ok(Some(iter)) = js_sys::try_iter(&data) {
            for entry in iter.flatten() {
                let pair: js_sys::Array = entry.unchecked_into();
                if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                    out.push((k, v));
                }
            }
        }
        out
    }

    /// The device position (WGS-84) from the Geolocation API.
    pub fn locate(ok: impl FnOnce(LatLng) + 'static, err: impl FnOnce(String) + 'static) {
        let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
            err("此浏览器不支持定位，请选择所在的区和街道".into());
            return;
        };
        let on_ok = Closure::once_into_js(move |pos: web_sys::Position| {
            let c = pos.coords();
            ok(LatLng::new(c.latitude(), c.longitude()));
        });
        let on_err = Closure::once_into_js(move |e: web_sys::PositionError| {
            err(match e.code() {
                1 => "没有定位权限：请在浏览器设置中允许定位，或选择所在的区和街道".into(),
                3 => "定位超时，请重试或选择所在的区和街道".into(),
                _ => "暂时无法获取位置，请重试或选择所在的区和街道".into(),
            });
        });
        let opts = web_sys::PositionOptions::new();
        opts.set_enable_high_accuracy(true);
        opts.set_timeout(15_000);
        opts.set_maximum_age(60_000);
        if geo
            .get_current_position_with_error_callback_and_options(on_ok.unchecked_ref(), Some(on_err.unchecked_ref()), &opts)
            .is_err()
        {
            // the error callback owns `err`; nothing else to report here
        }
    }
}

#[component]
fn Results(resp: PlacesResponse, slow: bool) -> impl IntoView {
    let origin = LatLng::new(resp.origin_lat, resp.origin_lng);
    let age_line = resp.age_months.map(|a| {
        let bands = bands_for_age(a);
        let fits = if bands.is_empty() {
            no_class_reason(a).unwrap_or_default().to_string()
        } else {
            format!("适合：{}", bands.iter().map(|b| b.label_with_ages()).collect::<Vec<_>>().join("、"))
        };
        format!("孩子 {a} 个月 · {fits}")
    });
    let shown = resp.places.len();
    let summary = format!(
        "{} 内找到 {} 家托育机构{}",
        crate::components::map_sketch::scale_label(resp.radius_m),
        resp.total,
        if (shown as u32) < resp.total { format!("，显示最近的 {shown} 家") } else { String::new() }
    );
    let empty = resp.places.is_empty();
    let hits = resp.places.clone();
    let from_cache = resp.from_cache;
    view! {
        <section class="results" aria-live="polite">
            {from_cache.map(|at| view! { <CachedNote at slow /> })}
            <p class="summary" data-total=resp.total>{summary}</p>
            {age_line.map(|l| view! { <p class="age-line">{l}</p> })}
            {(!empty).then(|| view! { <MapSketch origin radius_m=resp.radius_m hits=hits /> })}
            {empty.then(|| view! { <p class="panel empty">"没有找到符合条件的托育机构。试试扩大范围、换个区域或减少筛选条件。"</p> })}
            <ol class="cards">
                {resp
                    .places
                    .into_iter()
                    .enumerate()
                    .map(|(i, h)| view! { <PlaceCard n=i + 1 hit=h /> })
                    .collect_view()}
            </ol>
        </section>
    }
}

/// Where a list shown from the phone's copy stands: "离线：显示的是本机保存的数据（N 分钟前
/// 同步）…", online "…正在联网核对", or, when the server did not answer in time, "网络较慢：…".
#[component]
pub fn CachedNote(at: DateTime<Utc>, #[prop(optional)] slow: bool) -> impl IntoView {
    let d = crate::offline::sync::use_device();
    view! {
        <p class="cached-note" role="status">
            {move || {
                let kept = format!("显示的是本机保存的数据（{}同步）", crate::rules::format::ago(at, use_now()));
                if !d.online.get() {
                    format!("离线：{kept}，空位可能已变化。")
                } else if slow {
                    format!("网络较慢：{kept}，空位可能已变化。")
                } else {
                    format!("{kept}，正在联网核对空位…")
                }
            }}
        </p>
    }
}

#[component]
fn PlaceCard(n: usize, hit: PlaceHit) -> impl IntoView {
    let vacancy = match hit.vacancy {
        None => view! { <p class="vacancy none">"没有适合这个年龄的班级"</p> }.into_any(),
        Some(v) => {
            let open = v.vacancies > 0;
            view! {
                <p class="vacancy" class:open=open class:full=!open>
                    <span class="count">
                        {if open { format!("空位 {} 个", v.vacancies) } else { "已满".to_string() }}
                    </span>
                    " · "
                    <Confirmed at=v.confirmed_at />
                </p>
            }
            .into_any()
        }
    };
    let fee = hit.monthly_fee_yuan.map(|f| {
        view! {
            <p class="fee">
                {format!("月费 {} 起", yuan(f))}
                " · "
                <Updated at=hit.updated_at />
            </p>
        }
    });
    view! {
        <li class="card" data-street=hit.street_name.clone() data-id=hit.id>
            <a href=format!("/places/{}", hit.id)>
                <span class="num" aria-hidden="true">{n}</span>
                <h2>
                    {hit.name.clone()}
                    <SampleTag is_sample=hit.is_sample />
                </h2>
                <p class="meta">
                    // a position not yet checked is the 街道 centre: no distance is claimed
                    <span class="distance">{if hit.location_unverified { "距离待核实".to_string() } else { distance(hit.distance_m) }}</span>
                    {format!(" · {}{} · {}", hit.district_name, hit.street_name, hit.provider_type.label())}
                    " "
                    <UncheckedPosition unverified=hit.location_unverified />
                </p>
                <Badges puhui=hit.puhui badges=hit.badges.clone() />
                {vacancy}
                {fee}
            </a>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn pairs(s: &[(&str, &str)]) -> Vec<(String, String)> {
        s.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn url_without_origin_is_the_start_screen() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let i = search_input(&pairs(&[("birth", "2026-03")]), now).unwrap();
        assert_eq!(i.query, None);
        assert_eq!(i.age_months, Some(8));
    }

    #[test]
    fn birth_month_becomes_age_months() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let i = search_input(&pairs(&[("area", "x"), ("birth", "2026-03"), ("district", "d"), ("puhui", "1")]), now).unwrap();
        let q = i.query.unwrap();
        assert_eq!(q.filters.age_months, Some(8));
        assert!(q.filters.puhui_only);
    }

    #[test]
    fn bad_url_fields_are_reported() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap();
        let e = search_input(&pairs(&[("lat", "200"), ("lng", "1"), ("birth", "2027-01")]), now).unwrap_err();
        let f: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(f, ["birth", "lat"]);
    }
}
