//! Staff accounts: created by the command line or an admin, each with an API token.

use crate::domain::field_schema::{changed_text, one_of, required_text};
use argon2::password_hash::{PasswordHasher, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordVerifier};
use std::sync::LazyLock;
use utoipa::openapi::schema::Object;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit;
use super::items::MAX_TEXT;
use super::pages::{Page, Paged};
use super::{Actor, now};
use crate::db::staff::{self as rows, NewStaff, Staff, StaffChanges};
use crate::db::{DbConn, sessions};
use crate::domain::roles::{Action, Role};
use crate::domain::secret::random_token;
use crate::domain::validate::{self, Errors};
use crate::error::AppError;

pub const MIN_PASSWORD: usize = 10;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateStaff {
    /// An address the mail library can send to; kept in lower case.
    #[schema(required = true, nullable = false, format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(required = true, schema_with = required_text::<200>)]
    pub name: Option<String>,
    #[schema(required = true, schema_with = role)]
    pub role: Option<String>,
    /// For the web pages.
    #[schema(min_length = 10, max_length = 1024)]
    pub password: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchStaff {
    #[schema(schema_with = changed_text::<200>)]
    pub name: Option<String>,
    #[schema(schema_with = changed_role)]
    pub role: Option<String>,
    pub active: Option<bool>,
    /// For the web pages; signs the person out everywhere.
    #[schema(min_length = 10, max_length = 1024)]
    pub password: Option<String>,
}

fn role() -> Object {
    one_of(&Role::WORDS, false)
}

fn changed_role() -> Object {
    one_of(&Role::WORDS, true)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
    /// The API token, shown once when the account is created or its token rotated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// When that token ends, if it was given an end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_expires_at: Option<DateTime<Utc>>,
}

/// A new API token for an account; the old one ends.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateToken {
    /// When the new token stops working (RFC 3339, in the future); absent, it lasts until
    /// rotated again or the account is deactivated.
    pub expires_at: Option<DateTime<Utc>>,
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
            created_at: s.created_at.and_utc(),
            token: None,
            token_expires_at: None,
        }
    }
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal("password hashing failed", e))
}

/// A hash of nothing anyone knows, made like every stored one: sign-in verifies against it
/// when there is no usable account, so an unknown address costs the same time as a known one.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("no account has this password").unwrap_or_default());

