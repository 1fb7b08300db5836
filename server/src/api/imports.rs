//! Registry import on the admin desk (`server/src/import/`): download the template, upload a
//! file under a client-made id (previewed, nothing written but the upload), apply it.
//! Reading the file and building the template run on the blocking pool; applying holds the
//! writer for one transaction in which the plan is made again and must match the preview.

use crate::api::auth::{Role, Session};
use crate::db::imports as repo;
use crate::http::audit::Actor;
use crate::http::error::AppError;
use crate::http::extract::ReqId;
use crate::http::write::{By, Tx, Write};
use crate::import;
use crate::AppState;
use app::model::import::{ImportApply, ImportKind, ImportPreview, ImportResult, TextEncoding};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

fn admin_only(session: &Session) -> Result<(), AppError> {
    if session.user.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden("只有平台管理员可以导入登记数据".into()))
    }
}

fn kind_of(code: &str) -> Result<ImportKind, AppError> {
    ImportKind::from_code(code).ok_or_else(|| AppError::field("kind", "导入类型应为 places（托育机构及点位）、providers（居家上门服务机构）或 population（街道人口）"))
}

/// `GET /api/v1/admin/imports/template/{kind}` — the XLSX template with its 填写说明 sheet.
#[utoipa::path(get, path = "/api/v1/admin/imports/template/{kind}", params(("kind" = String, Path, description = "places or providers")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 401), (status = 403), (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn template(session: Session, axum::extract::Path(kind): axum::extract::Path<String>) -> Result<Response, AppError> {
    admin_only(&session)?;
    let kind = kind_of(&kind)?;
    let bytes = tokio::task::spawn_blocking(move || import::template::xlsx(kind))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(anyhow::Error::from)?;
    let name = import::template::file_name(kind);
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}-template.xlsx\"; filename*=UTF-8''{encoded}", kind.code())),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UploadParams {
    /// places or providers
    kind: String,
    /// The file's name as the admin chose it (shown in the preview; `.xlsx` or `.csv`).
    name: String,
    /// For CSV: auto (default), utf-8 or gb18030.
    #[serde(default)]
    encoding: Option<String>,
}

/// `PUT /api/v1/admin/imports/{id}` — the file as the body (up to 10 MB), under an id the
/// client made (a UUID): kept, read and compared with the database. Nothing is imported;
/// the answer is the preview. The same id with the same file answers the same preview.
#[utoipa::path(put, path = "/api/v1/admin/imports/{id}", params(("id" = String, Path, description = "client-made UUID"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportPreview), (status = 401), (status = 403), (status = 404), (status = 409, body = app::model::ErrorBody),
              (status = 413, body = app::model::ErrorBody), (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn upload(
    State(st): State<AppState>,
    session: Session,
    ReqId(id): ReqId,
    Query(q): Query<UploadParams>,
    body: Body,
) -> Result<Json<ImportPreview>, AppError> {
    admin_only(&session)?;
    let kind = kind_of(&q.kind)?;
    let encoding = match q.encoding.as_deref() {
        None | Some("") => TextEncoding::Auto,
        Some(e) => TextEncoding::from_code(e).ok_or_else(|| AppError::field("encoding", "编码应为 auto、utf-8 或 gb18030"))?,
    };
    let name: String = q.name.trim().chars().take(200).collect();
    if name.is_empty() {
        return Err(AppError::field("name", "缺少文件名"));
    }
    let content = axum::body::to_bytes(body, import::MAX_FILE).await.map_err(|_| AppError::FileTooLarge)?.to_vec();
    let now = st.clock.now();
    let up = repo::Upload {
        id: id.clone(),
        kind: kind.code().into(),
        file_name: name.clone(),
        encoding: encoding.code().into(),
        sha256: crate::http::device::sha256_hex(&content),
        content,
        created_by: Some(session.user.id),
        created_at: now.timestamp(),
        applied_at: None,
        result: None,
    };
    let mut tx = crate::db::begin_write(&st.write).await?;
    let same = repo::save_upload(&mut tx, &up).await?;
    let applied_at = repo::upload(&mut tx, &id).await?.and_then(|u| u.applied_at);
    tx.commit().await?;
    if !same {
        return Err(AppError::Conflict("这个上传编号已用于另一个文件，请重新选择文件上传".into()));
    }
    let mut preview = preview_of(&st, &up, now).await?.preview;
    preview.applied_at = applied_at.map(crate::db::places::ts);
    Ok(Json(preview))
}

/// Reads an upload (blocking pool) and compares it with the database (a reader).
async fn preview_of(st: &AppState, up: &repo::Upload, now: chrono::DateTime<chrono::Utc>) -> Result<import::Prepared, AppError> {
    let parsed = read_upload(st, up).await?;
    let mut conn = st.read.acquire().await?;
    import::prepare(&mut conn, (&up.id, &up.file_name), parsed, now).await
}

async fn read_upload(st: &AppState, up: &repo::Upload) -> Result<import::Parsed, AppError> {
    let areas = {
        let mut conn = st.read.acquire().await?;
        import::areas(&mut conn).await?
    };
    let (bytes, name) = (up.content.clone(), up.file_name.clone());
    let encoding = TextEncoding::from_code(&up.encoding).unwrap_or(TextEncoding::Auto);
    let kind = kind_of(&up.kind)?;
    let today = app::model::requests::beijing_today(st.clock.now());
    Ok(tokio::task::spawn_blocking(move || import::read(kind, &bytes, &name, encoding, &areas, today)).await.map_err(anyhow::Error::from)?)
}

/// `POST /api/v1/admin/imports/{id}/apply` — applies a previewed upload in one transaction
/// (idempotent: `Idempotency-Key`). Refused (409) when the plan is no longer the one
/// previewed, (422) when the file has problems and `only_valid_rows` is not set.
#[utoipa::path(post, path = "/api/v1/admin/imports/{id}/apply", params(("id" = String, Path,)), request_body = ImportApply,
    responses((status = 200, body = ImportResult), (status = 401), (status = 403), (status = 404), (status = 409, body = app::model::ErrorBody),
              (status = 422, body = app::model::ErrorBody)), tag = "admin")]
pub async fn apply(State(st): State<AppState>, session: Session, ReqId(id): ReqId, w: Write<ImportApply>) -> Result<Response, AppError> {
    admin_only(&session)?;
    let up = {
        let mut conn = st.read.acquire().await?;
        repo::upload(&mut conn, &id).await?.ok_or_else(|| AppError::NotFound("没有这个上传的文件，请重新上传".into()))?
    };
    let parsed = read_upload(&st, &up).await?;
    w.run_as(&st, &session, move |mut tx: Tx, ask, By { user, now }| async move {
        if repo::upload(&mut tx, &up.id).await?.and_then(|u| u.applied_at).is_some() {
            return Err(AppError::Conflict("这个文件已经导入过了；要再次导入，请重新上传".into()));
        }
        let prepared = import::prepare(&mut tx, (&up.id, &up.file_name), parsed, now).await?;
        let result = import::execute(&mut tx, &prepared, &ask, (Actor::User(&user), now)).await?;
        let summary = serde_json::to_string(&result).map_err(anyhow::Error::from)?;
        repo::mark_applied(&mut tx, &up.id, now.timestamp(), &summary).await?;
        Ok((tx, StatusCode::OK, result))
    })
    .await
}

crate::api::resource_routes!(template; upload; apply);
