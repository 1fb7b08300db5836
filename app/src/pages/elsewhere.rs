//! Another audience's routes in a browser bundle that does not carry their code (see
//! `app::Audience`): a link followed inside this bundle to such a page loads it whole, and
//! the server (or, offline, the service worker's shell) starts it with its own bundle.

use leptos::prelude::*;

/// Loads the address the router is going to as a whole page, in place of this history
/// entry (so that 返回 goes back to the page the link was on, not here again). The
/// router's address, not the window's: the router may not have moved the window's yet.
#[component]
fn Elsewhere() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let l = leptos_router::hooks::use_location();
        Effect::new(move |_| {
            let search = l.search.get_untracked();
            let query = if search.is_empty() { String::new() } else { format!("?{search}") };
            let to = format!("{}{query}{}", l.pathname.get_untracked(), l.hash.get_untracked());
            if let Some(w) = web_sys::window() {
                let _ = w.location().replace(&to);
            }
        });
    }
    view! { <p class="loading">"正在打开…"</p> }
}

macro_rules! stand_ins {
    ($($page:ident),* $(,)?) => {
        $(
            /// Stands in for the page of this name in the bundles without it.
            #[component]
            pub fn $page() -> impl IntoView {
                view! { <Elsewhere /> }
            }
        )*
    };
}

stand_ins!(HomePage, PlacePage, AskPage, MyRequestsPage, SavedPage);
stand_ins!(CarePage, ElderPage, SosPage, CareItemPage, OrderPage, MyOrdersPage, MePage, PrivacyPage);
stand_ins!(OperatorPage);
stand_ins!(AdminPage, SupervisePage);
