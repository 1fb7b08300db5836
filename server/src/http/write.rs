//! Exactly-once writes. Every write carries an `Idempotency-Key` (made by the
//! client, kept in its outbox across retries). The first request with a key does
//! the write and stores the key, a hash of the request and the response in the
//! same transaction; a replay gets the stored response and writes nothing; the same
//! key with a different request is 409. The transaction takes the write lock first
//! (`db::idempotency::begin`), so concurrent requests with one key queue up instead of racing.

use crate::api::auth::Session;
use crate::http::device::{sha256_hex, DeviceHash};
use crate::http::error::{AppError, FieldErrors};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use crate::db;
use std::future::Future;

pub const HEADER: &str = "idempotency-key";
pub const REPLAYED: &str = "idempotent-replayed";

pub use crate::db::idempotency::Tx;

/// The Idempotency-Key header: 8–128 characters of `A-Z a-z 0-9 - _ .`.
fn key_from(headers: &HeaderMap) -> Result<String, AppError> {
    let field = |m: &str| {
        AppError::field("Idempotency-Key", m)
    };
    let k = headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| field("每次提交都需要请求编号（Idempotency-Key），以免重复提交"))?;
    let ok = (8..=128).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(k.to_string())
    } else {
        Err(field("请求编号（Idempotency-Key）格式不正确"))
    }
}

/// The longest text any field takes (each field's own, shorter limit is checked by its
/// validator: names 20, notes 300 …).
pub const MAX_TEXT: usize = 2000;

/// Control characters (other than line breaks and tabs) and bidirectional overrides, which
/// can make a name or note show other text than it holds, are refused in every string of
/// every write, naming the field; so is a string over `MAX_TEXT` characters.
fn refuse_unsafe_text(body: &[u8]) -> Result<(), AppError> {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else { return Ok(()) };
    let mut errors = FieldErrors::new();
    walk(&v, String::new(), &mut errors);
    errors.into_result()
}

fn walk(v: &serde_json::Value, path: String, errors: &mut FieldErrors) {
    let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match v {
        serde_json::Value::String(s) => {
            let field = if path.is_empty() { "body".to_string() } else { path.clone() };
            if s.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')) {
                errors.push(&field, "含有不可见的控制字符，请删除后重新输入");
            } else if s.chars().count() > MAX_TEXT {
                errors.push(&field, format!("内容太长（最多 {MAX_TEXT} 个字）"));
            }
        }
        serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(x, at(&i.to_string()), errors)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| walk(x, at(k), errors)),
        _ => {}
    }
}

/// A write as it arrives: the device that sends it, its `Idempotency-Key`, the request line
/// (method and the path as sent) and the body, raw (what the key stands for) and read (`T`).
/// Extracted in the order a client meets the checks: device (401), key (422), body (413, 422
/// naming the field `T` says).
pub struct Write<T> {
    pub device: DeviceHash,
    key: String,
    method: Method,
    path: String,
    raw: Bytes,
    pub body: T,
}

/// How a write's body is read, and what a client is told when it cannot be.
pub trait WriteBody: Sized + Send + 'static {
    fn read(raw: &[u8]) -> Result<Self, AppError>;
}

/// Who makes a signed-in write, and when (the server's clock as the write began).
pub struct By {
    pub user: app::model::User,
    pub now: chrono::DateTime<chrono::Utc>,
}

/// A write that carries nothing but its path (cancel, delete …).
pub struct NoBody;

impl WriteBody for NoBody {
    fn read(_: &[u8]) -> Result<Self, AppError> {
        Ok(NoBody)
    }
}

/// JSON write bodies, with the field and message a client is shown when one cannot be read.
macro_rules! json_bodies {
    ($($t:ty => $field:literal, $message:literal;)*) => {$(
        impl WriteBody for $t {
            fn read(raw: &[u8]) -> Result<Self, AppError> {
                serde_json::from_slice(raw).map_err(|_| AppError::field($field, $message))
            }
        }
    )*};
}

