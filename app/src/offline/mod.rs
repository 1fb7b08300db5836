//! Browser-side keeping (compiled for the server too, where it keeps nothing): the store that
//! owns every `yl1.*` key in localStorage, the cache of whole districts and opened pages, and
//! the outbox with its sync loop.

pub mod cache;
pub mod store;
pub mod sync;
pub mod write;

/// Reads from the server, keeping a copy on the device under `key`; when the read fails, the
/// kept copy (and `true`: the page says it shows what was kept). The one "fetch, keep, else
/// the kept copy" of the app.
#[cfg(feature = "hydrate")]
pub async fn cached<T, F>(key: &str, fetch: F) -> Option<(T, bool)>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
    F: std::future::Future<Output = Result<T, crate::net::client::ClientError>>,
{
    match fetch.await {
        Ok(v) => {
            let _ = crate::offline::store::browser::write(key, &v);
            Some((v, false))
        }
        Err(_) => crate::offline::store::browser::read::<T>(key).map(|v| (v, true)),
    }
}

/// Where a desk list shown came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Got {
    /// Just read from the server (and kept).
    Server,
    /// The copy kept on the device, because writes on it wait to be sent: it shows them, the
    /// server's does not yet.
    Unsent,
    /// The copy kept on the device, because the server could not be reached.
    Offline,
    /// The copy kept on the device; the server says the session has ended (401).
    SignedOut,
}

/// The desk's form of [`cached`] (an operator's tablet, a carer's phone): kept under the
/// signed-in account (removed at 退出登录), and while writes of `unsent` (an `entity` kind)
/// wait on the device, the kept copy stays instead of the server's. Without a kept copy, empty.
#[cfg(feature = "hydrate")]
pub async fn desk_cached<T, F>(key: &str, unsent: Option<(sync::Device, &str)>, fetch: F) -> (T, Got)
where
    T: serde::Serialize + serde::de::DeserializeOwned + Default,
    F: std::future::Future<Output = Result<T, crate::net::client::ClientError>>,
{
    let kept = || store::browser::read::<T>(key);
    if let Some((d, kind)) = unsent {
        if d.has_unsent(kind) {
            if let Some(k) = kept() {
                return (k, Got::Unsent);
            }
        }
    }
    match fetch.await {
        Ok(v) => {
            let _ = store::browser::write_signed_in(key, &v);
            (v, Got::Server)
        }
        Err(crate::net::client::ClientError::Api { status: 401, .. }) => (kept().unwrap_or_default(), Got::SignedOut),
        Err(_) => (kept().unwrap_or_default(), Got::Offline),
    }
}

/// A desk list of one place, kept current: read through [`desk_cached`] under
/// `keys::desk(list, place)` whenever `place()` changes and each time the outbox delivers,
/// and handed to `then` with where it came from. `fetch` asks the server for a place's list.
#[cfg(feature = "hydrate")]
pub fn follow_desk_list<T, F, Fut>(
    d: sync::Device,
    place: impl Fn() -> Option<i64> + 'static,
    list: &'static str,
    unsent: Option<&'static str>,
    fetch: F,
    then: impl Fn(T, Got) + Clone + 'static,
) where
    T: serde::Serialize + serde::de::DeserializeOwned + Default + 'static,
    F: Fn(crate::net::client::ApiClient, i64) -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = Result<T, crate::net::client::ClientError>> + 'static,
{
    use leptos::prelude::*;
    Effect::new(move |_| {
        d.delivered.track();
        let Some(pid) = place() else { return };
        let (fetch, then) = (fetch.clone(), then.clone());
        leptos::task::spawn_local(async move {
            let key = store::keys::desk(list, pid);
            let fetch = fetch(crate::net::client::ApiClient::same_origin(), pid);
            let (v, got) = desk_cached(&key, unsent.map(|kind| (d, kind)), fetch).await;
            then(v, got);
        });
    });
}
