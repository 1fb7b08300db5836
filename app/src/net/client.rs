//! The typed API client (reqwest: the browser's fetch in WASM, hyper natively).

use crate::rules::query::{encode_pairs, PlaceQuery};
use crate::model::{
    AreaPlacesResponse, AreasResponse, ChangesResponse, ClassState, ErrorBody, FavoritesResponse, LoginResponse,
    OperatorPlace, PlaceDetail, PlacesResponse,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Why a call failed, in words a user can act on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
pub enum ClientError {
    #[error("网络不可用，请检查网络后重试（{0}）")]
    Network(String),
    #[error("{}", .body.message)]
    Api { status: u16, body: ErrorBody },
    #[error("服务器返回了无法识别的内容（{0}）")]
    Decode(String),
}

impl ClientError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Api { status, .. } => Some(*status),
            _ => None,
        }
    }
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

#[derive(Clone, Debug)]
pub struct ApiClient {
    base: String,
    http: reqwest::Client,
}

/// One write as it goes over the wire: `ApiClient::send_write(Outgoing::new(..).body(&v))`.
pub struct Outgoing<'a> {
    method: &'a str,
    path: &'a str,
    device_key: &'a str,
    idempotency_key: &'a str,
    body: Option<&'a serde_json::Value>,
    csrf: Option<&'a str>,
}

impl<'a> Outgoing<'a> {
    pub fn new(method: &'a str, path: &'a str, device_key: &'a str, idempotency_key: &'a str) -> Self {
        Outgoing { method, path, device_key, idempotency_key, body: None, csrf: None }
    }

    /// The JSON body, if the write has one.
    pub fn body(self, body: Option<&'a serde_json::Value>) -> Self {
        Outgoing { body, ..self }
    }

    /// The session's CSRF token, for a signed-in account's write.
    pub fn csrf(self, csrf: Option<&'a str>) -> Self {
        Outgoing { csrf, ..self }
    }
}

/// What the server answered to a write.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteAnswer {
    pub status: u16,
    pub body: serde_json::Value,
    /// Seconds the server asked to wait (`Retry-After`, in seconds).
    pub retry_after_s: Option<u32>,
}

/// How long a read may take before the kept copy is shown instead (a link that is
/// connected but delivers nothing must not leave the page waiting).
pub const READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(4);
/// How long a write may take before it counts as not delivered: it stays in the outbox
/// and is sent again with the same key (the server answers a repeat once).
/// Reads a JSON answer. Through `from_str`, the same reader the local store uses: each type's
/// decoder is then compiled once into a bundle, not once per kind of input (slice and str).
fn json<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    serde_json::from_str(&String::from_utf8_lossy(bytes))
}

