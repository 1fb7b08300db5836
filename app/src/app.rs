//! The app shell, the router and what every page shares.

use crate::offline::sync::{provide_device, use_device};
// The server renders every page; a browser bundle routes its audience's pages and, for the
// others' routes, stand-ins that load the page whole with its own bundle ([`Audience`]).
#[cfg(any(feature = "ssr", feature = "care"))]
use crate::pages::care::{elder::ElderPage, home::CarePage, item::CareItemPage, me::MePage, my_orders::MyOrdersPage, order::OrderPage, privacy::PrivacyPage, sos::SosPage};
#[cfg(any(feature = "ssr", feature = "desk"))]
use crate::pages::desk::operator::OperatorPage;
#[cfg(not(any(feature = "ssr", feature = "care")))]
use crate::pages::elsewhere::{CareItemPage, CarePage, ElderPage, MePage, MyOrdersPage, OrderPage, PrivacyPage, SosPage};
#[cfg(not(any(feature = "ssr", feature = "desk")))]
use crate::pages::elsewhere::OperatorPage;
#[cfg(any(feature = "ssr", feature = "admin"))]
use crate::pages::desk::{admin::AdminPage, supervise::SupervisePage};
#[cfg(not(any(feature = "ssr", feature = "admin")))]
use crate::pages::elsewhere::{AdminPage, SupervisePage};
#[cfg(all(not(feature = "ssr"), any(feature = "care", feature = "desk", feature = "admin")))]
use crate::pages::elsewhere::{AskPage, HomePage, MyRequestsPage, PlacePage, SavedPage};
use crate::pages::outbox::OutboxPage;
#[cfg(any(feature = "ssr", not(any(feature = "care", feature = "desk", feature = "admin"))))]
use crate::pages::parents::{ask::AskPage, home::HomePage, my_requests::MyRequestsPage, place::PlacePage, saved::SavedPage};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes, A},
    path, SsrMode,
};

/// Who a page is for, and so which browser bundle it loads: each audience's bundle holds
/// its own pages only (ARCHITECTURE.md, "Bundles by audience").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// `/`, `/places/*`, `/requests`, `/saved`, `/outbox` (and any other path): `app.<hash>`.
    Parents,
    /// `/care/*`, `/me` (我的信息) and `/privacy` (个人信息保护说明): `care.<hash>` (feature `care`).
    Families,
    /// `/operator`, `/carer`: `desk.<hash>` (feature `desk`).
    Desk,
    /// `/admin` (平台管理: organisations, accounts, registry import) and `/supervise` (监管:
    /// indicators, trends, exports): `admin.<hash>` (feature `admin`) — a few government
    /// users' code that every operator's tablet need not download.
    Admin,
}

impl Audience {
    pub const ALL: [Audience; 4] = [Audience::Parents, Audience::Families, Audience::Desk, Audience::Admin];

    /// The bundle's base name.
    pub fn bundle(self) -> &'static str {
        match self {
            Audience::Parents => "app",
            Audience::Families => "care",
            Audience::Desk => "desk",
            Audience::Admin => "admin",
        }
    }

    /// The paths (and everything below them) of its pages; parents have the rest.
    fn paths(self) -> &'static [&'static str] {
        match self {
            Audience::Parents => &[],
            Audience::Families => &["/care", "/me", "/privacy"],
            Audience::Desk => &["/operator", "/carer"],
            Audience::Admin => &["/admin", "/supervise"],
        }
    }

    pub fn of(path: &str) -> Audience {
        let under = |p: &&str| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/'));
        [Audience::Desk, Audience::Admin, Audience::Families].into_iter().find(|a| a.paths().iter().any(under)).unwrap_or(Audience::Parents)
    }

    /// The same rule in JavaScript, `bundleOf(path)`, for the offline shell and the
    /// service worker (`public/sw.js` holds this text; a test keeps the two the same).
    pub fn js_rule() -> String {
        let mut body = String::new();
        for a in [Audience::Desk, Audience::Admin, Audience::Families] {
            let list = a.paths().iter().map(|p| format!("'{p}'")).collect::<Vec<_>>().join(", ");
            body.push_str(&format!("[{list}].some((x) => p === x || p.startsWith(x + '/')) ? '{}' : ", a.bundle()));
        }
        format!("const bundleOf = (p) => ({body}'app');")
    }
}

