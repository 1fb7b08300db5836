//! What the platform admin (管理员) does: create organisations and the accounts that
//! act for them (operators), supervisors per district and other admins; list them;
//! switch an account off (its sessions end at once). Every write is idempotent
//! (`Idempotency-Key`) and audited.

use utoipa_axum::{router::OpenApiRouter, routes};
use crate::api::auth::{hash_password, Role, Session};
use crate::http::error::{AppError, FieldErrors};
use crate::http::audit::{self, About};
use crate::http::write::{NoBody, Tx, Write};
use crate::http::extract::Id;
use crate::AppState;
use app::model::{Account, AccountCreate, BeianStatus, Organisation, OrganisationAdmin, OrganisationCreate, User};
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

type OrgRow = (i64, String, String, String, Option<String>, bool, i64, i64, i64);

const ORG_SELECT: &str = "SELECT o.id, o.name, o.uscc, o.beian_status, o.beian_number, o.is_sample, o.created_at,
        (SELECT count(*) FROM places p WHERE p.organisation_id = o.id),
        (SELECT count(*) FROM users u WHERE u.organisation_id = o.id AND u.disabled_at IS NULL)
     FROM organisations o";

fn org_from(r: OrgRow) -> OrganisationAdmin {
    let (id, name, uscc, beian, beian_number, is_sample, created_at, place_count, account_count) = r;
    OrganisationAdmin {
        organisation: Organisation {
            id,
            name,
            uscc,
            beian_status: BeianStatus::from_code(&beian).unwrap_or(BeianStatus::NotFiled),
            beian_number,
            is_sample,
        },
        place_count,
        account_count,
        created_at: crate::db::places::ts(created_at),
    }
}

/// `GET /api/v1/admin/organisations` — newest first.
#[utoipa::path(get, path = "/api/v1/admin/organisations", responses((status = 200, body = [OrganisationAdmin]), (status = 401), (status = 403)), tag = "admin")]
pub async fn organisations(State(st): State<AppState>, session: Session) -> Result<Json<Vec<OrganisationAdmin>>, AppError> {
    admin_only(&session)?;
    let rows: Vec<OrgRow> = sqlx::query_as(&format!("{ORG_SELECT} ORDER BY o.is_sample, o.id DESC LIMIT 1000")).fetch_all(&st.read).await?;
    Ok(Json(rows.into_iter().map(org_from).collect()))
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
    let user = session.user.clone();
    let now = st.clock.now();
    w.run_as(&st, &session, move |mut tx: Tx, new| async move {
        let mut errors = FieldErrors::from(new.validate());
        let uscc = new.uscc.trim().to_string();
        let taken: bool =
            sqlx::query_scalar("SELECT count(*) > 0 FROM organisations WHERE uscc = ?").bind(&uscc).fetch_one(&mut *tx).await?;
        if taken {
            errors.push("uscc", "这个统一社会信用代码已经登记过了");
        }
        errors.into_result()?;
        let number = new.beian_number.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let id = sqlx::query(
            "INSERT INTO organisations (name, uscc, beian_status, beian_number, is_sample, created_at, updated_at, created_by)
             VALUES (?1, ?2, ?3, ?4, 0, ?6, ?6, ?5)",
        )
        .bind(new.name.trim())
        .bind(&uscc)
        .bind(new.beian_status.code())
        .bind(number)
        .bind(user.id)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        audit::record(&mut tx, (&user, now), About::Organisation(Some(id)), "organisation_create", new).await?;
        let row: OrgRow = sqlx::query_as(&format!("{ORG_SELECT} WHERE o.id = ?")).bind(id).fetch_one(&mut *tx).await?;
        Ok((tx, StatusCode::CREATED, org_from(row)))
    })
    .await
}

type AccountRow = (i64, String, String, String, Option<i64>, Option<String>, bool, Option<String>, i64, Option<i64>, Option<i64>);

const ACCOUNT_SELECT: &str = "SELECT u.id, u.username, u.display_name, u.role, u.organisation_id, u.district_id, u.is_sample,
        o.name, u.created_at, u.disabled_at, u.carer_id
     FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id";

