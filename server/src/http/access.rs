//! Who may read and write what — decided here and nowhere else.
//!
//! - An admin reads and writes everything.
//! - An operator reads and writes its own organisation's places and providers.
//! - A supervisor reads (never writes) the organisations with a place, a provider, or a
//!   provider's service area in their district — nothing of another district.
//! - The supervisors' figures (`/api/v1/supervise/…`): a supervisor reads their own district
//!   and its 街道, an admin any district, nobody else any ([`supervised`]).
//! - A carer's account reaches only its own assigned visits (`/api/v1/carer/…`, checked
//!   there by carer id); every desk endpoint answers it 403.

use crate::http::error::AppError;
use crate::AppState;
use app::model::{Role, User};

/// What a desk request is about: a place or a provider, each kept by one organisation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Of {
    Place(i64),
    Provider(i64),
}

impl Of {
    /// The organisation that keeps it (404 when there is no such place or provider).
    async fn organisation(self, conn: &mut crate::db::Conn) -> Result<i64, AppError> {
        match self {
            Of::Place(id) => crate::db::places::place_org(conn, id).await,
            Of::Provider(id) => crate::db::orders::provider_org(conn, id).await,
        }
    }
}

/// A read connection for a desk list of `of`'s records, once `user` may read them.
pub(crate) async fn reader(st: &AppState, user: &User, of: Of) -> Result<crate::db::Held, AppError> {
    let mut conn = st.read.acquire().await?;
    let org = of.organisation(&mut conn).await?;
    may_read(&mut conn, user, org).await?;
    Ok(conn)
}

/// The organisation that keeps `of`, once `user` may change it (inside the write's transaction).
pub(crate) async fn writer_of(conn: &mut crate::db::Conn, user: &User, of: Of) -> Result<i64, AppError> {
    let org = of.organisation(conn).await?;
    may_write(user, org)?;
    Ok(org)
}

fn not_a_carer(user: &User) -> Result<(), AppError> {
    match user.carer_id {
        Some(_) => Err(AppError::Forbidden("护理员账号只能查看和记录自己的上门任务".into())),
        None => Ok(()),
    }
}

fn may_write(user: &User, org: i64) -> Result<(), AppError> {
    not_a_carer(user)?;
    match user.role {
        Role::Admin => Ok(()),
        Role::Operator if user.organisation_id == Some(org) => Ok(()),
        Role::Operator => Err(AppError::Forbidden("只能修改本机构的托育点".into())),
        Role::Supervisor => Err(AppError::Forbidden("监管账号只能查看".into())),
    }
}

async fn may_read(conn: &mut crate::db::Conn, user: &User, org: i64) -> Result<(), AppError> {
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
pub(crate) async fn org_in_district(conn: &mut crate::db::Conn, org: i64, district: &str) -> Result<bool, AppError> {
    Ok(crate::db::access::org_in_district(conn, org, district).await?)
}

/// A read connection and the district or 街道 `area` (a supervisor's own district when
/// absent), once `user` may read its supervision figures.
pub(crate) async fn supervised(st: &AppState, user: &User, area: Option<&str>) -> Result<(crate::db::Held, app::model::supervise::AreaRef), AppError> {
    not_a_carer(user)?;
    if user.role == Role::Operator {
        return Err(AppError::Forbidden("只有监管账号和平台管理员可以查看监管数据".into()));
    }
    let own = user.district_id.as_deref();
    let id = match (area.map(str::trim).filter(|a| !a.is_empty()), user.role, own) {
        (Some(a), _, _) => a.to_string(),
        (None, Role::Supervisor, Some(d)) => d.to_string(),
        _ => return Err(AppError::field("area", "请选择区或街道")),
    };
    let mut conn = st.read.acquire().await?;
    let a = crate::db::supervise::area(&mut conn, &id).await?;
    if user.role == Role::Supervisor && own != Some(a.district_id.as_str()) {
        return Err(AppError::Forbidden("监管账号只能查看本区的数据".into()));
    }
    Ok((conn, a))
}

/// A read of sensitive personal information that the access log keeps (PIPL art. 55 ff.):
/// who, what, when and why; a family sees the rows about its own records (查看记录).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read {
    /// An older person's profile with an order or a weekly 探访.
    ElderProfile,
    /// A child's application (birth month, 困境 grounds).
    ChildApplication,
    /// A full phone number revealed.
    Phone,
    /// A supervisor's download.
    Export,
}

impl Read {
    pub fn code(self) -> &'static str {
        match self {
            Read::ElderProfile => "elder_profile",
            Read::ChildApplication => "child_application",
            Read::Phone => "phone",
            Read::Export => "export",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Read::ElderProfile => "老人信息",
            Read::ChildApplication => "孩子的入托申请",
            Read::Phone => "完整手机号",
            Read::Export => "监管数据导出",
        }
    }

    pub fn from_code(s: &str) -> Option<Read> {
        [Read::ElderProfile, Read::ChildApplication, Read::Phone, Read::Export].into_iter().find(|r| r.code() == s)
    }
}

/// One record read: its kind (`order`, `plan`, `request`, `area`), id and the family's device.
pub(crate) struct Subject {
    pub kind: &'static str,
    pub id: String,
    pub device: Option<String>,
}

/// Logs `user`'s read of `subjects` (`what`, `why`). Every export is a row; a list read by
/// the same account on the same day is logged once per record: the log names every record read without a write per
/// refresh of a desk list. Call it with no pooled connection held (it takes the writer).
pub(crate) async fn log_reads(st: &AppState, user: &User, what: Read, why: &str, subjects: Vec<Subject>) -> Result<(), AppError> {
    if subjects.is_empty() {
        return Ok(());
    }
    let now = st.clock.now();
    let day = crate::db::welfare::ymd(app::model::requests::beijing_today(now));
    let seen: std::collections::HashSet<(String, String)> = if what == Read::Export {
        Default::default()
    } else {
        let rows = crate::db::access::logged_today(&st.read, user.id, what.code(), &day).await?;
        rows.into_iter().collect()
    };
    let new: Vec<Subject> = subjects.into_iter().filter(|s| !seen.contains(&(s.kind.to_string(), s.id.clone()))).collect();
    if new.is_empty() {
        return Ok(());
    }
    let mut tx = st.write.begin().await?;
    let who = crate::db::access::reader_name(&mut tx, user.organisation_id, &user.display_name).await?;
    for s in new {
        let row = crate::db::access::AccessRow {
            at: now.timestamp(),
            day: &day,
            user_id: user.id,
            who: &who,
            what: what.code(),
            subject_kind: s.kind,
            subject_id: &s.id,
            device_hash: s.device.as_deref().filter(|d| *d != crate::db::privacy::ERASED_DEVICE),
            why,
        };
        crate::db::access::log_access(&mut tx, row).await?;
    }
    tx.commit().await?;
    Ok(())
}
