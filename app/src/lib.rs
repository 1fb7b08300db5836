//! The 一老一小 app: UI (Leptos), API types, the typed client and the search rules.
#![recursion_limit = "256"]

pub mod app;
pub mod components;
pub mod model;
pub mod net;
pub mod offline;
pub mod pages;
pub mod rules;


#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let body = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body());
    match body {
        // The offline shell (served by the service worker for a route never
        // visited): nothing to hydrate, render the route here from the local store.
        Some(b) if b.has_attribute("data-yilao-shell") => {
            b.set_inner_html("");
            leptos::mount::mount_to_body(app::App);
        }
        _ => leptos::mount::hydrate_body(app::App),
    }
    // A marker for the browser tests (and a cheap way to check in devtools).
    if let Some(w) = web_sys::window() {
        let _ = js_sys::Reflect::set(&w, &"__yilao_hydrated".into(), &true.into());
    }
}
