//! What the platform admin (管理员) does: create organisations and the accounts that
//! act for them (operators), supervisors per district and other admins; list them;
//! switch an account off (its sessions end at once). Every write is idempotent
//! (`Idempotency-Key`) and audited.

use crate::api::auth::{hash_password, Role, Session};
use crate::http::error::{AppError, FieldErrors};
use crate::http::audit::{self, About};
use crate::http::write::{By, NoBody, Tx, Write};
use crate::http::extract::Id;
use crate::db::accounts;
use crate::AppState;
use app::model::{Account, AccountCreate, OperatorPlace, OrganisationAdmin, OrganisationCreate, PlaceCreate};
use crate::db::imports;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;

fn admin_only(session: &Session) -> Result<(), AppError> {
    if session.user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden("只有平台管理员可以管理机构和账号".into()))
    }
}

/// `GET /api/v1/admin/organisations` — newest first.
#[utoipa::path(get, path = "/api/v1/admin/organisations", responses((status = 200, body = [OrganisationAdmin]), (status = 401), (status = 403)), tag = "admin")]
pub async fn organisations(State(st): State<AppState>, session: Session) -> Result<Json<Vec<OrganisationAdmin>>, AppError> {
    admin_only(&session)?;
    Ok(Json(accounts::organisations(&st.read).await?))
}

