//! Staff accounts: created by the command line or an admin, each with an API token.

use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::audit;
use super::items::MAX_TEXT;
use super::pages::{Page, Paged};
use super::{Actor, now};
use crate::db::DbConn;
use crate::db::staff::{self as rows, NewStaff, Staff, StaffChanges};
use crate::domain::roles::{Action, Role};
use crate::domain::validate::{self, Errors};
use crate::error::AppError;

pub const MIN_PASSWORD: usize = 10;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStaff {
    pub email: Option<String>,
    pub name: Option<String>,
    /// `admin`, `stores`, `worker` or `viewer`.
    pub role: Option<String>,
    /// For the web pages; at least 10 characters.
    pub password: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchStaff {
    pub name: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub active: bool,
    pub has_password: bool,
    pub created_at: NaiveDateTime,
    /// The API token, shown once when the account is created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl From<Staff> for StaffView {
    fn from(s: Staff) -> Self {
        Self {
            id: s.id,
            email: s.email,
            name: s.name,
            role: s.role,
            active: s.active,
            has_password: s.password_hash.is_some(),
            created_at: s.created_at,
            token: None,
        }
    }
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("password hashing failed: {e}")))
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

fn check_password(errors: &mut Errors, password: Option<&str>) -> Option<String> {
    let p = password?;
    if p.chars().count() < MIN_PASSWORD {
        errors.add("password", format!("must be at least {MIN_PASSWORD} characters"));
    } else if p.len() > 1024 {
        errors.add("password", "must be at most 1024 bytes");
    }
    Some(p.to_string())
}

/// Creates an account and its first token; used by the API, the command line and first start.
pub fn create_account(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    role: &str,
    password: Option<&str>,
) -> Result<StaffView, AppError> {
    let mut errors = Errors::default();
    let email = match errors.required("email", Some(email), 254) {
        e if e.is_empty() => e,
        e => validate::email(&e).unwrap_or_else(|m| {
            errors.add("email", m);
            String::new()
        }),
    };
    let name = errors.required("name", Some(name), MAX_TEXT);
    let role = match errors.required("role", Some(role), 16) {
        r if r.is_empty() => None,
        r => Role::parse(&r).map_err(|m| errors.add("role", m)).ok(),
    };
    let password = check_password(&mut errors, password);
    errors.finish()?;
    let role = role.ok_or_else(|| AppError::invalid("role", "is required"))?;
    if rows::by_email(conn, &email)?.is_some() {
        return Err(AppError::conflict(format!(
            "a staff member with the email {email} already exists"
        )));
    }
    let hash = password.as_deref().map(hash_password).transpose()?;
    let now = now();
    let staff = rows::insert(
        conn,
        &NewStaff {
            email: &email,
            name: &name,
            role: role.as_str(),
            active: true,
            password_hash: hash.as_deref(),
            created_at: now,
        },
    )?;
    let token = rows::issue_token(conn, staff.id, now)?;
    let mut view = StaffView::from(staff);
    view.token = Some(token);
    Ok(view)
}

pub fn create(conn: &mut DbConn, actor: &Actor, req: &CreateStaff) -> Result<StaffView, AppError> {
    actor.require(Action::ManageStaff)?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let view = create_account(
        conn,
        &text(&req.email),
        &text(&req.name),
        &text(&req.role),
        req.password.as_deref(),
    )?;
    audit::staff_created(conn, Some(actor), &view)?;
    Ok(view)
}

pub fn list(conn: &mut DbConn, actor: &Actor, page: Page) -> Result<Paged<StaffView>, AppError> {
    actor.require(Action::ListStaff)?;
    let (rows, total) = rows::list(conn, page.offset(), page.per_page)?;
    Ok(page.wrap(rows.into_iter().map(StaffView::from).collect(), total))
}

pub fn patch(conn: &mut DbConn, actor: &Actor, id: i64, req: &PatchStaff) -> Result<StaffView, AppError> {
    actor.require(Action::ManageStaff)?;
    let current =
        rows::get(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no staff member has the id {id}")))?;
    let mut errors = Errors::default();
    let mut changes = StaffChanges::default();
    if req.name.is_some() {
        changes.name = Some(errors.required("name", req.name.as_deref(), MAX_TEXT));
    }
    if let Some(role) = &req.role {
        match Role::parse(role) {
            Ok(r) => changes.role = Some(r.as_str().to_string()),
            Err(m) => errors.add("role", m),
        }
    }
    changes.active = req.active;
    if let Some(p) = check_password(&mut errors, req.password.as_deref()) {
        if errors.is_empty() {
            changes.password_hash = Some(Some(hash_password(&p)?));
        }
    }
    errors.finish()?;
    let stays_admin = changes.role.as_deref().unwrap_or(&current.role) == "admin"
        && changes.active.unwrap_or(current.active);
    if current.role == "admin" && current.active && !stays_admin && rows::count_active_admins(conn)? <= 1 {
        return Err(AppError::conflict(
            "this is the last active admin; appoint another admin first",
        ));
    }
    if changes.name.is_some()
        || changes.role.is_some()
        || changes.active.is_some()
        || changes.password_hash.is_some()
    {
        rows::update(conn, id, &changes)?;
    }
    let updated =
        rows::get(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no staff member has the id {id}")))?;
    audit::staff_changed(conn, actor, &current, &updated, changes.password_hash.is_some())?;
    Ok(updated.into())
}

pub fn authenticate(conn: &mut DbConn, token: &str) -> Result<Option<Actor>, AppError> {
    Ok(rows::by_token(conn, token)?.and_then(|s| {
        Role::parse(&s.role).ok().map(|role| Actor {
            id: s.id,
            name: s.name,
            role,
        })
    }))
}