json_bodies! {
    app::model::FavoriteRequest => "place_id", "请求内容应为 {\"place_id\": 数字}";
    app::model::VacancyChange => "body", "请求内容格式不正确";
    app::model::PlaceEdit => "body", "请求内容格式不正确";
    app::model::ClassEdit => "body", "请求内容格式不正确";
    app::model::ClassCreate => "body", "请求内容格式不正确（班级与托育形式必须从列表中选择）";
    app::model::OrganisationCreate => "body", "请求内容格式不正确";
    app::model::PlaceCreate => "body", "请求内容格式不正确（机构类型、托育形式须从列表中选择）";
    app::model::AccountCreate => "body", "请求内容格式不正确";
    app::model::import::ImportApply => "plan_hash", "请求内容格式不正确（需要预览给出的 plan_hash）";
    app::model::requests::TimeslotCreate => "body", "请求内容格式不正确";
    app::model::requests::NewRequest => "body", "请求内容格式不正确";
    app::model::requests::Decision => "action", "请选择接受、不通过、候补或录取";
    app::model::orders::NewOrder => "body", "订单内容格式不正确";
    app::model::orders::OrderDecision => "action", "请选择接单、拒绝、派单或核实身份";
    app::model::orders::CarerCreate => "level", "请求内容格式不正确（等级应为初级、中级或高级养老护理员）";
    app::model::orders::CheckIn => "tapped_at", "签到内容格式不正确";
    app::model::orders::CheckOut => "tasks", "签退内容格式不正确";
    app::model::orders::NewRating => "stars", "请选择 1 到 5 星";
    app::model::orders::Reschedule => "timeslot", "请选择新的时段";
    app::model::orders::RecordWelfareVisit => "mode", "请选择上门、电话或视频探访";
    app::model::service_desk::ItemSet => "item", "请求内容格式不正确（服务项目、助餐方式须从列表中选择）";
    app::model::service_desk::HomeSlotCreate => "item", "请求内容格式不正确（服务项目须从列表中选择）";
    app::model::service_desk::ServiceArea => "body", "请求内容格式不正确（radius_m 为数字，street_ids 为街道编号列表）";
    app::model::privacy::NewTransferCode => "mode", "请选择换到新手机（take）或与家人共享（share）";
    app::model::privacy::EnterCode => "code", "请输入另一部手机上显示的代码";
    app::model::supervise::TargetEdit => "target", "请求内容格式不正确（target 为数字，target_year 为年份）";
}

impl<T: WriteBody> FromRequest<AppState> for Write<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = req.into_parts();
        let device = DeviceHash::from_request_parts(&mut parts, st).await?;
        let key = key_from(&parts.headers)?;
        let raw = axum::body::to_bytes(body, crate::http::MAX_BODY).await.map_err(|_| AppError::TooLarge)?;
        let body = T::read(&raw)?;
        Ok(Write { device, key, method: parts.method, path: parts.uri.path().to_string(), raw, body })
    }
}

impl<T: WriteBody> Write<T> {
    /// Runs `write` once for an anonymous device (a family's phone), within its write limits.
    pub async fn run<F, Fut, R>(self, st: &AppState, write: F) -> Result<Response, AppError>
    where
        F: FnOnce(Tx, T) -> Fut,
        Fut: Future<Output = Result<(Tx, StatusCode, R), AppError>>,
        R: Serialize,
    {
        self.run_for(st, None, write).await
    }

    /// Runs `write` once for the signed-in account of `session` on this device; `write` is
    /// told who writes and the time of the write (for its checks and the audit trail).
    pub async fn run_as<F, Fut, R>(self, st: &AppState, session: &Session, write: F) -> Result<Response, AppError>
    where
        F: FnOnce(Tx, T, By) -> Fut,
        Fut: Future<Output = Result<(Tx, StatusCode, R), AppError>>,
        R: Serialize,
    {
        let by = By { user: session.user.clone(), now: st.clock.now() };
        self.run_for(st, Some(session.user.id), move |tx, body| write(tx, body, by)).await
    }

