//! Who may read and write what — decided here and nowhere else.
//!
//! - An admin reads and writes everything.
//! - An operator reads and writes its own organisation's places and providers.
//! - A supervisor reads (never writes) the organisations with a place, a provider, or a
//!   provider's service area in their district — nothing of another district.
//! - A carer's account reaches only its own assigned visits (`/api/v1/carer/…`, checked
//!   there by carer id); every desk endpoint answers it 403.

use crate::http::error::AppError;
use app::model::{Role, User};
use sqlx::SqliteConnection;

fn not_a_carer(user: &User) -> Result<(), AppError> {
    match user.carer_id {
        Some(_) => Err(AppError::Forbidden("护理员账号只能查看和记录自己的上门任务".into())),
        None => Ok(()),
    }
}

pub(crate) fn may_write(user: &User, org: i64) -> Result<(), AppError> {
    not_a_carer(user)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Operator if user.organisation_id == Some(org) => Ok(()),
        Role::Operator => Err(AppError::Forbidden("只能修改本机构的托育点".into())),
        Role::Supervisor => Err(AppError::Forbidden("监管账号只能查看".into())),
    }
}

pub(crate) async fn may_read(conn: &mut SqliteConnection, user: &User, org: i64) -> Result<(), AppError> {
    not_a_carer(user)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Operator if user.organisation_id == Some(org) => Ok(()),
        Role::Operator => Err(AppError::Forbidden("只能查看本机构的托育点".into())),
        Role::Supervisor => {
            let district = user.district_id.as_deref().unwrap_or_default();
            if org_in_district(conn, org, district).await? {
                Ok(())
            } else {
                Err(AppError::Forbidden("监管账号只能查看本区的机构".into()))
            }
        }
    }
}

/// Whether an organisation has a place, a provider, or a provider's service 街道 in a district.
pub(crate) async fn org_in_district(conn: &mut SqliteConnection, org: i64, district: &str) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM places WHERE organisation_id = ?1 AND district_id = ?2)
             OR EXISTS (SELECT 1 FROM providers WHERE organisation_id = ?1 AND district_id = ?2)
             OR EXISTS (SELECT 1 FROM provider_streets ps JOIN providers p ON p.id = ps.provider_id
                          JOIN areas a ON a.id = ps.street_id WHERE p.organisation_id = ?1 AND a.parent_id = ?2)",
    )
    .bind(org)
    .bind(district)
    .fetch_one(&mut *conn)
    .await?)
}