/// The bundle a page at `path` loads, from the build's name `app.<hash>`: `app.<hash>`,
/// `care.<hash>` or `desk.<hash>` ([`Audience`]).
pub fn bundle_for(output_name: &str, path: &str) -> String {
    match output_name.strip_prefix("app") {
        Some(hash) => format!("{}{hash}", Audience::of(path).bundle()),
        None => output_name.to_string(),
    }
}

/// The HTML document the server wraps around the app. `options.output_name` carries
/// the build's content hash (`app.<hash>`), so a redeploy never serves a stale bundle;
/// the page's scripts are the bundle of its audience ([`bundle_for`]).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // 示例数据 flag and note: shown (by CSS) only where the database holds sample data.
    let sample = use_context::<SampleSite>().is_some_and(|s| s.0);
    let description = if sample { "一老一小：查找附近有空位的普惠托育机构（示例数据）" } else { "一老一小：查找附近有空位的普惠托育机构" };
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    #[cfg(feature = "ssr")]
    let options = {
        allow_this_pages_scripts();
        let mut options = options;
        if let Some(parts) = use_context::<http::request::Parts>() {
            options.output_name = bundle_for(&options.output_name, parts.uri.path()).into();
        }
        options
    };
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN" data-sample=sample.then_some("")>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0b6e4f" />
                <meta name="description" content=description />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <link rel="stylesheet" href=css />
                <script src="/pwa.js" defer></script>
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The Content-Security-Policy of every response: scripts and everything else only from this
/// origin (WASM needs `wasm-unsafe-eval`), no plugins, never framed. `inline_scripts` names the
/// inline scripts a page may run — its nonce (`'nonce-…'`) or a hash (`'sha256-…'`); without
/// them no inline script runs at all. Inline `style` attributes stay allowed: the views set
/// widths and colours through them, and a style cannot run code.
pub fn content_security_policy(inline_scripts: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {inline_scripts}{}'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        if inline_scripts.is_empty() { "" } else { " " }
    )
}

/// A rendered page runs inline scripts: Leptos's hydration bootstrap and the data of its
/// resources. Leptos gives each of them this response's nonce (`use_nonce`, fresh per
/// request); the page's policy allows exactly that nonce. A copy of the page the service
/// worker keeps carries its own header, so the pair stays together offline.
#[cfg(feature = "ssr")]
fn allow_this_pages_scripts() {
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        let policy = content_security_policy(&format!("'nonce-{nonce}'"));
        if let Ok(v) = http::HeaderValue::from_str(&policy) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
}

/// The inline script of the offline shell (below): it starts the app on the device, with
/// the bundle of the address it stands in for ([`Audience::js_rule`]); a bundle this
/// device never loaded says so instead of leaving the page blank.
pub fn offline_shell_script(options: &LeptosOptions) -> String {
    let dir = format!("/{}/", options.site_pkg_dir);
    let hash = options.output_name.strip_prefix("app").unwrap_or_default();
    format!(
        "{rule} const b = '{dir}' + bundleOf(location.pathname) + '{hash}'; \
         import(b + '.js').then((m) => m.default({{ module_or_path: b + '_bg.wasm' }}).then(() => m.hydrate())) \
         .catch(() => {{ document.body.innerHTML = '<p class=\"error\">离线，且此页面尚未保存在本机。联网后再打开一次即可离线使用。</p>'; }});",
        rule = Audience::js_rule()
    )
}

/// The page the service worker keeps for routes never visited: the same head, an
/// empty body marked `data-yilao-shell`; `hydrate()` then renders the route on the
/// device (from the local store) instead of hydrating.
pub fn offline_shell_html(options: &LeptosOptions, sample: SampleSite) -> String {
    let pkg = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    format!(
        r##"<!DOCTYPE html><html lang="zh-CN"{sample}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"><meta name="theme-color" content="#0b6e4f"><title>一老一小</title><link rel="icon" href="/favicon.svg" type="image/svg+xml"><link rel="manifest" href="/manifest.webmanifest"><link rel="stylesheet" href="{pkg}.css"><script src="/pwa.js" defer></script><script type="module">{script}</script></head><body data-yilao-shell><p class="loading">正在从本机打开…</p></body></html>"##,
        script = offline_shell_script(options),
        sample = if sample.0 { " data-sample" } else { "" },
    )
}

