//! One-time sign-in links (`{public_url}/welcome/{token}`): the first admin's from the first
//! start, anyone's from `equiptrack user invite` or an admin through the API. Following one,
//! a person sets their password and is signed in; the link then ends. Only the token's
//! hash is stored.

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::SESSION_HOURS;
use crate::db::staff::{self as staff_rows, Staff, StaffChanges};
use crate::db::{Db, DbConn, sessions, sign_in_links};
use crate::domain::roles::{Action, Role};
use crate::domain::secret::random_token;
use crate::error::AppError;
use crate::mail::messages;
use crate::service::notify::{self, MailContext};
use crate::service::staff::{hash_password, password_problem};
use crate::service::{Actor, audit, now};

/// How long a link stays usable: a day, time enough to find the email or the terminal.
pub const LINK_HOURS: i64 = 24;

/// The page a link opens.
pub fn url(public_url: &str, token: &str) -> String {
    format!("{}/welcome/{token}", public_url.trim_end_matches('/'))
}

/// A new link, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedLink {
    pub staff_id: i64,
    /// The one-time link; it works once, until `expires_at`.
    pub url: String,
    pub expires_at: DateTime<Utc>,
    /// Whether the link was also queued as an email to the person.
    pub emailed: bool,
    #[serde(skip)]
    link_id: i64,
}

/// Issues a link for an active account; earlier links of theirs not yet used end.
pub fn issue(conn: &mut DbConn, staff: &Staff, public_url: &str) -> Result<IssuedLink, AppError> {
    if !staff.active {
        return Err(AppError::conflict(
            "this account is deactivated; reactivate it before sending a sign-in link",
        ));
    }
    let (token, now) = (random_token(), now());
    let expires = now + TimeDelta::hours(LINK_HOURS);
    sign_in_links::end_unused(conn, staff.id, now)?;
    let link_id = sign_in_links::insert(conn, &token, staff.id, now, expires)?;
    Ok(IssuedLink {
        staff_id: staff.id,
        url: url(public_url, &token),
        expires_at: expires.and_utc(),
        emailed: false,
        link_id,
    })
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendLink {
    /// Also email the link to the person, through the outbox (default false).
    #[serde(default)]
    pub email: bool,
}

/// An admin issues a link for a staff member, and may have it emailed to them.
pub fn send(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    req: &SendLink,
    mail: &MailContext,
) -> Result<IssuedLink, AppError> {
    actor.require(Action::ManageStaff)?;
    let staff = staff_rows::get(conn, id)?
        .ok_or_else(|| AppError::NotFound(format!("no staff member has the id {id}")))?;
    let mut issued = issue(conn, &staff, &mail.public_url)?;
    if req.email {
        let words = messages::sign_in_link(&staff.name, &issued.url, LINK_HOURS, &mail.service_name);
        let key = format!("sign_in_link:{}", issued.link_id);
        notify::queue(conn, &key, "sign_in_link", &staff.email, words)?;
        issued.emailed = true;
    }
    let details = serde_json::json!({ "emailed": issued.emailed });
    audit::record(
        conn,
        Some(actor),
        "staff_sign_in_link_issued",
        audit::Subject::Staff(id),
        details,
    )?;
    Ok(issued)
}

/// Why a link no longer opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    Used,
    Expired,
    Deactivated,
}

/// Whose an open link is, as its page greets them.
pub struct Invitee {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// What a link's token leads to now.
pub enum Found {
    /// Never issued (or mistyped).
    Unknown,
    Closed(Closed),
    Open(Invitee),
}

/// The staff member an existing link still opens for, or why it does not.
fn state(link: sign_in_links::Link, now: NaiveDateTime) -> Result<Staff, Closed> {
    if link.used_at.is_some() {
        Err(Closed::Used)
    } else if link.expires_at <= now {
        Err(Closed::Expired)
    } else if !link.staff.active {
        Err(Closed::Deactivated)
    } else {
        Ok(link.staff)
    }
}

/// What the token leads to, for the page that asks for a password.
pub fn look_up(conn: &mut DbConn, token: &str) -> Result<Found, AppError> {
    Ok(match sign_in_links::find(conn, token)? {
        None => Found::Unknown,
        Some(link) => match state(link, now()) {
            Err(why) => Found::Closed(why),
            Ok(staff) => Found::Open(Invitee {
                id: staff.id,
                name: staff.name,
                email: staff.email,
            }),
        },
    })
}

/// How following a link with a password ended.
pub enum Redeemed {
    Unknown,
    Closed(Closed),
    /// The password is set, every other session ended, and this is the new session's token.
    SignedIn {
        token: String,
        role: Role,
    },
}

/// Sets the password through a link and signs the person in, in one transaction: the link is
/// used, the password set, their other sessions end (as any change of password ends them).
/// The password must keep the one rule (`password_problem`) and match its confirmation.
pub fn redeem(db: &Db, token: &str, password: &str, confirm: &str) -> Result<Redeemed, AppError> {
    match db.read(|c| look_up(c, token))? {
        Found::Unknown => return Ok(Redeemed::Unknown),
        Found::Closed(why) => return Ok(Redeemed::Closed(why)),
        Found::Open(_) => {}
    }
    if let Some(problem) = password_problem(password) {
        return Err(AppError::invalid("password", problem));
    }
    if password != confirm {
        return Err(AppError::invalid("confirm", "does not match the password"));
    }
    // Argon2 is slow on purpose: hashed before the write lock is taken.
    let hash = hash_password(password)?;
    db.write(|c| {
        let Some(link) = sign_in_links::find(c, token)? else {
            return Ok(Redeemed::Unknown);
        };
        let link_id = link.id;
        let staff = match state(link, now()) {
            Ok(staff) => staff,
            Err(why) => return Ok(Redeemed::Closed(why)),
        };
        let now = now();
        if !sign_in_links::mark_used(c, link_id, now)? {
            return Ok(Redeemed::Closed(Closed::Used));
        }
        let changes = StaffChanges {
            password_hash: Some(Some(hash)),
            ..StaffChanges::default()
        };
        staff_rows::update(c, staff.id, &changes)?;
        sessions::end_for_staff(c, staff.id)?;
        let (session, csrf) = (random_token(), random_token());
        sessions::create(
            c,
            &session,
            staff.id,
            &csrf,
            now,
            now + TimeDelta::hours(SESSION_HOURS),
        )?;
        let role = staff.role;
        let actor = Actor::from(staff);
        let details = serde_json::json!({ "through": "sign_in_link" });
        audit::record(
            c,
            Some(&actor),
            "staff_password_set",
            audit::Subject::Staff(actor.id),
            details,
        )?;
        Ok(Redeemed::SignedIn { token: session, role })
    })
}
