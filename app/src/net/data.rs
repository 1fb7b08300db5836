//! Where pages get their data: on the server straight from the database (through
//! a [`Backend`] the server provides as context), in the browser through the
//! typed [`ApiClient`]. Both answer with the same types and errors.

use crate::net::client::ClientError;
use crate::rules::query::PlaceQuery;
use crate::model::{AreasResponse, PlaceDetail, PlacesResponse};
use std::future::Future;

#[cfg(feature = "ssr")]
pub type BoxFuture<T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What the server gives the app to render pages (implemented over SQLite).
#[cfg(feature = "ssr")]
pub trait Backend: Send + Sync + 'static {
    fn places(&self, q: PlaceQuery) -> BoxFuture<Result<PlacesResponse, ClientError>>;
    fn place(&self, id: i64) -> BoxFuture<Result<PlaceDetail, ClientError>>;
    fn areas(&self) -> BoxFuture<Result<AreasResponse, ClientError>>;
    /// The server's "now" (its clock, which tests set): pages render "this month",
    /// "today" and "N 分钟前" from it.
    fn now(&self) -> chrono::DateTime<chrono::Utc>;
}

#[derive(Clone)]
pub struct DataSource {
    #[cfg(feature = "ssr")]
    backend: std::sync::Arc<dyn Backend>,
    #[cfg(not(feature = "ssr"))]
    client: crate::net::client::ApiClient,
}

#[cfg(feature = "ssr")]
impl DataSource {
    pub fn new(backend: std::sync::Arc<dyn Backend>) -> Self {
        Self { backend }
    }
    pub fn places(&self, q: PlaceQuery) -> impl Future<Output = Result<PlacesResponse, ClientError>> + Send + 'static {
        self.backend.places(q)
    }
    pub fn place(&self, id: i64) -> impl Future<Output = Result<PlaceDetail, ClientError>> + Send + 'static {
        self.backend.place(id)
    }
    pub fn areas(&self) -> impl Future<Output = Result<AreasResponse, ClientError>> + Send + 'static {
        self.backend.areas()
    }
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.backend.now()
    }
}

/// Browser futures are not `Send`; they run on the one browser thread, which is what
/// `SendWrapper` asserts (it panics if ever polled from another thread).
#[cfg(not(feature = "ssr"))]
fn send<F: Future + 'static>(f: F) -> impl Future<Output = F::Output> + Send + 'static {
    #[cfg(feature = "hydrate")]
    {
        send_wrapper::SendWrapper::new(f)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        // Native builds without `ssr` exist only to run the unit tests.
        struct AssertSend<F>(F);
        unsafe impl<F> Send for AssertSend<F> {}
        impl<F: Future> Future for AssertSend<F> {
            type Output = F::Output;
            fn poll(self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<F::Output> {
                unsafe { self.map_unchecked_mut(|s| &mut s.0) }.poll(cx)
            }
        }
        AssertSend(f)
    }
}

#[cfg(not(feature = "ssr"))]
impl DataSource {
    pub fn browser() -> Self {
        #[cfg(feature = "hydrate")]
        let client = crate::net::client::ApiClient::same_origin();
        #[cfg(not(feature = "hydrate"))]
        let client = crate::net::client::ApiClient::new("http://127.0.0.1:3000");
        Self { client }
    }
    /// Cache first: a district kept on the device answers at once (marked `from_cache`;
    /// the page then checks it with the server). Otherwise the server, and with no network
    /// (or no answer within the read timeout) the same search over whatever is kept.
    pub fn places(&self, q: PlaceQuery) -> impl Future<Output = Result<PlacesResponse, ClientError>> + Send + 'static {
        let c = self.client.clone();
        send(async move {
            #[cfg(feature = "hydrate")]
            if let Some(kept) = crate::offline::cache::browser::search_kept(&q) {
                return Ok(kept);
            }
            let r = c.places(&q).await;
            #[cfg(feature = "hydrate")]
            if let Err(e) = &r {
                if crate::offline::cache::browser::is_network(e) {
                    if let Some(cached) = crate::offline::cache::browser::search_offline(&q) {
                        return Ok(cached);
                    }
                }
            }
            r
        })
    }
    /// Cache first too: a place opened before, or one of a kept district, answers at once
    /// (marked `from_cache`; the page checks it with the server in the background).
    pub fn place(&self, id: i64) -> impl Future<Output = Result<PlaceDetail, ClientError>> + Send + 'static {
        let c = self.client.clone();
        send(async move {
            #[cfg(feature = "hydrate")]
            if let Some(kept) = crate::offline::cache::browser::detail_offline(id) {
                return Ok(kept);
            }
            let r = c.place(id).await;
            #[cfg(feature = "hydrate")]
            if let Err(e) = &r {
                if crate::offline::cache::browser::is_network(e) {
                    if let Some(cached) = crate::offline::cache::browser::detail_offline(id) {
                        return Ok(cached);
                    }
                }
            }
            r
        })
    }
    pub fn areas(&self) -> impl Future<Output = Result<AreasResponse, ClientError>> + Send + 'static {
        let c = self.client.clone();
        send(async move {
            let r = c.areas().await;
            #[cfg(feature = "hydrate")]
            if let Err(e) = &r {
                if crate::offline::cache::browser::is_network(e) {
                    if let Some(cached) = crate::offline::cache::browser::areas() {
                        return Ok(cached);
                    }
                }
            }
            r
        })
    }
}

/// The data source of the current app (context on the server, a client in the browser).
pub fn use_data() -> DataSource {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::expect_context::<DataSource>()
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::prelude::use_context::<DataSource>().unwrap_or_else(DataSource::browser)
    }
}