/// `POST /api/v1/admin/organisations`
#[utoipa::path(post, path = "/api/v1/admin/organisations", request_body = OrganisationCreate,
    responses((status = 201, body = OrganisationAdmin), (status = 401), (status = 403), (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn create_organisation(
    State(st): State<AppState>,
    session: Session,
    w: Write<OrganisationCreate>,
) -> Result<Response, AppError> {
    admin_only(&session)?;
    w.run_as(&st, &session, move |mut tx: Tx, new, By { user, now }| async move {
        let mut errors = FieldErrors::from(new.validate());
        if accounts::uscc_taken(&mut tx, new.uscc.trim()).await? {
            errors.push("uscc", "这个统一社会信用代码已经登记过了");
        }
        errors.into_result()?;
        let id = accounts::insert_organisation(&mut tx, &new, user.id, now.timestamp()).await?;
        audit::record(&mut tx, (&user, now), About::Organisation(Some(id)), "organisation_create", &new).await?;
        let created = accounts::organisation(&mut tx, id).await?;
        Ok((tx, StatusCode::CREATED, created))
    })
    .await
}

/// `GET /api/v1/admin/users` — every account (never a password hash), newest first.
#[utoipa::path(get, path = "/api/v1/admin/users", responses((status = 200, body = [Account]), (status = 401), (status = 403)), tag = "admin")]
pub async fn users(State(st): State<AppState>, session: Session) -> Result<Json<Vec<Account>>, AppError> {
    admin_only(&session)?;
    Ok(Json(accounts::accounts(&st.read).await?))
}

/// `POST /api/v1/admin/users` — an operator of an organisation, a supervisor of a district, or an admin.
#[utoipa::path(post, path = "/api/v1/admin/users", request_body = AccountCreate,
    responses((status = 201, body = Account), (status = 401), (status = 403), (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn create_user(
    State(st): State<AppState>,
    session: Session,
    w: Write<AccountCreate>,
) -> Result<Response, AppError> {
    admin_only(&session)?;
    let new = &w.body;
    let user = session.user.clone();
    // Hash outside the write lock (argon2 takes a while on purpose); a replay re-hashes and is ignored.
    let hash = {
        let pw = new.password.clone();
        tokio::task::spawn_blocking(move || hash_password(&pw)).await.map_err(anyhow::Error::from)??
    };
    w.run_as(&st, &session, move |mut tx: Tx, new, By { now, .. }| async move {
        let mut errors = FieldErrors::from(new.validate());
        let username = new.username.trim().to_string();
        if accounts::username_taken(&mut tx, &username).await? {
            errors.push("username", "这个用户名已被使用");
        }
        let (org, district) = match new.role {
            Role::Operator => (new.organisation_id, None),
            Role::Supervisor => (None, new.district_id.as_deref().map(str::trim).map(String::from)),
            Role::Admin => (None, None),
        };
        if let Some(o) = org {
            if !accounts::organisation_exists(&mut tx, o).await? {
                errors.push("organisation_id", "没有这个机构");
            }
        }
        if let Some(d) = &district {
            if !accounts::district_exists(&mut tx, d).await? {
                errors.push("district_id", "没有这个区");
            }
        }
        errors.into_result()?;
        let account = accounts::NewAccount {
            username: &username,
            display_name: new.display_name.trim(),
            password_hash: &hash,
            role: new.role,
            organisation_id: org,
            district_id: district.as_deref(),
            is_sample: false,
        };
        let id = accounts::insert_account(&mut tx, account, now.timestamp()).await?;
        let detail = serde_json::json!({
            "user_id": id, "username": username, "role": new.role.code(), "organisation_id": org, "district_id": district,
        });
        audit::record(&mut tx, (&user, now), About::Organisation(org), "account_create", detail).await?;
        let created = accounts::account(&mut tx, id).await?;
        Ok((tx, StatusCode::CREATED, created))
    })
    .await
}

/// `POST /api/v1/admin/users/{id}/disable` — the account can no longer sign in; its sessions end now.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/disable", params(("id" = i64, Path,)),
    responses((status = 200, body = Account), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn disable_user(
    State(st): State<AppState>,
    session: Session,
    Id(target): Id,
    w: Write<NoBody>,
) -> Result<Response, AppError> {
    admin_only(&session)?;
    w.run_as(&st, &session, move |mut tx: Tx, _, By { user, now }| async move {
        if target == user.id {
            return Err(AppError::field("id", "不能停用自己的账号"));
        }
        if !accounts::disable(&mut tx, target, now.timestamp()).await? {
            return Err(AppError::NotFound("没有这个账号".into()));
        }
        let account = accounts::account(&mut tx, target).await?;
        let detail = serde_json::json!({ "user_id": target, "username": account.user.username });
        audit::record(&mut tx, (&user, now), About::Organisation(account.user.organisation_id), "account_disable", detail).await?;
        Ok((tx, StatusCode::OK, account))
    })
    .await
}

/// `GET /api/v1/admin/organisations/{id}/places` — an organisation's open places, main first.
#[utoipa::path(get, path = "/api/v1/admin/organisations/{id}/places", params(("id" = i64, Path,)),
    responses((status = 200, body = [OperatorPlace]), (status = 401), (status = 403), (status = 404)), tag = "admin")]
pub async fn organisation_places(State(st): State<AppState>, session: Session, Id(org): Id) -> Result<Json<Vec<OperatorPlace>>, AppError> {
    admin_only(&session)?;
    let mut conn = st.read.acquire().await?;
    imports::organisation_code(&mut conn, org).await?.ok_or_else(|| AppError::NotFound("没有这个机构".into()))?;
    Ok(Json(imports::open_places_of(&mut conn, org).await?))
}

/// `POST /api/v1/admin/organisations/{id}/places` — registers a place (点位) of a real
/// organisation; without a position it stands at its 街道's centre, shown as 位置待核实.
#[utoipa::path(post, path = "/api/v1/admin/organisations/{id}/places", params(("id" = i64, Path,)), request_body = PlaceCreate,
    responses((status = 201, body = OperatorPlace), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn create_place(State(st): State<AppState>, session: Session, Id(org): Id, w: Write<PlaceCreate>) -> Result<Response, AppError> {
    admin_only(&session)?;
    w.run_as(&st, &session, move |mut tx: Tx, new, By { user, now }| async move {
        let (uscc, sample) = imports::organisation_code(&mut tx, org).await?.ok_or_else(|| AppError::NotFound("没有这个机构".into()))?;
        let mut errors = FieldErrors::from(new.validate());
        if sample {
            errors.push("organisation_id", "示例机构不能新增真实点位");
        }
        let street = imports::street(&mut tx, new.street_id.trim()).await?;
        if street.is_none() && !errors.has("street_id") {
            errors.push("street_id", "没有这个街道，请从列表中选择");
        }
        errors.into_result()?;
        let (district_id, centre_lat, centre_lng) = street.ok_or_else(|| AppError::field("street_id", "没有这个街道"))?;
        let (lat, lng, unverified) = match (new.lat, new.lng) {
            (Some(lat), Some(lng)) => (lat, lng, false),
            _ => (centre_lat, centre_lng, true),
        };
        let mut care_modes: Vec<(app::model::CareMode, u32)> = new.care_modes.iter().map(|m| (m.care_mode, m.fee_yuan)).collect();
        care_modes.sort_by_key(|(m, _)| *m);
        let record = crate::import::places::PlaceRecord {
            rows: vec![],
            uscc,
            registry_code: None,
            name: new.name.trim().to_string(),
            is_main: Some(new.is_main),
            provider_type: new.provider_type,
            district_id,
            street_id: new.street_id.trim().to_string(),
            address: new.address.trim().to_string(),
            lat,
            lng,
            location_unverified: unverified,
            phone: new.phone.trim().to_string(),
            opening_hours: new.opening_hours.trim().to_string(),
            care_modes,
            puhui: new.puhui,
            puhui_fee_yuan: if new.puhui { new.puhui_fee_yuan } else { None },
            badges: vec![],
            classes: None,
        };
        let id = imports::insert_place(&mut tx, org, &record, new.is_main, now.timestamp()).await?;
        audit::record(&mut tx, (&user, now), About::Place { org, place: id, class: None }, "place_create", &new).await?;
        let created = imports::open_places_of(&mut tx, org).await?.into_iter().find(|p| p.id == id).ok_or_else(|| AppError::NotFound("没有这个点位".into()))?;
        Ok((tx, StatusCode::CREATED, created))
    })
    .await
}

/// `POST /api/v1/admin/places/{id}/close` — closes a place: parents no longer find it and
/// their phones drop it at the next sync; requests and the audit trail keep pointing at it.
#[utoipa::path(post, path = "/api/v1/admin/places/{id}/close", params(("id" = i64, Path,)),
    responses((status = 200, body = [OperatorPlace]), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn close_place(State(st): State<AppState>, session: Session, Id(place): Id, w: Write<NoBody>) -> Result<Response, AppError> {
    admin_only(&session)?;
    w.run_as(&st, &session, move |mut tx: Tx, _, By { user, now }| async move {
        let org = imports::open_place_org(&mut tx, place).await?.ok_or_else(|| AppError::NotFound("没有这个开放中的点位".into()))?;
        if !imports::close_place(&mut tx, place, now.timestamp()).await? {
            return Err(AppError::field("id", "示例点位不能关闭（请用 seed --remove-sample 删除示例数据）"));
        }
        audit::record(&mut tx, (&user, now), About::Place { org, place, class: None }, "place_close", serde_json::json!({ "reason": "管理员关闭" })).await?;
        let remaining = imports::open_places_of(&mut tx, org).await?;
        Ok((tx, StatusCode::OK, remaining))
    })
    .await
}

/// `GET /api/v1/admin/targets` — every plan's indicator targets, as seeded from the plans and edited since.
#[utoipa::path(get, path = "/api/v1/admin/targets", responses((status = 200, body = [app::model::supervise::Target]), (status = 401), (status = 403)), tag = "admin")]
pub async fn targets(State(st): State<AppState>, session: Session) -> Result<Json<Vec<app::model::supervise::Target>>, AppError> {
    admin_only(&session)?;
    Ok(Json(crate::db::targets::all(&mut *st.read.acquire().await?).await?))
}

/// `PUT /api/v1/admin/targets/{id}` — set a target's value and year (a revised plan); audited
/// with the value before.
#[utoipa::path(put, path = "/api/v1/admin/targets/{id}", params(("id" = i64, Path,)), request_body = app::model::supervise::TargetEdit,
    responses((status = 200, body = app::model::supervise::Target), (status = 401), (status = 403), (status = 404), (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn set_target(State(st): State<AppState>, session: Session, Id(id): Id, w: Write<app::model::supervise::TargetEdit>) -> Result<Response, AppError> {
    admin_only(&session)?;
    w.run_as(&st, &session, move |mut tx: Tx, edit, By { user, now }| async move {
        let all = crate::db::targets::all(&mut tx).await?;
        let t = all.iter().find(|t| t.id == id).ok_or_else(|| AppError::NotFound("没有这个目标".into()))?;
        FieldErrors::from(edit.validate(&t.unit)).into_result()?;
        let before = crate::db::targets::set(&mut tx, id, edit.target, edit.target_year, user.id, now.timestamp()).await?;
        audit::record(&mut tx, (&user, now), About::Organisation(None), "target_set",
            serde_json::json!({ "target": id, "name": t.name, "scope": t.scope_name, "before": before, "after": [edit.target, edit.target_year] })).await?;
        let after = crate::db::targets::all(&mut tx).await?.into_iter().find(|t| t.id == id).ok_or_else(|| AppError::NotFound("没有这个目标".into()))?;
        Ok((tx, StatusCode::OK, after))
    })
    .await
}

crate::api::resource_routes!(organisations, create_organisation; users, create_user; disable_user; organisation_places, create_place; close_place; targets; set_target);
