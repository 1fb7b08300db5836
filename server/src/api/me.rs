//! The family's rights over its personal information, from the phone (PIPL arts. 44–47):
//! everything held for this device (`GET /api/v1/me/data`) and its erasure
//! (`DELETE /api/v1/me/data`), withdrawing a consent, and moving to a new phone or sharing
//! with family (one-time transfer codes, a recovery code). All by the device key.

use crate::db::privacy;
use crate::db::requests::{positions, view as request_view};
use crate::http::device::DeviceHash;
use crate::http::error::AppError;
use crate::http::write::{NoBody, Tx, Write};
use crate::AppState;
use app::model::privacy::{
    group_code, normalise_code, ConsentRecord, EnterCode, Erased, MyData, MyOrder, MyRequest, NewTransferCode, RecoveryCode, TransferCode,
    TransferMode, Transferred,
};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;

/// `GET /api/v1/me/data` — everything the server holds for this phone's family.
#[utoipa::path(get, path = "/api/v1/me/data",
    responses((status = 200, body = MyData), (status = 401, body = app::model::ErrorBody)), tag = "my data")]
pub async fn data(State(st): State<AppState>, device: DeviceHash) -> Result<Json<MyData>, AppError> {
    let mut conn = st.read.acquire().await?;
    Ok(Json(gather(&mut conn, &st, &device).await?))
}

async fn gather(conn: &mut crate::db::Conn, st: &AppState, device: &DeviceHash) -> Result<MyData, AppError> {
    let hash = &device.0;
    let seen = privacy::device_seen(conn, hash).await?;
    let rows = crate::db::requests::by_device(conn, hash, i64::MAX).await?;
    let pos = positions(conn, "device_hash = ?", hash).await?;
    let requests = rows
        .iter()
        .map(|r| {
            Ok(MyRequest {
                request: request_view(r, &pos)?,
                contact_name: r.contact_name.clone(),
                contact_phone: r.contact_phone.clone(),
                child_birth_month: r.child_birth_month.clone(),
                priority_grounds: serde_json::from_str(&r.priority_grounds).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let rows = crate::db::orders::by_device(conn, hash, i64::MAX).await?;
    let orders = rows
        .into_iter()
        .map(|r| {
            let p = crate::db::orders::provider_order(r)?;
            Ok(MyOrder { order: p.order, elder: p.elder })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let plans = crate::api::visits::plans_of(conn, device, st.clock.now(), true).await?;
    let saved_places = crate::db::favorites::of_device_conn(conn, hash).await?;
    let consents = privacy::consents(conn, hash).await?;
    let views = privacy::views(conn, hash).await?;
    let (shared_with, has_recovery_code) = privacy::sharing(conn, hash, device.own()).await?;
    Ok(MyData {
        generated_at: st.clock.now(),
        first_seen: seen.map(|s| crate::db::places::ts(s.0)),
        last_seen: seen.map(|s| crate::db::places::ts(s.1)),
        requests,
        orders,
        plans,
        saved_places,
        consents,
        views,
        shared_with,
        has_recovery_code,
    })
}

/// `DELETE /api/v1/me/data` — erases this family's data: open requests and orders are
/// cancelled first, requests and saved places deleted, orders and 探访 plans kept for subsidy
/// settlement without anyone's name, address, phone or position.
#[utoipa::path(delete, path = "/api/v1/me/data",
    responses((status = 200, body = Erased), (status = 401, body = app::model::ErrorBody),
        (status = 409, description = "A carer is at the door: after the visit", body = app::model::ErrorBody)), tag = "my data")]
pub async fn erase(State(st): State<AppState>, w: Write<NoBody>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.now();
    w.run(&st, move |mut tx: Tx, _| async move {
        let erased = privacy::erase(&mut tx, &dev.0, now).await?;
        Ok((tx, StatusCode::OK, erased))
    })
    .await
}

/// `POST /api/v1/me/consents/{id}/withdraw` — withdraws a consent (the capability level, the
/// categories, the weekly 探访): the recipient no longer sees the part at once.
#[utoipa::path(post, path = "/api/v1/me/consents/{id}/withdraw",
    params(("id" = i64, Path,)),
    responses((status = 200, body = ConsentRecord), (status = 401, body = app::model::ErrorBody), (status = 404, body = app::model::ErrorBody),
        (status = 422, body = app::model::ErrorBody)), tag = "my data")]
pub async fn withdraw(State(st): State<AppState>, Path(id): Path<i64>, w: Write<NoBody>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.now();
    w.run(&st, move |mut tx: Tx, _| async move {
        let c = privacy::withdraw(&mut tx, &dev.0, id, now).await?;
        Ok((tx, StatusCode::OK, c))
    })
    .await
}

/// The address another phone opens (`/me/join?code=…`), from the request's own origin.
fn join_link(headers: &HeaderMap, code: &str) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = headers.get("x-forwarded-proto").and_then(|h| h.to_str().ok()).filter(|p| *p == "https" || *p == "http").unwrap_or("http");
    format!("{scheme}://{host}/me/join?code={code}")
}

fn qr_svg(text: &str) -> Result<String, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// `POST /api/v1/me/transfer-codes` — a one-time code (10 minutes) to enter on another phone:
/// `take` moves this family's records there, `share` lets both phones follow and order.
#[utoipa::path(post, path = "/api/v1/me/transfer-codes", request_body = NewTransferCode,
    responses((status = 201, body = TransferCode), (status = 401, body = app::model::ErrorBody), (status = 422, body = app::model::ErrorBody)), tag = "my data")]