/// Whether this site's database holds sample (示例) data: the server provides it to every
/// page it renders, which then shows the 示例数据 flag and note (`html[data-sample]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SampleSite(pub bool);

/// "Now" as the server saw it while rendering, carried into the browser so that
/// hydration renders the same words ("12 分钟前确认"); the browser then ticks it on.
#[derive(Clone, Copy)]
pub struct Now(pub RwSignal<DateTime<Utc>>);

pub fn use_now() -> DateTime<Utc> {
    expect_context::<Now>().0.get()
}

/// Now while rendering: the server's clock on the server, the device's in the browser.
fn render_now() -> DateTime<Utc> {
    #[cfg(feature = "ssr")]
    if let Some(d) = use_context::<crate::net::data::DataSource>() {
        return d.now();
    }
    Utc::now()
}

fn provide_now() {
    let rendered_at = leptos::server::SharedValue::new(|| render_now().timestamp_millis());
    let start = DateTime::<Utc>::from_timestamp_millis(*rendered_at).unwrap_or_else(Utc::now);
    let now = RwSignal::new(start);
    provide_context(Now(now));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        // After hydration: real time, then once every 30 s.
        now.set(Utc::now());
        let handle = set_interval_with_handle(move || now.set(Utc::now()), std::time::Duration::from_secs(30));
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_now();
    provide_device();
    view! {
        <Title text="一老一小 · 找附近的普惠托育" />
        <Router>
            <header class="top">
                <A href="/" attr:class="brand">
                    "一老一小 · 托育"
                </A>
                <span class="sample-flag" title="本站数据均为示例">
                    "示例数据"
                </span>
            </header>
            <StatusBar />
            <UpdateBanner />
            <p class="sample-note">"本站展示的机构、地址、电话和空位均为示例数据，仅用于演示，不代表真实机构。"</p>
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/places/:id") view=PlacePage ssr=SsrMode::Async />
                    <Route path=path!("/places/:id/ask") view=AskPage />
                    <Route path=path!("/requests") view=MyRequestsPage />
                    <Route path=path!("/care") view=CarePage />
                    <Route path=path!("/care/elder") view=ElderPage />
                    <Route path=path!("/care/sos") view=SosPage />
                    <Route path=path!("/care/item/:item") view=CareItemPage />
                    <Route path=path!("/care/order/:provider/:item") view=OrderPage />
                    <Route path=path!("/care/orders") view=MyOrdersPage />
                    <Route path=path!("/saved") view=SavedPage />
                    <Route path=path!("/me") view=MePage />
                    <Route path=path!("/me/join") view=MePage />
                    <Route path=path!("/privacy") view=PrivacyPage />
                    <Route path=path!("/outbox") view=OutboxPage />
                    <Route path=path!("/operator") view=OperatorPage />
                    <Route path=path!("/carer") view=OperatorPage />
                    <Route path=path!("/admin") view=AdminPage />
                    <Route path=path!("/supervise") view=SupervisePage />
                </Routes>
            </main>
        </Router>
    }
}

/// Connection and outbox state, always in view: 离线, "N 条待发送", set-aside items.
#[component]
fn StatusBar() -> impl IntoView {
    let d = use_device();
    view! {
        <nav class="status" aria-label="状态与导航">
            <A href="/saved">"我的收藏"</A>
            <A href="/requests">"我的申请"</A>
            <A href="/care">"上门服务"</A>
            {move || (!d.online.get()).then(|| view! { <span class="offline-flag" role="status">"离线"</span> })}
            {move || {
                d.last_sync.get().map(|t| view! { <span class="sync-time">{move || format!("{}同步", crate::rules::format::ago(t, use_now()))}</span> })
            }}
            {move || {
                let n = d.pending();
                (n > 0).then(|| view! { <A href="/outbox" attr:class="pending-flag">{format!("{n} 条待发送")}</A> })
            }}
            {move || {
                let n = d.waiting_for_login();
                (n > 0).then(|| view! { <A href="/operator" attr:class="login-flag">{format!("{n} 条需要重新登录")}</A> })
            }}
            {move || {
                let n = d.set_aside();
                (n > 0).then(|| view! { <A href="/outbox" attr:class="aside-flag">{format!("{n} 条已搁置")}</A> })
            }}
        </nav>
        {move || {
            (!d.storage_ok.get())
                .then(|| {
                    view! {
                        <p class="storage-note" role="status">
                            "当前浏览器不允许本机存储（例如部分微信内置浏览器）：可以正常在线使用，但离线时无法保留数据，待发送的操作在关闭页面后会丢失。建议用系统浏览器打开。"
                        </p>
                    }
                })
        }}
    }
}