/// The account `found` for an address if `password` is its password. The Argon2 work is the
/// same whether or not the account exists, is active or has a password.
pub fn check_sign_in(found: Option<Staff>, password: &str) -> Option<Staff> {
    let usable = found.filter(|s| s.active && s.password_hash.is_some());
    let hash = usable
        .as_ref()
        .and_then(|s| s.password_hash.as_deref())
        .unwrap_or(DUMMY_HASH.as_str());
    let matches = verify_password(hash, password);
    usable.filter(|_| matches)
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

/// Mail to staff is sent with lettre: an address it cannot parse is refused now rather than
/// discovered when a message fails to send.
pub fn deliverable(email: &str) -> Result<(), String> {
    email
        .parse::<lettre::Address>()
        .map(|_| ())
        .map_err(|e| format!("{email:?} is not an address mail can be sent to ({e})"))
}

/// What is wrong with a password for the pages, if anything: the one rule, wherever a
/// password is set (the API, the command line, a sign-in link).
pub fn password_problem(password: &str) -> Option<String> {
    if password.chars().count() < MIN_PASSWORD {
        Some(format!("must be at least {MIN_PASSWORD} characters"))
    } else if password.chars().count() > 1024 {
        Some("must be at most 1024 characters".into())
    } else {
        None
    }
}

fn check_password(errors: &mut Errors, password: Option<&str>) -> Option<String> {
    let p = password?;
    if let Some(problem) = password_problem(p) {
        errors.add("password", problem);
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
        e => validate::email(&e)
            .and_then(|e| deliverable(&e).map(|()| e))
            .unwrap_or_else(|m| {
                errors.add("email", m);
                String::new()
            }),
    };
    let name = errors.required("name", Some(name), MAX_TEXT);
    let role = match errors.required("role", Some(role), 16) {
        r if r.is_empty() => None,
        r => Role::from_input(&r).map_err(|m| errors.add("role", m)).ok(),
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
            role,
            active: true,
            password_hash: hash.as_deref(),
            created_at: now,
        },
    )?;
    let token = issue_token(conn, staff.id, now, None)?;
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
        match Role::from_input(role) {
            Ok(r) => changes.role = Some(r),
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
    let stays_admin =
        changes.role.unwrap_or(current.role) == Role::Admin && changes.active.unwrap_or(current.active);
    if current.role == Role::Admin && current.active && !stays_admin && rows::count_active_admins(conn)? <= 1
    {
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
    // A new password shuts out whoever knew the old one; a change of the active flag ends
    // access, so that reactivating an account does not bring back a session or token.
    let activity_changed = changes.active.is_some_and(|a| a != current.active);
    if changes.password_hash.is_some() || activity_changed {
        sessions::end_for_staff(conn, id)?;
    }
    if activity_changed {
        rows::end_tokens(conn, id)?;
    }
    let updated =
        rows::get(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no staff member has the id {id}")))?;
    audit::staff_changed(conn, actor, &current, &updated, changes.password_hash.is_some())?;
    Ok(updated.into())
}

/// Admins rotate anyone's token; anybody may rotate their own.
pub fn rotate_token(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    req: &RotateToken,
) -> Result<StaffView, AppError> {
    if actor.id != id {
        actor.require(Action::ManageStaff)?;
    }
    let staff =
        rows::get(conn, id)?.ok_or_else(|| AppError::NotFound(format!("no staff member has the id {id}")))?;
    if !staff.active {
        return Err(AppError::conflict(
            "this account is deactivated; reactivate it before giving it a token",
        ));
    }
    let now = now();
    if req.expires_at.is_some_and(|at| at.naive_utc() <= now) {
        return Err(AppError::invalid("expires_at", "must be in the future"));
    }
    rows::end_tokens(conn, id)?;
    let token = issue_token(conn, id, now, req.expires_at.map(|at| at.naive_utc()))?;
    let details = serde_json::json!({ "expires_at": req.expires_at });
    audit::record(
        conn,
        Some(actor),
        "staff_token_rotated",
        audit::Subject::Staff(id),
        details,
    )?;
    let mut view = StaffView::from(staff);
    view.token = Some(token);
    view.token_expires_at = req.expires_at;
    Ok(view)
}

/// A new API token, shown once: `et_` and 64 hex digits.
fn issue_token(
    conn: &mut DbConn,
    staff_id: i64,
    now: NaiveDateTime,
    expires: Option<NaiveDateTime>,
) -> Result<String, AppError> {
    let token = format!("et_{}", random_token());
    rows::insert_token(conn, staff_id, &token, now, expires)?;
    Ok(token)
}

pub fn authenticate(conn: &mut DbConn, token: &str) -> Result<Option<Actor>, AppError> {
    Ok(token_holder(conn, token)?.map(|(actor, _)| actor))
}

/// The active staff member behind an API token, and when the token ends if it does.
pub fn token_holder(
    conn: &mut DbConn,
    token: &str,
) -> Result<Option<(Actor, Option<NaiveDateTime>)>, AppError> {
    Ok(rows::by_token(conn, token, now())?.map(|(s, expires)| (Actor::from(s), expires)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(active: bool, password: Option<&str>) -> Staff {
        Staff {
            id: 1,
            email: "pat@test.example".into(),
            name: "Pat".into(),
            role: Role::Worker,
            active,
            password_hash: password.map(|p| hash_password(p).unwrap()),
            created_at: now(),
        }
    }

    #[test]
    fn sign_in_checks_unknown_accounts_against_a_hash_made_like_the_real_ones() {
        let dummy = PasswordHash::new(DUMMY_HASH.as_str()).expect("the dummy is a real Argon2 hash");
        let fresh = hash_password("x").unwrap();
        let real = PasswordHash::new(&fresh).unwrap();
        assert_eq!((dummy.algorithm, dummy.version), (real.algorithm, real.version));
        assert_eq!(dummy.params, real.params, "same cost, so the same time");
        assert!(check_sign_in(None, "no account has this password").is_none());
        assert!(check_sign_in(Some(account(true, None)), "anything at all").is_none());
        assert!(check_sign_in(Some(account(false, Some("right one"))), "right one").is_none());
        assert!(check_sign_in(Some(account(true, Some("right one"))), "wrong one").is_none());
        assert!(check_sign_in(Some(account(true, Some("right one"))), "right one").is_some());
    }
}
