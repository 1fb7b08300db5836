//! The floor: the smallest honest parents' search page with this stack (leptos hydrate + router,
//! reqwest, serde_json, gloo-storage): a list from the API, kept in localStorage, a filter.
use leptos::prelude::*;
use leptos_router::{components::{Route, Router, Routes}, path};
use serde::{Deserialize, Serialize};
use gloo_storage::{LocalStorage, Storage};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Place { pub id: i64, pub name: String, pub address: String, pub lat: f64, pub lng: f64, pub puhui: bool, pub vacancies: i64, pub fee_yuan: Option<i64>, pub phone: String, pub updated_at: String }
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Resp { pub places: Vec<Place>, pub total: i64 }

#[component]
fn Home() -> impl IntoView {
    let only_puhui = RwSignal::new(false);
    let kept: Vec<Place> = LocalStorage::get::<Resp>("k").map(|r| r.places).unwrap_or_default();
    let places = RwSignal::new(kept);
    Effect::new(move |_| {
        let p = only_puhui.get();
        leptos::task::spawn_local(async move {
            if let Ok(r) = reqwest::Client::new().get(format!("/api/v1/places?puhui={p}")).send().await {
                if let Ok(r) = r.json::<Resp>().await {
                    let _ = LocalStorage::set("k", &r);
                    places.set(r.places);
                }
            }
        });
    });
    view! {
        <label><input type="checkbox" on:change=move |e| only_puhui.set(event_target_checked(&e)) />"只看普惠"</label>
        <ul>{move || places.get().into_iter().filter(|p| !only_puhui.get() || p.puhui).map(|p| view! { <li><a href=format!("/places/{}", p.id)>{p.name}</a>" 空位 "{p.vacancies}" · "{format!("{:.1} km", p.lat)}</li> }).collect_view()}</ul>
    }
}

#[component]
fn App() -> impl IntoView {
    view! { <Router><main><Routes fallback=|| "404"><Route path=path!("/") view=Home /></Routes></main></Router> }
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