pub async fn transfer_code(State(st): State<AppState>, headers: HeaderMap, w: Write<NewTransferCode>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.now();
    w.run(&st, move |mut tx: Tx, body| async move {
        let code = privacy::new_code(8);
        let expires = now.timestamp() + privacy::TRANSFER_CODE_S;
        privacy::store_code(&mut tx, &dev.0, &code, body.mode.code(), now.timestamp(), Some(expires)).await?;
        let shown = group_code(&code);
        let link = join_link(&headers, &shown);
        let qr = tokio::task::spawn_blocking({
            let link = link.clone();
            move || qr_svg(&link)
        })
        .await
        .map_err(|e| AppError::Internal(e.into()))??;
        Ok((tx, StatusCode::CREATED, TransferCode { code: shown, mode: body.mode, expires_at: crate::db::places::ts(expires), link, qr_svg: qr }))
    })
    .await
}

/// `POST /api/v1/me/recovery-code` — a new recovery code (replacing any earlier one), shown
/// once, to write down: entered on a new phone it moves the family's records there.
#[utoipa::path(post, path = "/api/v1/me/recovery-code",
    responses((status = 201, body = RecoveryCode), (status = 401, body = app::model::ErrorBody)), tag = "my data")]
pub async fn recovery_code(State(st): State<AppState>, w: Write<NoBody>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.unix();
    w.run(&st, move |mut tx: Tx, _| async move {
        let code = privacy::new_code(16);
        privacy::store_code(&mut tx, &dev.0, &code, "recover", now, None).await?;
        Ok((tx, StatusCode::CREATED, RecoveryCode { code: group_code(&code) }))
    })
    .await
}

/// `POST /api/v1/me/transfer` — a transfer or recovery code entered on this phone. Wrong,
/// used or expired codes count against the address and the phone: after five in 15 minutes,
/// 429 with Retry-After.
#[utoipa::path(post, path = "/api/v1/me/transfer", request_body = EnterCode,
    responses((status = 200, body = Transferred), (status = 401, body = app::model::ErrorBody), (status = 422, body = app::model::ErrorBody),
        (status = 429, body = app::model::ErrorBody)), tag = "my data")]
pub async fn enter_code(State(st): State<AppState>, w: Write<EnterCode>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    let now = st.clock.unix();
    w.run(&st, move |mut tx: Tx, body| async move {
            if privacy::too_many_wrong(&mut tx, &dev.1, dev.own(), now).await? {
                return Err(AppError::TooManyRequests("输错次数太多，请 15 分钟后再试".into(), privacy::CODE_WINDOW_S as u32));
            }
            let found = match normalise_code(&body.code) {
                Some(code) => privacy::use_code(&mut tx, &code, now).await?,
                None => None,
            };
            let Some((from, mode)) = found else {
                // answered as a 422 but committed: a wrong code must count
                privacy::wrong_code(&mut tx, &dev.1, dev.own(), now).await?;
                let e = AppError::field("code", "代码不正确、已用过或已过期（10 分钟内有效），请在原手机上重新生成");
                return Ok((tx, StatusCode::UNPROCESSABLE_ENTITY, serde_json::to_value(e.body()).map_err(anyhow::Error::from)?));
            };
            if from == dev.0 {
                return Err(AppError::field("code", "这是本机的代码，请在另一部手机上输入"));
            }
            let mode = if mode == "share" { TransferMode::Share } else { TransferMode::Take };
            // the records this phone had come along (into the family's, or onto the new phone)
            let (requests, orders) = match mode {
                TransferMode::Take => {
                    let mut moved = privacy::move_records(&mut tx, &from, &dev.0).await?;
                    privacy::stop_sharing(&mut tx, dev.own()).await?;
                    if dev.0 != dev.own() {
                        let (r, o) = privacy::move_records(&mut tx, &dev.0, dev.own()).await?;
                        moved = (moved.0 + r, moved.1 + o);
                    }
                    moved
                }
                TransferMode::Share => {
                    privacy::move_records(&mut tx, &dev.0, &from).await?;
                    privacy::link(&mut tx, dev.own(), &from, now).await?;
                    let (r, o) = privacy::record_counts(&mut tx, &from).await?;
                    (r as u32, o as u32)
                }
            };
            Ok((tx, StatusCode::OK, serde_json::to_value(Transferred { mode, requests, orders }).map_err(anyhow::Error::from)?))
        })
        .await
}

/// `DELETE /api/v1/me/sharing` — stops sharing from this phone: a phone that joined leaves
/// (the records stay with the family); the family's phone stops every phone that joined.
#[utoipa::path(delete, path = "/api/v1/me/sharing",
    responses((status = 200, body = u32, description = "Links ended"), (status = 401, body = app::model::ErrorBody)), tag = "my data")]
pub async fn stop_sharing(State(st): State<AppState>, w: Write<NoBody>) -> Result<Response, AppError> {
    let dev = w.device.clone();
    w.run(&st, move |mut tx: Tx, _| async move {
        let n = privacy::stop_sharing(&mut tx, dev.own()).await?;
        Ok((tx, StatusCode::OK, n))
    })
    .await
}

crate::api::resource_routes!(data, erase; withdraw; transfer_code; recovery_code; enter_code; stop_sharing);
