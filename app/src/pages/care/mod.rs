//! 居家上门服务 for families, a route per file; here what they share: the older person's
//! profile on this device, the 助急 bar and its provider.

pub mod elder;
pub mod home;
pub mod item;
pub mod me;
pub mod my_orders;
pub mod order;
pub mod privacy;
pub mod sos;

use crate::model::elder::{ElderProfile, ProviderHit};
#[cfg(feature = "hydrate")]
use crate::model::elder::ProvidersResponse;
#[cfg(feature = "hydrate")]
use crate::model::ServiceItem;
use leptos::prelude::*;
use leptos_router::components::A;

pub use crate::offline::store::KEY_ELDER;
#[cfg(feature = "hydrate")]
use crate::offline::store::KEY_RULES;

/// The profile kept on this device (read after hydration).
fn use_profile() -> RwSignal<Option<ElderProfile>> {
    let p = RwSignal::new(None::<ElderProfile>);
    #[cfg(feature = "hydrate")]
    {
        let d = crate::offline::sync::use_device();
        Effect::new(move |_| {
            if d.ready.get() {
                p.set(crate::offline::store::browser::read(KEY_ELDER));
            }
        });
    }
    p
}

/// A red bar with the call buttons' page, on every care page.
#[component]
fn SosBar() -> impl IntoView {
    view! {
        <A href="/care/sos" attr:class="sos-bar">"助急：紧急情况点这里，直接打电话"</A>
    }
}

/// The nearest provider serving the older person's 街道, for its 24 h line: as last
/// fetched on this device (so 助急 works offline), refreshed when online.
fn use_sos_provider(profile: RwSignal<Option<ElderProfile>>) -> RwSignal<Option<ProviderHit>> {
    let provider = RwSignal::new(None::<ProviderHit>);
    #[cfg(not(feature = "hydrate"))]
    let _ = profile;
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(p) = profile.get() else { return };
        let key = crate::offline::store::keys::sos(&p.street_id);
        if let Some(h) = crate::offline::store::browser::read::<ProviderHit>(&key) {
            provider.set(Some(h));
        }
        leptos::task::spawn_local(async move {
            if let Ok(r) = fetch_providers(&p, None).await {
                if let Some(h) = r.providers.into_iter().next() {
                    let _ = crate::offline::store::browser::write(&key, &h);
                    provider.set(Some(h));
                }
            }
        });
    });
    provider
}

fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

#[cfg(feature = "hydrate")]
async fn fetch_providers(p: &ElderProfile, item: Option<ServiceItem>) -> Result<ProvidersResponse, crate::net::client::ClientError> {
    let c = crate::net::client::ApiClient::same_origin();
    c.providers(p.lat, p.lng, &p.street_id, item).await
}