/// "有新版本，点击更新" when a new build's service worker is waiting; and, where
/// service workers are missing (some in-app browsers), that nothing is kept offline.
#[component]
fn UpdateBanner() -> impl IntoView {
    let update_ready = RwSignal::new(false);
    let no_sw = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    Effect::new(move |prev: Option<()>| {
        if prev.is_some() {
            return;
        }
        use wasm_bindgen::{prelude::*, JsCast};
        let Some(w) = web_sys::window() else { return };
        let flag = |name: &str| js_sys::Reflect::get(&w, &name.into()).ok();
        if flag("__yilao_update_ready").and_then(|v| v.as_bool()) == Some(true) {
            update_ready.set(true);
        }
        let sw = flag("__yilao_sw").and_then(|v| v.as_string());
        if matches!(sw.as_deref(), Some("unsupported") | Some("failed")) {
            no_sw.set(true);
        }
        let on_ready = Closure::<dyn Fn()>::new(move || update_ready.set(true));
        let on_failed = Closure::<dyn Fn()>::new(move || no_sw.set(true));
        let _ = w.add_event_listener_with_callback("yilao-update-ready", on_ready.as_ref().unchecked_ref());
        let _ = w.add_event_listener_with_callback("yilao-sw-failed", on_failed.as_ref().unchecked_ref());
        on_ready.forget();
        on_failed.forget();
    });
    let apply = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(w) = web_sys::window() {
            use wasm_bindgen::JsCast;
            if let Ok(f) = js_sys::Reflect::get(&w, &"__yilao_update".into()) {
                if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                    let _ = f.call0(&w);
                }
            }
        }
    };
    view! {
        {move || update_ready.get().then(|| view! {
            <button class="update-banner" on:click=apply>"有新版本，点击更新"</button>
        })}
        {move || no_sw.get().then(|| view! {
            <p class="storage-note" role="status">"当前浏览器不支持离线使用（例如部分微信内置浏览器）：联网时可以正常使用，但断网后无法打开页面。建议用系统浏览器打开并添加到主屏幕。"</p>
        })}
    }
}

/// Sets the HTTP status of the page being rendered on the server.
pub fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = http::StatusCode::from_u16(_code) {
            res.set_status(code);
        }
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="页面不存在 · 一老一小" />
        <section class="panel">
            <h1>"页面不存在"</h1>
            <p>"你要找的页面不存在或已被移除。"</p>
            <p>
                <A href="/">"返回首页，查找附近的托育机构"</A>
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_page_loads_its_audiences_bundle() {
        for (path, a) in [
            ("/", Audience::Parents),
            ("/places/12/ask", Audience::Parents),
            ("/outbox", Audience::Parents),
            ("/care", Audience::Families),
            ("/care/order/3/meal", Audience::Families),
            ("/carer", Audience::Desk),
            ("/operator", Audience::Desk),
            ("/admin", Audience::Admin),
            ("/supervise", Audience::Admin),
            ("/administrator", Audience::Parents),
            ("/operators", Audience::Parents),
            ("/caretaker", Audience::Parents),
        ] {
            assert_eq!(Audience::of(path), a, "{path}");
        }
        assert_eq!(bundle_for("app.0123abcd", "/care/orders"), "care.0123abcd");
        assert_eq!(bundle_for("app.0123abcd", "/operator"), "desk.0123abcd");
        assert_eq!(bundle_for("app.0123abcd", "/saved"), "app.0123abcd");
        assert_eq!(bundle_for("app.0123abcd", "/admin"), "admin.0123abcd");
        assert_eq!(Audience::ALL.map(Audience::bundle), ["app", "care", "desk", "admin"]);
    }

    #[test]
    fn the_service_worker_picks_bundles_by_the_same_rule() {
        let sw = include_str!("../../public/sw.js");
        assert!(sw.contains(&Audience::js_rule()), "public/sw.js must hold {}", Audience::js_rule());
    }
}
