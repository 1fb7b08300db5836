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
