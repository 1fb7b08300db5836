//! `/supervise` — the supervisor's desk (desktop and tablet; in the 平台管理 bundle): the
//! plans' indicators for the district or one 街道 against their targets, each explaining
//! itself on tap; the 街道 table to drill into; places whose figures are stale with the
//! phone to call; a map of the places coloured by freshness and vacancy; trends as SVG
//! charts drawn by the server; orders by item and month, EVV exceptions, the subsidy
//! settlement, and every table as a file. What was read last is kept on the device (under
//! the account, removed at 退出登录) and shown, with its time, when the network is gone.

use crate::model::supervise::{
    Figure, Indicator, IndicatorsResponse, MapPlace, PlacesOverview, ServiceOverview, Settlement, StreetsResponse, FRESH_DAYS,
};
use crate::model::{District, LoginResponse, Role};
use crate::net::client::ApiClient;
use crate::rules::format::ago;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/supervise`: the sign-in form, or the desk of a supervisor (their district) or an admin (any).
#[component]
pub fn SupervisePage() -> impl IntoView {
    let session = crate::pages::desk::operator::desk_session();
    view! {
        <Title text="监管工作台 · 一老一小" />
        <section class="operator supervise">
            <crate::components::local_data::WithLocalData>
                {move || match session.get() {
                    None => view! { <crate::pages::desk::operator::LoginForm session title="监管工作台登录" /> }.into_any(),
                    Some(s) if matches!(s.user.role, Role::Supervisor | Role::Admin) => view! { <SuperviseDesk session s /> }.into_any(),
                    Some(_) => view! {
                        <p class="panel">"这个账号不是监管账号。" <a href="/operator">"打开机构工作台"</a></p>
                    }.into_any(),
                }}
            </crate::components::local_data::WithLocalData>
        </section>
    }
}

/// Everything the desk shows for one area and month.
#[derive(Clone, Default)]
struct Read {
    ind: Option<IndicatorsResponse>,
    streets: Option<StreetsResponse>,
    places: Option<PlacesOverview>,
    service: Option<ServiceOverview>,
    settlement: Option<Settlement>,
    /// Read from the device because the server could not be reached.
    kept: bool,
}

#[component]
fn SuperviseDesk(session: RwSignal<Option<LoginResponse>>, s: LoginResponse) -> impl IntoView {
    let own = s.user.district_id.clone().unwrap_or_default();
    let is_admin = s.user.role == Role::Admin;
    let district = RwSignal::new(own.clone());
    let area = RwSignal::new(own.clone());
    let month = RwSignal::new(String::new());
    let read = RwSignal::new(Read::default());
    let error = RwSignal::new(None::<String>);
    let districts = RwSignal::new(Vec::<District>::new());
    #[cfg(feature = "hydrate")]
    {
        if is_admin {
            leptos::task::spawn_local(async move {
                if let Ok(a) = ApiClient::same_origin().areas().await {
                    if district.get_untracked().is_empty() {
                        if let Some(d) = a.districts.first() {
                            district.set(d.id.clone());
                            area.set(d.id.clone());
                        }
                    }
                    districts.set(a.districts);
                }
            });
        }
        Effect::new(move |_| {
            let (a, d, m) = (area.get(), district.get(), month.get());
            if a.is_empty() {
                return;
            }
            leptos::task::spawn_local(async move {
                let c = ApiClient::same_origin();
                let key = |what: &str| format!("{}sup.{what}.{a}.{m}", crate::offline::store::keys::DESK_PREFIX);
                use crate::offline::{desk_cached, Got};
                let (ind, g1) = desk_cached::<IndicatorsResponse, _>(&key("indicators"), None, c.supervise("indicators", &a, &m)).await;
                if g1 == Got::SignedOut {
                    crate::pages::desk::operator::signed_out(session);
                    return;
                }
                let (streets, _) = desk_cached::<StreetsResponse, _>(&key("streets"), None, c.supervise("streets", &d, &m)).await;
                let (places, _) = desk_cached::<PlacesOverview, _>(&key("places"), None, c.supervise("places", &a, "")).await;
                let (service, _) = desk_cached::<ServiceOverview, _>(&key("orders"), None, c.supervise("orders", &a, &m)).await;
                let (settlement, _) = desk_cached::<Settlement, _>(&key("settlement"), None, c.supervise("settlement", &d, &m)).await;
                let have = !ind.area.id.is_empty();
                error.set((!have).then(|| if g1 == Got::Offline { "离线，且这个区域的数据尚未保存在本机。".into() } else { "无法读取监管数据，请稍后再试。".into() }));
                read.set(Read {
                    kept: g1 == Got::Offline,
                    ind: have.then_some(ind),
                    streets: (!streets.district.id.is_empty()).then_some(streets),
                    places: (!places.area.id.is_empty()).then_some(places),
                    service: (!service.area.id.is_empty()).then_some(service),
                    settlement: (!settlement.district.id.is_empty()).then_some(settlement),
                });
            });
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (session, &districts);
    let drill = move |id: String| area.set(id);
    view! {
        <header class="desk-head">
            <h1>
                "监管工作台 "
                <span class="muted">{move || read.with(|r| r.ind.as_ref().map(|i| i.area.district_name.clone()).unwrap_or_default())}</span>
            </h1>
            <p class="muted">{s.user.display_name.clone()}</p>
            <crate::pages::desk::operator::LogoutButton session />
        </header>
        <div class="sup-controls panel">
            {is_admin.then(|| view! {
                <label>
                    "区"
                    <select on:change=move |ev| { let v = event_target_value(&ev); district.set(v.clone()); area.set(v); }>
                        {move || districts.get().into_iter().map(|d| {
                            let sel = d.id == district.get_untracked();
                            view! { <option value=d.id.clone() selected=sel>{format!("{}{}", d.city, d.name)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            })}
            <label>
                "月份"
                <input
                    type="month"
                    name="month"
                    prop:value=move || { let m = month.get(); if m.is_empty() { read.with(|r| r.ind.as_ref().map(|i| i.month.clone()).unwrap_or_default()) } else { m } }
                    on:change=move |ev| month.set(event_target_value(&ev))
                />
            </label>
            <Breadcrumb read drill />
        </div>
        {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || read.get().ind.map(|ind| {
            let r = read.get();
            view! {
                {r.kept.then(|| view! { <p class="kept" role="status">"离线：显示本机保存的数据（" {ind_age(&ind)} "）"</p> })}
                {ind.sample.then(|| view! { <p class="sample-note">"示例数据：以下数字由示例记录和示例人口计算，不是真实统计，不能用于上报。"</p> })}
                <Figures ind=ind.clone() />
                <Population ind=ind.clone() />
                <Downloads area=ind.area.id.clone() month=ind.month.clone() district=ind.area.district_id.clone() />
                {r.streets.filter(|_| ind.area.level == "district").map(|st| view! { <Streets st drill /> })}
                {r.places.map(|p| view! { <Freshness p=p.clone() drill /><DistrictMap p /> })}
                <Trends area=ind.area.id.clone() ind=ind.clone() />
                {r.service.map(|sv| view! { <Service sv /> })}
                {r.settlement.map(|st| view! { <SettlementTable st /> })}
                <OtherTargets ind />
            }
        })}
    }
}

fn ind_age(i: &IndicatorsResponse) -> String {
    chrono::DateTime::from_timestamp(i.as_of, 0).map(|t| ago(t, chrono::Utc::now())).unwrap_or_default()
}

/// District › 街道, the district a link back.
#[component]
fn Breadcrumb(read: RwSignal<Read>, drill: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    move || {
        read.with(|r| r.ind.as_ref().map(|i| i.area.clone())).map(|a| {
            let did = a.district_id.clone();
            view! {
                <nav class="crumbs" aria-label="区域">
                    {if a.level == "street" {
                        view! {
                            <button class="link" on:click=move |_| drill(did.clone())>{a.district_name.clone()}</button>
                            " › " <strong>{a.name.clone()}</strong>
                        }.into_any()
                    } else {
                        view! { <strong>{a.name.clone()}</strong> " · 全部街道" }.into_any()
                    }}
                </nav>
            }
        })
    }
}

fn as_of_text(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|t| {
            let b = t + chrono::Duration::hours(8);
            format!("{} {}", crate::rules::format::ymd(b.date_naive()), crate::rules::format::hm(b.time()))
        })
        .unwrap_or_default()
}

fn count(v: f64) -> String {
    if v.fract() == 0.0 { crate::model::supervise::thousands(v as i64) } else { format!("{v:.2}") }
}

/// Whether a value meets its target ("达标" / "未达标"), for the card's mark.
fn meets(f: &Figure) -> Option<bool> {
    let (v, t) = (f.value?, f.target.as_ref()?.target);
    Some(if f.indicator.lower_is_better() { v <= t } else { v >= t })
}

/// The indicator cards: value, target, as-of; a tap opens how it is made.
#[component]
fn Figures(ind: IndicatorsResponse) -> impl IntoView {
    let cards = ind
        .figures
        .into_iter()
        .map(|f| {
            let i = f.indicator;
            let status = meets(&f);
            let class = match status {
                Some(true) => "fig met",
                Some(false) => "fig short",
                None => "fig",
            };
            let target = f.target.clone().map(|t| {
                view! { <span class="target">{format!("目标 {}（{} 年）", i.show(Some(t.target)), t.target_year)}</span> }
            });
            let mark = status.map(|ok| view! { <span class={if ok { "mark ok" } else { "mark no" }}>{if ok { "达标" } else { "未达标" }}</span> });
            let den = f.denominator.map(|d| view! { <dt>{i.denominator_label().unwrap_or("分母")}</dt><dd>{count(d)}</dd> });
            let source = f.target.clone().map(|t| view! {
                <dt>"目标来源"</dt>
                <dd>{format!("{}：{}{}", t.scope_name, t.source, t.binding.map(|b| format!("（{b}）")).unwrap_or_default())}</dd>
                {t.baseline.map(|b| view! { <dt>"基期"</dt><dd>{format!("{} 年 {}", t.baseline_year.unwrap_or_default(), i.show(Some(b)))}</dd> })}
            });
            view! {
                <li class=class data-indicator=i.code()>
                    <details>
                        <summary>
                            <span class="fig-label">{i.label()}</span>
                            <span class="fig-value">{i.show(f.value)}</span>
                            <span class="fig-meta">{target}{mark}</span>
                        </summary>
                        <dl class="explain">
                            <dt>"计算方法"</dt><dd>{i.formula()}</dd>
                            <dt>{i.numerator_label()}</dt><dd>{count(f.numerator)}</dd>
                            {den}
                            {source}
                            <dt>"数据时间"</dt><dd>{as_of_text(f.as_of)}</dd>
                            {f.note.clone().map(|n| view! { <dt>"说明"</dt><dd>{n}</dd> })}
                        </dl>
                    </details>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>{format!("{} · {} 指标", ind.area.name, ind.month)} {(!ind.live).then(|| view! { <span class="muted">"（往月：存量指标取当月快照）"</span> })}</h2>
            <p class="muted">"点按任一指标查看分子、分母、目标来源和数据时间。"</p>
            <ul class="figures">{cards}</ul>
        </section>
    }
}

#[component]
fn Population(ind: IndicatorsResponse) -> impl IntoView {
    let p = ind.population;
    let text = match p.year {
        Some(y) => format!(
            "人口数据：{y} 年，常住人口 {}，0–3 岁 {}，60 岁及以上 {}，80 岁及以上 {}。来源：{}",
            crate::model::supervise::thousands(p.resident),
            crate::model::supervise::thousands(p.age_0_3),
            crate::model::supervise::thousands(p.age_60),
            crate::model::supervise::thousands(p.age_80),
            p.source
        ),
        None => "没有人口数据：每千人口托位数和上门服务覆盖率无法计算。请平台管理员导入各街道人口。".into(),
    };
    view! {
        <p class="muted population">
            {text}
            {p.sample.then(|| view! { <span class="sample-tag">"示例"</span> })}
            {(!p.streets_missing.is_empty()).then(|| format!("（缺少：{}）", p.streets_missing.join("、")))}
        </p>
    }
}

#[component]
fn Downloads(area: String, month: String, district: String) -> impl IntoView {
    let x = ApiClient::supervise_path("export.xlsx", &area, &month, "");
    let csv = |t: &str| ApiClient::supervise_path("export.csv", &area, &month, &format!("table={t}"));
    let settle = ApiClient::supervise_path("settlement.xlsx", &district, &month, "");
    view! {
        <p class="downloads">
            <a class="button" href=x download>"下载全部表格（XLSX）"</a>
            " CSV："
            <a href=csv("indicators") download>"指标"</a> " · "
            <a href=csv("streets") download>"街道"</a> " · "
            <a href=csv("stale") download>"过期点位"</a> " · "
            <a href=csv("orders") download>"服务订单"</a> " · "
            <a href=csv("evv") download>"签到异常"</a> " · "
            <a href=settle download>"补贴结算（XLSX）"</a>
        </p>
    }
}

fn pct(v: Option<f64>) -> String {
    Indicator::PuhuiShare.show(v)
}

#[component]
fn Streets(st: StreetsResponse, drill: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    let rows = st
        .rows
        .into_iter()
        .map(|r| {
            let id = r.street_id.clone();
            view! {
                <tr>
                    <th scope="row"><button class="link" on:click=move |_| drill(id.clone())>{r.name.clone()}</button></th>
                    <td>{r.resident.map(crate::model::supervise::thousands).unwrap_or_else(|| "—".into())}</td>
                    <td>{r.slots}</td>
                    <td>{Indicator::SlotsPerThousand.show(r.slots_per_thousand)}</td>
                    <td>{pct(r.puhui_share)}</td>
                    <td>{pct(r.fresh_share)}</td>
                    <td class={if r.stale_places > 0 { "warn" } else { "" }}>{r.stale_places}</td>
                    <td>{pct(r.home_service_coverage)}</td>
                    <td>{format!("{}/{}", r.welfare_done, r.welfare_due)}</td>
                    <td class={if r.evv_exceptions > 0 { "warn" } else { "" }}>{r.evv_exceptions}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"各街道"</h2>
            <div class="table-scroll">
                <table class="sup-table">
                    <thead><tr>
                        <th scope="col">"街道"</th><th scope="col">"常住人口"</th><th scope="col">"托位"</th><th scope="col">"每千人口托位"</th>
                        <th scope="col">"普惠占比"</th><th scope="col">"7天内确认"</th><th scope="col">"过期点位"</th>
                        <th scope="col">"上门服务覆盖率"</th><th scope="col">"探访 完成/应探"</th><th scope="col">"签到异常"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="muted">"点街道名查看该街道的指标和点位。"</p>
        </section>
    }
}

#[component]
fn Freshness(p: PlacesOverview, drill: impl Fn(String) + Copy + Send + Sync + 'static) -> impl IntoView {
    const FIRST: usize = 20;
    let now = chrono::Utc::now();
    let total = p.places.len();
    let stale_n = p.stale.len();
    let all = RwSignal::new(false);
    let stale = StoredValue::new(p.stale);
    let rows = move || {
        let shown = if all.get() { usize::MAX } else { FIRST };
        stale.with_value(|list| {
            list.iter()
                .take(shown)
                .map(|s| {
                    let sid = s.street_id.clone();
                    let when = chrono::DateTime::from_timestamp(s.oldest_confirmed_at, 0).map(|t| ago(t, now)).unwrap_or_default();
                    view! {
                        <tr>
                            <th scope="row">
                                <a href=format!("/places/{}", s.place_id)>{s.name.clone()}</a>
                                {s.sample.then(|| view! { <span class="sample-tag">"示例"</span> })}
                                <div class="muted">{s.organisation.clone()}</div>
                            </th>
                            <td><button class="link" on:click=move |_| drill(sid.clone())>{s.street_name.clone()}</button></td>
                            <td class="warn">{format!("{when}确认")}</td>
                            <td>{format!("{}/{}", s.stale_classes, s.classes)}</td>
                            <td>{s.vacancies}</td>
                            <td><a class="tel" href=format!("tel:{}", s.phone)>{s.phone.clone()}</a></td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel stale">
            <h2>{format!("数据过期的点位（{stale_n}/{total}）")}</h2>
            <p class="muted">{format!("有班级超过 {FRESH_DAYS} 天未确认空位的点位，最久未确认的在前。家长看到的空位可能已不准，请联系机构确认。")}</p>
            {(stale_n == 0).then(|| view! { <p>"所有点位的空位都在 7 天内确认过。"</p> })}
            {(stale_n > 0).then(|| view! {
                <div class="table-scroll">
                    <table class="sup-table stale-table">
                        <thead><tr>
                            <th scope="col">"点位"</th><th scope="col">"街道"</th><th scope="col">"最早确认"</th>
                            <th scope="col">"过期班级"</th><th scope="col">"显示空位"</th><th scope="col">"电话"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
            {(stale_n > FIRST).then(|| view! {
                <button class="link" on:click=move |_| all.update(|a| *a = !*a)>
                    {move || if all.get() { "只看前 20 个".to_string() } else { format!("显示全部 {stale_n} 个") }}
                </button>
            })}
        </section>
    }
}

/// A map of the area's places (the map sketch's projection, fitted to the places): green —
/// vacancies confirmed within 7 days; blue — full, confirmed; orange — stale figures.
#[component]
fn DistrictMap(p: PlacesOverview) -> impl IntoView {
    use crate::rules::geo::{offset_m, LatLng};
    const W: f64 = 640.0;
    const H: f64 = 420.0;
    const PAD: f64 = 18.0;
    let now = chrono::Utc::now().timestamp();
    let pts: Vec<&MapPlace> = p.places.iter().collect();
    if pts.is_empty() {
        return view! { <section class="panel"><h2>"点位分布"</h2><p>"这个区域没有在营点位。"</p></section> }.into_any();
    }
    let lat0 = pts.iter().map(|m| m.lat).sum::<f64>() / pts.len() as f64;
    let lng0 = pts.iter().map(|m| m.lng).sum::<f64>() / pts.len() as f64;
    let origin = LatLng::new(lat0, lng0);
    let xy: Vec<(f64, f64)> = pts.iter().map(|m| offset_m(origin, LatLng::new(m.lat, m.lng))).collect();
    let span_e = xy.iter().map(|p| p.0.abs()).fold(100.0, f64::max);
    let span_n = xy.iter().map(|p| p.1.abs()).fold(100.0, f64::max);
    let scale = ((W / 2.0 - PAD) / span_e).min((H / 2.0 - PAD) / span_n);
    let bar_m = crate::components::map_sketch::scale_bar_m((W / 4.0) / scale);
    let dots = pts
        .iter()
        .zip(xy.iter())
        .map(|(m, (e, n))| {
            let (x, y) = (W / 2.0 + e * scale, H / 2.0 - n * scale);
            let stale = now - m.oldest_confirmed_at > FRESH_DAYS * 86_400;
            let class = if stale { "dot stale" } else if m.vacancies > 0 { "dot open" } else { "dot full" };
            let label = format!("{}：空位 {}/{}{}", m.name, m.vacancies, m.capacity, if stale { "，数据过期" } else { "" });
            let title = label.clone();
            let id = m.place_id;
            // (no <a> here: built outside the <svg>, it would be an HTML link the SVG cannot draw)
            let open = move |_| {
                #[cfg(feature = "hydrate")]
                if let Some(w) = web_sys::window() {
                    let _ = w.location().set_href(&format!("/places/{id}"));
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = id;
            };
            view! {
                <circle class=class cx=format!("{x:.1}") cy=format!("{y:.1}") r="7" aria-label=label on:click=open><title>{title}</title></circle>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"点位分布"</h2>
            <figure class="map-sketch district-map">
                <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label="示意图：各点位的位置，颜色表示空位和数据是否过期">
                    <rect class="bg" width=W height=H />
                    {dots}
                    <line class="scale" x1=PAD y1=H - PAD x2=PAD + bar_m as f64 * scale y2=H - PAD />
                    <text class="scale-label" x=PAD y=H - PAD - 6.0>{crate::components::map_sketch::scale_label(bar_m)}</text>
                    <text class="north" x=W - PAD y="20" text-anchor="end">"北 ↑"</text>
                </svg>
                <figcaption>
                    <span class="key open">"有空位"</span>
                    <span class="key full">"已满"</span>
                    <span class="key stale">"超过 7 天未确认"</span>
                    " · 示意图，非精确地图；点按圆点打开点位。"
                </figcaption>
            </figure>
        </section>
    }
    .into_any()
}

/// Trends: SVG charts drawn by the server (shown without WASM, kept for offline by the
/// service worker once seen).
#[component]
fn Trends(area: String, ind: IndicatorsResponse) -> impl IntoView {
    const SHOWN: [Indicator; 6] = [
        Indicator::SlotsPerThousand,
        Indicator::PuhuiShare,
        Indicator::FreshShare,
        Indicator::HomeServiceCoverage,
        Indicator::WelfareVisitRate,
        Indicator::EvvExceptionShare,
    ];
    let charts = SHOWN
        .iter()
        .map(|i| {
            let src = ApiClient::supervise_path("trend.svg", &area, "", &format!("indicator={}", i.code()));
            view! {
                <figure class="trend">
                    <img src=src alt=format!("{} {} 近 12 个月趋势", ind.area.name, i.label()) loading="lazy" width="640" height="260" />
                </figure>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"近 12 个月趋势"</h2>
            <p class="muted">"每月快照；空心点为按记录回推的月份，红色虚线为规划目标。"</p>
            <div class="trends">{charts}</div>
        </section>
    }
}

#[component]
fn Service(sv: ServiceOverview) -> impl IntoView {
    let last6: Vec<usize> = (sv.months.len().saturating_sub(6)..sv.months.len()).collect();
    let head = last6.iter().map(|&k| view! { <th scope="col">{sv.months[k].clone()}</th> }).collect_view();
    let rows = sv
        .items
        .iter()
        .map(|it| {
            let cells = last6.iter().map(|&k| view! { <td>{format!("{}/{}", it.completed[k], it.ordered[k])}</td> }).collect_view();
            view! { <tr><th scope="row">{it.item.label()}</th>{cells}</tr> }
        })
        .collect_view();
    let n = sv.exceptions.len();
    let ex = sv
        .exceptions
        .into_iter()
        .take(30)
        .map(|e| {
            view! {
                <li>
                    <strong>{e.reason.clone()}</strong>
                    {format!(" · {} · {} · {} · {}{}", e.visit_date, e.item.label(), e.provider, e.street_name, e.carer.map(|c| format!(" · 护理员 {c}")).unwrap_or_default())}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel">
            <h2>"上门服务订单（已完成/下单）"</h2>
            {sv.items.is_empty().then(|| view! { <p>"近 12 个月没有订单。"</p> })}
            {(!sv.items.is_empty()).then(|| view! {
                <div class="table-scroll">
                    <table class="sup-table">
                        <thead><tr><th scope="col">"服务项目"</th>{head}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            })}
            <h3>{format!("{} 签到签退异常（{n}）", sv.month)}</h3>
            <p class="muted">"已完成的上门服务中，签到或签退缺失、没有定位或距老人住址超过 100 米的。"</p>
            <ul class="exceptions">{ex}</ul>
        </section>
    }
}

#[component]
fn SettlementTable(st: Settlement) -> impl IntoView {
    let row = |r: &crate::model::supervise::SettlementRow, total: bool| {
        view! {
            <tr class={if total { "total" } else { "" }}>
                <th scope="row">{r.provider.clone()}{(r.sample && !total).then(|| view! { <span class="sample-tag">"示例"</span> })}</th>
                <td>{r.orders}</td>
                <td>{r.government_purchase_yuan}</td>
                <td>{r.subsidy_yuan}</td>
                <td>{r.family_yuan}</td>
                <td>{r.excluded_unverified}</td>
                <td>{r.excluded_flagged}</td>
            </tr>
        }
    };
    let rows = st.rows.iter().map(|r| row(r, false)).collect_view();
    view! {
        <section class="panel">
            <h2>{format!("{} {} 补贴结算", st.district.name, st.month)}</h2>
            <p class="muted">"计入：本月上门且已完成、签到签退无异常、涉及政府资金时已核实身份的订单，按下单时规则表的报价。单位：元。"</p>
            <div class="table-scroll">
                <table class="sup-table">
                    <thead><tr>
                        <th scope="col">"服务机构"</th><th scope="col">"计入单数"</th><th scope="col">"政府购买服务"</th>
                        <th scope="col">"服务补贴"</th><th scope="col">"个人自付"</th><th scope="col">"未核实身份（不计）"</th><th scope="col">"签到异常（不计）"</th>
                    </tr></thead>
                    <tbody>{rows}{row(&st.total, true)}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn OtherTargets(ind: IndicatorsResponse) -> impl IntoView {
    (!ind.other_targets.is_empty()).then(|| {
        let items = ind
            .other_targets
            .into_iter()
            .map(|t| view! { <li>{format!("{}：{} {}（{} 年）", t.name, t.target, t.unit, t.target_year)} <span class="muted">{format!(" {}：{}", t.scope_name, t.source)}</span></li> })
            .collect_view();
        view! {
            <section class="panel">
                <h2>"规划中的其他指标"</h2>
                <p class="muted">"本系统暂无这些指标的数据来源（床位、评估、适老化改造等），列出目标供对照。"</p>
                <ul>{items}</ul>
            </section>
        }
    })
}
