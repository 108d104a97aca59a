//! The audit log: every erasure, export, staff change and item edit, recorded in the
//! transaction of the change itself so that neither is ever written without the other.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::pages::{Page, Paged};
use super::staff::StaffView;
use super::{Actor, now};
use crate::db::DbConn;
use crate::db::audit::{self, NewEntry};
use crate::db::staff::Staff;
use crate::domain::roles::Action;
use crate::error::AppError;

/// What an entry is about: `client`, `staff` or `item`, and its id.
#[derive(Debug, Clone, Copy)]
pub enum Subject {
    Client(i64),
    Staff(i64),
    Item(i64),
}

impl Subject {
    fn parts(self) -> (&'static str, i64) {
        match self {
            Self::Client(id) => ("client", id),
            Self::Staff(id) => ("staff", id),
            Self::Item(id) => ("item", id),
        }
    }
}

/// Appends one entry. `details` must never carry a password, a token or a client's
/// personal data: ids and field values of accounts and items only.
pub fn record(
    conn: &mut DbConn,
    actor: Option<&Actor>,
    action: &str,
    subject: Subject,
    details: Value,
) -> Result<(), AppError> {
    let (subject_kind, subject_id) = subject.parts();
    audit::insert(
        conn,
        &NewEntry {
            occurred_at: now(),
            staff_id: actor.map(|a| a.id),
            action,
            subject_kind,
            subject_id,
            details: details.to_string(),
        },
    )?;
    Ok(())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    /// The staff member who acted; none for the command line.
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// `client_erased`, `client_exported`, `staff_created`, `staff_renamed`,
    /// `staff_role_changed`, `staff_deactivated`, `staff_reactivated`, `staff_password_set`
    /// or `item_updated`.
    pub action: String,
    /// `client`, `staff` or `item`.
    pub subject_kind: String,
    pub subject_id: i64,
    /// Old and new values where something changed.
    #[schema(value_type = Object)]
    pub details: Value,
}

pub fn list(conn: &mut DbConn, actor: &Actor, page: Page) -> Result<Paged<AuditView>, AppError> {
    actor.require(Action::ViewAudit)?;
    let (rows, total) = audit::list(conn, page.offset(), page.per_page)?;
    let views = rows
        .into_iter()
        .map(|(e, actor_name)| AuditView {
            id: e.id,
            occurred_at: e.occurred_at.and_utc(),
            actor_id: e.staff_id,
            actor_name,
            action: e.action,
            subject_kind: e.subject_kind,
            subject_id: e.subject_id,
            details: serde_json::from_str(&e.details).unwrap_or(Value::Null),
        })
        .collect();
    Ok(page.wrap(views, total))
}

/// An account was created, by an admin or (with no actor) from the command line.
pub fn staff_created(conn: &mut DbConn, actor: Option<&Actor>, view: &StaffView) -> Result<(), AppError> {
    let details = serde_json::json!({ "role": view.role, "password_set": view.has_password });
    record(conn, actor, "staff_created", Subject::Staff(view.id), details)
}

/// The entries one staff change makes: each of name, role and active that changed, and a
/// password set (never the password).
pub fn staff_changed(
    conn: &mut DbConn,
    actor: &Actor,
    before: &Staff,
    after: &Staff,
    password_set: bool,
) -> Result<(), AppError> {
    let subject = Subject::Staff(after.id);
    if before.name != after.name {
        let details = serde_json::json!({ "old": before.name, "new": after.name });
        record(conn, Some(actor), "staff_renamed", subject, details)?;
    }
    if before.role != after.role {
        let details = serde_json::json!({ "old": before.role, "new": after.role });
        record(conn, Some(actor), "staff_role_changed", subject, details)?;
    }
    if before.active != after.active {
        let action = if after.active {
            "staff_reactivated"
        } else {
            "staff_deactivated"
        };
        record(conn, Some(actor), action, subject, serde_json::json!({}))?;
    }
    if password_set {
        record(
            conn,
            Some(actor),
            "staff_password_set",
            subject,
            serde_json::json!({}),
        )?;
    }
    Ok(())
}
