//! The audit trail (`audit_log`): who changed what, when — the only writer of that table.
//! An entry is written inside the transaction of the change it records, so a change and its
//! entry commit together or not at all.

use crate::http::error::AppError;
use app::model::User;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// What an entry is about: an organisation (or none, for accounts without one), or a place of
/// an organisation and, where it applies, one of its classes.
pub enum About {
    Organisation(Option<i64>),
    Place { org: i64, place: i64, class: Option<i64> },
}

/// Who made a change: a signed-in account, or a command-line tool run on the server
/// (`server import …`), named by what was run.
#[derive(Clone, Copy)]
pub enum Actor<'a> {
    User(&'a User),
    Tool(&'a str),
}

/// Records `action` by `user` at `now` with its `detail` (kept as JSON).
pub async fn record(
    tx: &mut crate::db::Conn,
    (user, now): (&User, DateTime<Utc>),
    about: About,
    action: &str,
    detail: impl Serialize,
) -> Result<(), AppError> {
    record_by(tx, (Actor::User(user), now), about, action, detail).await
}

/// Records `action` by `actor` at `now` with its `detail` (kept as JSON).
pub async fn record_by(
    tx: &mut crate::db::Conn,
    (actor, now): (Actor<'_>, DateTime<Utc>),
    about: About,
    action: &str,
    detail: impl Serialize,
) -> Result<(), AppError> {
    let (user_id, tool) = match actor {
        Actor::User(u) => (Some(u.id), None),
        Actor::Tool(t) => (None, Some(t)),
    };
    let (org, place, class) = match about {
        About::Organisation(org) => (org, None, None),
        About::Place { org, place, class } => (Some(org), Some(place), class),
    };
    let detail = serde_json::to_string(&detail).map_err(anyhow::Error::from)?;
    let row = crate::db::access::AuditRow {
        user_id,
        tool,
        organisation_id: org,
        place_id: place,
        class_id: class,
        action,
        detail,
        at: now.timestamp(),
    };
    crate::db::access::audit(tx, row).await?;
    Ok(())
}
