//! A provider's 养老护理员 on the desk: add (with level, certificate and its expiry, phone),
//! correct or renew (a new certificate or expiry), and disable (their sign-in ends with them). Both go through the tablet's outbox and are
//! audited; assigning a visit refuses a carer whose certificate has expired (desk/orders.rs).

use crate::api::auth::Session;
use crate::db::carers as repo;
use crate::http::access::{reader, writer_of, Of};
use crate::http::audit::{self, About};
use crate::http::error::{AppError, FieldErrors};
use crate::http::extract::Id;
use crate::http::write::{By, NoBody, Tx, Write};
use crate::AppState;
use app::model::orders::{Carer, CarerCreate};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

/// `GET /api/v1/operator/providers/{id}/carers`
#[utoipa::path(get, path = "/api/v1/operator/providers/{id}/carers", params(("id" = i64, Path,)),
    responses((status = 200, body = [Carer]), (status = 401), (status = 403)), tag = "operator")]
pub async fn carers(State(st): State<AppState>, session: Session, Id(provider_id): Id) -> Result<Json<Vec<Carer>>, AppError> {
    let mut conn = reader(&st, &session.user, Of::Provider(provider_id)).await?;
    Ok(Json(crate::db::carers::active(&mut conn, provider_id).await?))
}

/// `POST /api/v1/operator/providers/{id}/carers` — a new carer of the provider.
#[utoipa::path(post, path = "/api/v1/operator/providers/{id}/carers", params(("id" = i64, Path,)), request_body = CarerCreate,
    responses((status = 201, body = Carer), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn add_carer(State(st): State<AppState>, session: Session, Id(provider_id): Id, w: Write<CarerCreate>) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, new, By { user, now }| async move {
        let org = writer_of(&mut tx, &user, Of::Provider(provider_id)).await?;
        let mut errors = FieldErrors::from(new.validate(app::model::requests::beijing_today(now)));
        if !errors.has("certificate_no") && repo::certificate_taken(&mut tx, provider_id, new.certificate_no.trim(), None).await? {
            errors.push("certificate_no", "本机构已有使用这个证书编号的护理员");
        }
        errors.into_result()?;
        let id = repo::insert(&mut tx, provider_id, &new, now.timestamp()).await?;
        let detail = serde_json::json!({ "provider_id": provider_id, "carer_id": id, "name": new.name.trim(), "level": new.level.code(),
                                         "certificate_no": new.certificate_no.trim(), "certificate_expires_on": new.certificate_expires_on.trim() });
        audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "carer_add", detail).await?;
        let carer = repo::one(&mut tx, id).await?.ok_or_else(|| AppError::NotFound("没有这名护理员".into()))?;
        Ok((tx, StatusCode::CREATED, carer))
    })
    .await
}

/// `POST /api/v1/operator/carers/{id}/disable` — off the list: not assignable, and their
/// account (if any) cannot sign in; visits already assigned are for the provider to reassign.
#[utoipa::path(post, path = "/api/v1/operator/carers/{id}/disable", params(("id" = i64, Path,)),
    responses((status = 200, body = Vec<Carer>), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn disable_carer(State(st): State<AppState>, session: Session, Id(carer_id): Id, w: Write<NoBody>) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, _, By { user, now }| async move {
        let provider_id = repo::provider_of(&mut tx, carer_id).await?.ok_or_else(|| AppError::NotFound("没有这名护理员".into()))?;
        let org = writer_of(&mut tx, &user, Of::Provider(provider_id)).await?;
        if repo::disable(&mut tx, carer_id, now.timestamp()).await? {
            let detail = serde_json::json!({ "provider_id": provider_id, "carer_id": carer_id });
            audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "carer_disable", detail).await?;
        }
        // The provider's list as it is now (a repeat of the same disable answers the same).
        let list = repo::active(&mut tx, provider_id).await?;
        Ok((tx, StatusCode::OK, list))
    })
    .await
}

/// `PUT /api/v1/operator/carers/{id}` — a carer's details corrected or renewed (a new
/// certificate or expiry makes an expired carer assignable again); answers the provider's list.
#[utoipa::path(put, path = "/api/v1/operator/carers/{id}", params(("id" = i64, Path,)), request_body = CarerCreate,
    responses((status = 200, body = Vec<Carer>), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "operator")]
pub async fn edit_carer(State(st): State<AppState>, session: Session, Id(carer_id): Id, w: Write<CarerCreate>) -> Result<Response, AppError> {
    w.run_as(&st, &session, move |mut tx: Tx, edit, By { user, now }| async move {
        let provider_id = repo::provider_of(&mut tx, carer_id).await?.ok_or_else(|| AppError::NotFound("没有这名护理员".into()))?;
        let org = writer_of(&mut tx, &user, Of::Provider(provider_id)).await?;
        let mut errors = FieldErrors::from(edit.validate(app::model::requests::beijing_today(now)));
        if !errors.has("certificate_no") && repo::certificate_taken(&mut tx, provider_id, edit.certificate_no.trim(), Some(carer_id)).await? {
            errors.push("certificate_no", "本机构已有使用这个证书编号的护理员");
        }
        errors.into_result()?;
        if !repo::update(&mut tx, carer_id, &edit).await? {
            return Err(AppError::NotFound("这名护理员已停用".into()));
        }
        let detail = serde_json::json!({ "provider_id": provider_id, "carer_id": carer_id, "name": edit.name.trim(), "level": edit.level.code(),
                                         "certificate_no": edit.certificate_no.trim(), "certificate_expires_on": edit.certificate_expires_on.trim() });
        audit::record(&mut tx, (&user, now), About::Organisation(Some(org)), "carer_edit", detail).await?;
        let list = repo::active(&mut tx, provider_id).await?;
        Ok((tx, StatusCode::OK, list))
    })
    .await
}

crate::api::resource_routes!(carers, add_carer; disable_carer; edit_carer);