fn account_from(r: AccountRow) -> Account {
    let (id, username, display_name, role, organisation_id, district_id, is_sample, organisation_name, created_at, disabled_at, carer_id) = r;
    Account {
        user: User {
            id,
            username,
            display_name,
            role: Role::from_code(&role).unwrap_or(Role::Supervisor),
            organisation_id,
            district_id,
            is_sample,
            carer_id,
        },
        organisation_name,
        created_at: crate::db::places::ts(created_at),
        disabled: disabled_at.is_some(),
    }
}

/// `GET /api/v1/admin/users` — every account (never a password hash), newest first.
#[utoipa::path(get, path = "/api/v1/admin/users", responses((status = 200, body = [Account]), (status = 401), (status = 403)), tag = "admin")]
pub async fn users(State(st): State<AppState>, session: Session) -> Result<Json<Vec<Account>>, AppError> {
    admin_only(&session)?;
    let rows: Vec<AccountRow> = sqlx::query_as(&format!("{ACCOUNT_SELECT} ORDER BY u.is_sample, u.id DESC LIMIT 1000")).fetch_all(&st.read).await?;
    Ok(Json(rows.into_iter().map(account_from).collect()))
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
    let now = st.clock.now();
    w.run_as(&st, &session, move |mut tx: Tx, new| async move {
        let mut errors = FieldErrors::from(new.validate());
        let username = new.username.trim().to_string();
        let taken: bool =
            sqlx::query_scalar("SELECT count(*) > 0 FROM users WHERE username = ?").bind(&username).fetch_one(&mut *tx).await?;
        if taken {
            errors.push("username", "这个用户名已被使用");
        }
        let (org, district) = match new.role {
            Role::Operator => (new.organisation_id, None),
            Role::Supervisor => (None, new.district_id.as_deref().map(str::trim).map(String::from)),
            Role::Admin => (None, None),
        };
        if let Some(o) = org {
            let ok: bool = sqlx::query_scalar("SELECT count(*) > 0 FROM organisations WHERE id = ?").bind(o).fetch_one(&mut *tx).await?;
            if !ok {
                errors.push("organisation_id", "没有这个机构");
            }
        }
        if let Some(d) = &district {
            let ok: bool = sqlx::query_scalar("SELECT count(*) > 0 FROM areas WHERE id = ? AND level = 'district'")
                .bind(d)
                .fetch_one(&mut *tx)
                .await?;
            if !ok {
                errors.push("district_id", "没有这个区");
            }
        }
        errors.into_result()?;
        let id = sqlx::query(
            "INSERT INTO users (username, display_name, password_hash, role, organisation_id, district_id, is_sample, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
        )
        .bind(&username)
        .bind(new.display_name.trim())
        .bind(&hash)
        .bind(new.role.code())
        .bind(org)
        .bind(&district)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?
        .last_insert_rowid();
        let detail = serde_json::json!({
            "user_id": id, "username": username, "role": new.role.code(), "organisation_id": org, "district_id": district,
        });
        audit::record(&mut tx, (&user, now), About::Organisation(org), "account_create", detail).await?;
        let row: AccountRow = sqlx::query_as(&format!("{ACCOUNT_SELECT} WHERE u.id = ?")).bind(id).fetch_one(&mut *tx).await?;
        Ok((tx, StatusCode::CREATED, account_from(row)))
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
    let user = session.user.clone();
    let now = st.clock.now();
    w.run_as(&st, &session, move |mut tx: Tx, _| async move {
        if target == user.id {
            return Err(AppError::field("id", "不能停用自己的账号"));
        }
        let n = sqlx::query("UPDATE users SET disabled_at = coalesce(disabled_at, ?) WHERE id = ?")
            .bind(now.timestamp())
            .bind(target)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(AppError::NotFound("没有这个账号".into()));
        }
        sqlx::query("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
            .bind(now.timestamp())
            .bind(target)
            .execute(&mut *tx)
            .await?;
        let row: AccountRow = sqlx::query_as(&format!("{ACCOUNT_SELECT} WHERE u.id = ?")).bind(target).fetch_one(&mut *tx).await?;
        audit::record(&mut tx, (&user, now), About::Organisation(row.4), "account_disable", serde_json::json!({ "user_id": target, "username": row.1 })).await?;
        Ok((tx, StatusCode::OK, account_from(row)))
    })
    .await
}

/// This resource's routes: each path is the one its `#[utoipa::path]` names.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(organisations, create_organisation))
        .routes(routes!(users, create_user))
        .routes(routes!(disable_user))
}
