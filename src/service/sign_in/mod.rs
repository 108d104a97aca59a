//! Signing in to the pages with an email address and password, the session that follows, and
//! signing out. Every try passes the wrong-password throttle (`throttle`) before its password
//! is checked. The cookies and the forms are the pages' business (`web::session`,
//! `web::login`); what a session is and who it belongs to is decided here.

pub mod link;
pub mod throttle;

use chrono::{NaiveDateTime, TimeDelta};

use super::staff::check_sign_in;
use super::{Actor, now};
use crate::db::{Db, DbConn, sessions, staff};
use crate::domain::secret::{random_token, same_secret};
use crate::domain::validate::canonical_email;
use crate::error::AppError;
use throttle::{Attempt, Failure};

/// A session lasts a long shift.
pub const SESSION_HOURS: i64 = 12;

/// How a try to sign in ended.
pub enum SignIn {
    /// This address has used its tries from this client: refused before any password check.
    Throttled,
    /// The address and password do not match: how to answer is in the `Failure`.
    Mismatch(Failure),
    /// A new session, and the token its cookie carries.
    SignedIn { token: String },
}

/// One try to sign in with an address as typed, from `client`. Runs on a blocking thread:
/// Argon2 is slow on purpose, and no connection is held while it runs.
pub fn sign_in(db: &Db, email: &str, password: &str, client: &str) -> Result<SignIn, AppError> {
    let email = canonical_email(email);
    // The try is counted before the password is checked, so a burst cannot outrun the limit.
    let Some(attempt) = db.write(|c| Attempt::reserve(c, &email, client, now()))? else {
        return Ok(SignIn::Throttled);
    };
    let found = db.read(|c| Ok(staff::by_email(c, &email)?))?;
    let Some(staff) = check_sign_in(found, password) else {
        return Ok(SignIn::Mismatch(db.write(|c| attempt.failed(c, now()))?));
    };
    let (token, csrf) = (random_token(), random_token());
    db.write(|c| {
        attempt.succeeded(c)?;
        let now = now();
        let expires = now + TimeDelta::hours(SESSION_HOURS);
        Ok(sessions::create(c, &token, staff.id, &csrf, now, expires)?)
    })?;
    Ok(SignIn::SignedIn { token })
}

/// Who is signed in with a session cookie's token.
pub struct SessionHolder {
    pub actor: Actor,
    pub email: String,
    /// The token every form of this session carries.
    pub csrf: String,
}

/// The active staff member behind a session token, while the session lasts.
pub fn session(conn: &mut DbConn, token: &str) -> Result<Option<SessionHolder>, AppError> {
    Ok(
        sessions::find(conn, token, now())?.map(|(staff, csrf)| SessionHolder {
            email: staff.email.clone(),
            actor: Actor::from(staff),
            csrf,
        }),
    )
}

/// Ends the session behind `token` if the form came from it (`csrf` is the session's own);
/// anything else leaves it as it is.
pub fn sign_out(conn: &mut DbConn, token: &str, csrf: &str) -> Result<(), AppError> {
    if session(conn, token)?.is_some_and(|held| same_secret(&held.csrf, csrf)) {
        sessions::delete(conn, token)?;
    }
    Ok(())
}

/// How many rows of each kind the daily purge removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Purged {
    pub sessions: usize,
    pub sign_in_counts: usize,
}

/// Forgets what signing in leaves behind: expired sessions, and wrong-password counts whose
/// window has passed.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> Result<Purged, AppError> {
    let sign_in_counts = throttle::purge(conn, now)?;
    let sessions = sessions::purge_expired(conn, now)?;
    Ok(Purged {
        sessions,
        sign_in_counts,
    })
}