pub const WRITE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl ApiClient {
    /// `base` is the server's origin, e.g. `http://127.0.0.1:3000`.
    pub fn new(base: impl Into<String>) -> Self {
        Self { base: base.into().trim_end_matches('/').to_string(), http: reqwest::Client::new() }
    }

    /// The page's own origin (in the browser).
    #[cfg(feature = "hydrate")]
    pub fn same_origin() -> Self {
        let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
        Self::new(origin)
    }

    async fn get<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, ClientError> {
        self.get_as(path_and_query, None).await
    }

    async fn get_as<T: DeserializeOwned>(&self, path_and_query: &str, device_key: Option<&str>) -> Result<T, ClientError> {
        let bytes = self.get_bytes(path_and_query, device_key).await?;
        json(&bytes).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// A 2xx answer's body as sent; any other status as its error body.
    async fn get_bytes(&self, path_and_query: &str, device_key: Option<&str>) -> Result<Vec<u8>, ClientError> {
        let url = format!("{}{}", self.base, path_and_query);
        let mut req = self.http.get(&url).timeout(READ_TIMEOUT).header("Accept", "application/json");
        if let Some(k) = device_key {
            req = req.header("X-Device-Key", k);
        }
        let res = req.send().await.map_err(|e| ClientError::Network(e.to_string()))?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(|e| ClientError::Network(e.to_string()))?;
        if (200..300).contains(&status) {
            Ok(bytes.to_vec())
        } else {
            let body = json::<ErrorBody>(&bytes).unwrap_or_else(|_| ErrorBody {
                error: "http".into(),
                message: format!("服务器出错（HTTP {status}），请稍后再试"),
                fields: vec![],
                current: None,
            });
            Err(ClientError::Api { status, body })
        }
    }

    pub async fn places(&self, q: &PlaceQuery) -> Result<PlacesResponse, ClientError> {
        self.get(&format!("/api/v1/places?{}", encode_pairs(&q.to_pairs()))).await
    }

    /// The raw form of `places`, for callers (and tests) that hold URL pairs.
    pub async fn places_raw(&self, pairs: &[(String, String)]) -> Result<PlacesResponse, ClientError> {
        self.get(&format!("/api/v1/places?{}", encode_pairs(pairs))).await
    }

    pub async fn place(&self, id: i64) -> Result<PlaceDetail, ClientError> {
        self.get(&format!("/api/v1/places/{id}")).await
    }

    pub async fn areas(&self) -> Result<AreasResponse, ClientError> {
        self.get("/api/v1/areas").await
    }

    /// Every place of a district or 街道, for the offline cache.
    pub async fn area_places(&self, area_id: &str) -> Result<AreaPlacesResponse, ClientError> {
        self.get(&format!("/api/v1/areas/{}/places", crate::rules::query::percent_encode(area_id))).await
    }

    /// What changed in `areas` since `since`.
    pub async fn changes(&self, since: i64, areas: &[String]) -> Result<ChangesResponse, ClientError> {
        self.get(&format!("/api/v1/changes?since={since}&areas={}", crate::rules::query::percent_encode(&areas.join(","))))
            .await
    }

    pub async fn favorites(&self, device_key: &str) -> Result<FavoritesResponse, ClientError> {
        self.get_as("/api/v1/favorites", Some(device_key)).await
    }

    /// Sends one write with its device key and idempotency key (and, signed in, the
    /// session's CSRF token; the cookie goes by itself on the same origin). Answers the
    /// status, JSON body and `Retry-After` (503 when busy, 429 when too fast) for any
    /// HTTP answer — the outbox decides what a 409 or 422 means; `Err` only when no
    /// answer arrived.
    pub async fn send_write(&self, w: Outgoing<'_>) -> Result<WriteAnswer, ClientError> {
        let Outgoing { method, path, device_key, idempotency_key, body, csrf } = w;
        let url = format!("{}{}", self.base, path);
        let method = reqwest::Method::from_bytes(method.as_bytes()).map_err(|e| ClientError::Decode(e.to_string()))?;
        let mut req = self
            .http
            .request(method, &url)
            .timeout(WRITE_TIMEOUT)
            .header("Accept", "application/json")
            .header("X-Device-Key", device_key)
            .header("Idempotency-Key", idempotency_key);
        if let Some(b) = body {
            req = req.header("Content-Type", "application/json").body(b.to_string());
        }
        if let Some(t) = csrf {
            req = req.header("X-CSRF-Token", t);
        }
        let res = req.send().await.map_err(|e| ClientError::Network(e.to_string()))?;
        let status = res.status().as_u16();
        let retry_after_s = res.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse().ok());
        let bytes = res.bytes().await.map_err(|e| ClientError::Network(e.to_string()))?;
        let body = json(&bytes).unwrap_or(serde_json::Value::Null);
        Ok(WriteAnswer { status, body, retry_after_s })
    }

    /// Signs in; the session cookie is set by the answer.
    pub async fn login(&self, username: &str, password: &str) -> Result<LoginResponse, ClientError> {
        let res = self
            .http
            .post(format!("{}/api/v1/auth/login", self.base))
            .timeout(WRITE_TIMEOUT)
            .header("Content-Type", "application/json")
            .body(serde_json::json!({ "username": username, "password": password }).to_string())
            .send()
            .await
            .map_err(|e| ClientError::Network(e.to_string()))?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(|e| ClientError::Network(e.to_string()))?;
        if status == 200 {
            json(&bytes).map_err(|e| ClientError::Decode(e.to_string()))
        } else {
            Err(ClientError::Api {
                status,
                body: json(&bytes).unwrap_or(ErrorBody {
                    error: "http".into(),
                    message: format!("登录失败（HTTP {status}）"),
                    fields: vec![],
                    current: None,
                }),
            })
        }
    }

    pub async fn operator_places(&self) -> Result<Vec<OperatorPlace>, ClientError> {
        self.get("/api/v1/operator/places").await
    }

    pub async fn operator_classes(&self, place_id: i64) -> Result<Vec<ClassState>, ClientError> {
        self.get(&format!("/api/v1/operator/places/{place_id}/classes")).await
    }

    pub async fn timeslots(&self, place_id: i64) -> Result<crate::model::requests::TimeslotsResponse, ClientError> {
        self.get(&format!("/api/v1/places/{place_id}/timeslots")).await
    }

    /// This device's requests (预约 and 申请) with their status.
    pub async fn my_requests(&self, device_key: &str) -> Result<crate::model::requests::RequestsResponse, ClientError> {
        self.get_as("/api/v1/requests", Some(device_key)).await
    }

    pub async fn operator_requests(&self, place_id: i64) -> Result<Vec<crate::model::requests::InboxItem>, ClientError> {
        self.get(&format!("/api/v1/operator/places/{place_id}/requests")).await
    }

    pub async fn operator_timeslots(&self, place_id: i64) -> Result<Vec<crate::model::requests::Timeslot>, ClientError> {
        self.get(&format!("/api/v1/operator/places/{place_id}/timeslots")).await
    }

    /// Providers that serve an address (GCJ-02 position in a 街道), nearest first.
    pub async fn providers(
        &self,
        lat: f64,
        lng: f64,
        street_id: &str,
        item: Option<crate::model::ServiceItem>,
    ) -> Result<crate::model::elder::ProvidersResponse, ClientError> {
        let mut pairs = vec![("lat".to_string(), lat.to_string()), ("lng".to_string(), lng.to_string()), ("street".to_string(), street_id.to_string())];
        if let Some(i) = item {
            pairs.push(("item".into(), i.code().into()));
        }
        self.get(&format!("/api/v1/providers?{}", encode_pairs(&pairs))).await
    }

    pub async fn provider(&self, id: i64) -> Result<crate::model::elder::ProviderHit, ClientError> {
        self.get(&format!("/api/v1/providers/{id}")).await
    }

    pub async fn provider_openings(&self, id: i64, item: crate::model::ServiceItem) -> Result<crate::model::requests::TimeslotsResponse, ClientError> {
        self.get(&format!("/api/v1/providers/{id}/openings?item={}", item.code())).await
    }

    /// This device's orders for home services.
    pub async fn my_orders(&self, device_key: &str) -> Result<crate::model::orders::OrdersResponse, ClientError> {
        self.get_as("/api/v1/orders", Some(device_key)).await
    }

    pub async fn operator_providers(&self) -> Result<Vec<crate::model::orders::OperatorProvider>, ClientError> {
        self.get("/api/v1/operator/providers").await
    }

    pub async fn provider_orders(&self, provider_id: i64) -> Result<Vec<crate::model::orders::ProviderOrder>, ClientError> {
        self.get(&format!("/api/v1/operator/providers/{provider_id}/orders")).await
    }

    pub async fn provider_carers(&self, provider_id: i64) -> Result<Vec<crate::model::orders::Carer>, ClientError> {
        self.get(&format!("/api/v1/operator/providers/{provider_id}/carers")).await
    }

    /// A provider's items, home-care timeslots and service area (signed in at the desk).
    pub async fn provider_service(&self, provider_id: i64) -> Result<crate::model::service_desk::ProviderService, ClientError> {
        self.get(&format!("/api/v1/operator/providers/{provider_id}/service")).await
    }

    /// A carer's own visits (signed in with a carer account).
    pub async fn carer_visits(&self) -> Result<Vec<crate::model::orders::ProviderOrder>, ClientError> {
        self.get("/api/v1/carer/visits").await
    }

    /// Everything the server holds for this device's family (PIPL: 查看和下载我的信息), as
    /// read and as the JSON text the server sent (the file a family downloads).
    /// Read as a JSON value (the families' bundle renders it without a decoder per record type).
    pub async fn my_data(&self, device_key: &str) -> Result<(serde_json::Value, String), ClientError> {
        let bytes = self.get_bytes("/api/v1/me/data", Some(device_key)).await?;
        let data = json(&bytes).map_err(|e| ClientError::Decode(e.to_string()))?;
        Ok((data, String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The weekly 探访 of the people this device orders for.
    pub async fn welfare_plans(&self, device_key: &str) -> Result<crate::model::orders::WelfarePlansResponse, ClientError> {
        self.get_as("/api/v1/welfare-visits", Some(device_key)).await
    }

    pub async fn provider_welfare_visits(&self, provider_id: i64) -> Result<Vec<crate::model::orders::ProviderWelfareVisit>, ClientError> {
        self.get(&format!("/api/v1/operator/providers/{provider_id}/welfare-visits")).await
    }

    pub async fn subsidy_rules(&self) -> Result<Vec<crate::model::elder::SubsidyRule>, ClientError> {
        self.get("/api/v1/subsidy-rules").await
    }

    /// The path of a supervisor's read (`/api/v1/supervise/{what}?area=…&month=…`); also the
    /// address of its files and charts.
    pub fn supervise_path(what: &str, area: &str, month: &str, extra: &str) -> String {
        let mut q = vec![];
        if !area.is_empty() {
            q.push(format!("area={area}"));
        }
        if !month.is_empty() {
            q.push(format!("month={month}"));
        }
        if !extra.is_empty() {
            q.push(extra.to_string());
        }
        format!("/api/v1/supervise/{what}{}{}", if q.is_empty() { "" } else { "?" }, q.join("&"))
    }

    /// A supervisor's read: `indicators`, `streets`, `places`, `orders`, `settlement`, `targets`.
    pub async fn supervise<T: DeserializeOwned>(&self, what: &str, area: &str, month: &str) -> Result<T, ClientError> {
        self.get(&Self::supervise_path(what, area, month, "")).await
    }

    pub async fn admin_targets(&self) -> Result<Vec<crate::model::supervise::Target>, ClientError> {
        self.get("/api/v1/admin/targets").await
    }

    pub async fn admin_organisations(&self) -> Result<Vec<crate::model::OrganisationAdmin>, ClientError> {
        self.get("/api/v1/admin/organisations").await
    }

    pub async fn admin_users(&self) -> Result<Vec<crate::model::Account>, ClientError> {
        self.get("/api/v1/admin/users").await
    }

    /// An organisation's open places (the admin desk).
    pub async fn admin_org_places(&self, org_id: i64) -> Result<Vec<crate::model::OperatorPlace>, ClientError> {
        self.get(&Self::admin_org_places_path(org_id)).await
    }

    /// Where an organisation's places are listed and new ones registered.
    pub fn admin_org_places_path(org_id: i64) -> String {
        format!("/api/v1/admin/organisations/{org_id}/places")
    }

    /// Where the admin closes a place.
    pub fn admin_close_place_path(place_id: i64) -> String {
        format!("/api/v1/admin/places/{place_id}/close")
    }

    pub async fn operator_audit(&self, place_id: i64) -> Result<Vec<crate::model::AuditEntry>, ClientError> {
        self.get(&format!("/api/v1/operator/places/{place_id}/audit")).await
    }

    /// Where the admin downloads a registry file's XLSX template.
    pub fn import_template_url(kind: crate::model::import::ImportKind) -> String {
        format!("/api/v1/admin/imports/template/{}", kind.code())
    }

    /// Uploads a registry file under `id` (a UUID the desk made for this file) and answers its
    /// preview; nothing is imported. Files take longer than a write: up to a minute.
    pub async fn import_upload(
        &self,
        csrf: &str,
        id: &str,
        (kind, file_name): (crate::model::import::ImportKind, &str),
        encoding: crate::model::import::TextEncoding,
        bytes: Vec<u8>,
    ) -> Result<crate::model::import::ImportPreview, ClientError> {
        let pairs = vec![
            ("kind".to_string(), kind.code().to_string()),
            ("name".to_string(), file_name.to_string()),
            ("encoding".to_string(), encoding.code().to_string()),
        ];
        let url = format!("{}/api/v1/admin/imports/{}?{}", self.base, crate::rules::query::percent_encode(id), encode_pairs(&pairs));
        let res = self
            .http
            .put(url)
            .timeout(std::time::Duration::from_secs(60))
            .header("Accept", "application/json")
            .header("Content-Type", "application/octet-stream")
            .header("X-CSRF-Token", csrf)
            .body(bytes)
            .send()
            .await
            .map_err(|e| ClientError::Network(e.to_string()))?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(|e| ClientError::Network(e.to_string()))?;
        if status == 200 {
            json(&bytes).map_err(|e| ClientError::Decode(e.to_string()))
        } else {
            Err(ClientError::Api {
                status,
                body: json(&bytes).unwrap_or_else(|_| ErrorBody {
                    error: "http".into(),
                    message: format!("上传失败（HTTP {status}），请稍后再试"),
                    fields: vec![],
                    current: None,
                }),
            })
        }
    }

    /// Applies a previewed upload (one transaction on the server; `key` is the write's
    /// Idempotency-Key, kept for retries of the same apply).
    pub async fn import_apply(
        &self,
        csrf: &str,
        device_key: &str,
        key: &str,
        id: &str,
        ask: &crate::model::import::ImportApply,
    ) -> Result<WriteAnswer, ClientError> {
        let path = format!("/api/v1/admin/imports/{}/apply", crate::rules::query::percent_encode(id));
        let body = serde_json::to_value(ask).map_err(|e| ClientError::Decode(e.to_string()))?;
        self.send_write(Outgoing::new("POST", &path, device_key, key).body(Some(&body)).csrf(Some(csrf))).await
    }
}
