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
use app::model::{Account, AccountCreate, OrganisationAdmin, OrganisationCreate};
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

crate::api::resource_routes!(organisations, create_organisation; users, create_user; disable_user);