    async fn run_for<F, Fut, R>(self, st: &AppState, account: Option<i64>, write: F) -> Result<Response, AppError>
    where
        F: FnOnce(Tx, T) -> Fut,
        Fut: Future<Output = Result<(Tx, StatusCode, R), AppError>>,
        R: Serialize,
    {
        let Write { device, key, method, path, raw, body } = self;
        run(st, &device, account, &key, method.as_str(), &path, &raw, move |tx| async move {
            let (tx, status, answer) = write(tx, body).await?;
            Ok((tx, status, serde_json::to_value(answer).map_err(anyhow::Error::from)?))
        })
        .await
    }
}

/// Runs `write` once per (device, key). `write` gets the open transaction and returns
/// it with the status and JSON body to send (and to replay). The signed-in account (if any)
/// is part of what the key stands for: the same key from the same tablet under another
/// account is a different request (409), so a stored answer is replayed only to the device
/// *and* the account that made the write.
#[allow(clippy::too_many_arguments)]
async fn run<F, Fut>(
    st: &AppState,
    device: &DeviceHash,
    account: Option<i64>,
    key: &str,
    method: &str,
    path: &str,
    body: &[u8],
    write: F,
) -> Result<Response, AppError>
where
    F: FnOnce(Tx) -> Fut,
    Fut: Future<Output = Result<(Tx, StatusCode, serde_json::Value), AppError>>,
{
    let mut request = Vec::with_capacity(body.len() + path.len() + 8);
    request.extend_from_slice(method.as_bytes());
    request.push(b' ');
    request.extend_from_slice(path.as_bytes());
    if let Some(a) = account {
        request.extend_from_slice(format!(" as account {a}").as_bytes());
    }
    request.push(b'\n');
    request.extend_from_slice(body);
    let request_hash = sha256_hex(&request);
    refuse_unsafe_text(body)?;
    let now = chrono::Utc::now().timestamp();

    let mut tx: Tx = db::idempotency::begin(&st.write).await?;
    db::idempotency::lock_device(&mut tx, &device.0).await?;
    db::idempotency::touch_device(&mut tx, &device.0, now).await?;
    let seen = db::idempotency::stored(&mut tx, &device.0, key).await?;
    if let Some((hash, status, response)) = seen {
        tx.commit().await?;
        if hash != request_hash {
            return Err(AppError::Conflict(
                "这个请求编号已用于另一项不同的提交；这条记录已被搁置，请检查后重新提交".into(),
            ));
        }
        let value: serde_json::Value = serde_json::from_str(&response).map_err(anyhow::Error::from)?;
        let status = StatusCode::from_u16(status as u16).map_err(anyhow::Error::from)?;
        let mut res = (status, Json(value)).into_response();
        res.headers_mut().insert(REPLAYED, HeaderValue::from_static("true"));
        return Ok(res);
    }
    // An anonymous device (a family's phone) writes at a person's pace; a script booking out
    // every timeslot with one key does not, nor with a fresh key per write from one address.
    // (Signed-in tablets are limited by their session.) Replays above are still answered.
    if account.is_none() {
        let (by_device, by_address) = db::idempotency::recent(&mut tx, &device.0, &device.1, now - 60).await?;
        if by_device >= st.writes_per_device {
            tx.rollback().await?;
            return Err(AppError::TooManyRequests("操作太频繁，请稍后再试（已保存的操作会自动重发）".into(), 60));
        }
        if by_address >= st.writes_per_address {
            tx.rollback().await?;
            return Err(AppError::TooManyRequests("您所在的网络提交太频繁，请稍后再试（已保存的操作会自动重发）".into(), 60));
        }
    }
    let (mut tx, status, value) = write(tx).await?;
    let answer = db::idempotency::Answer {
        device_hash: &device.0,
        key,
        request_hash: &request_hash,
        status: status.as_u16(),
        response: value.to_string(),
        now,
        address_hash: account.is_none().then_some(device.1.as_str()),
    };
    db::idempotency::store(&mut tx, answer).await?;
    tx.commit().await?;
    Ok((status, Json(value)).into_response())
}
