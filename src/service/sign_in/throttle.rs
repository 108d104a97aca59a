//! Slows down and limits wrong passwords so a password cannot be guessed at speed, without
//! letting anyone lock others out. The counts live in the database, so every instance shares
//! them, and there are two:
//!
//! - per account and client: each try is counted *before* the password is verified, so a
//!   parallel burst gets no more guesses than the limit; each failure is answered later than
//!   the one before, and the limit locks that pair for the window. The right password clears it.
//! - per client: past its cap a wrong password is refused outright, but the right password for
//!   a known account still passes, so failures from one shared address (a proxy, invented
//!   accounts) cannot lock out someone who has not been failing.

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};

use crate::db::{DbConn, login_throttle};
use crate::domain::secret::hash_token;
use crate::error::AppError;

/// Tries one account may have from one client in a window.
pub const PER_PAIR: i32 = 5;
/// Failures one client may have in a window before wrong passwords are refused outright.
pub const PER_CLIENT: i32 = 20;
pub const WINDOW: TimeDelta = TimeDelta::minutes(15);

/// One reserved try of an address from a client.
pub struct Attempt {
    pair: String,
    client: String,
    /// Tries of this pair in the window, this one included.
    tries: i32,
}

/// How a wrong password is answered.
pub struct Failure {
    /// Held back this long before the answer.
    pub delay: Duration,
    /// The client is over its cap: answered as "too many" rather than "do not match".
    pub refused: bool,
}

impl Attempt {
    /// Takes one try for `email` from `client`; `None` when that pair has used them all.
    pub fn reserve(
        conn: &mut DbConn,
        email: &str,
        client: &str,
        now: NaiveDateTime,
    ) -> Result<Option<Attempt>, AppError> {
        // Hashed: the key stays short whatever was typed, and the table holds no addresses.
        let pair = format!("pair:{}", hash_token(&format!("{email}\n{client}")));
        let taken = login_throttle::take(conn, &pair, PER_PAIR, now, now - WINDOW)?;
        Ok(taken.map(|tries| Attempt {
            pair,
            client: format!("client:{client}"),
            tries,
        }))
    }

    /// The password matched: the pair starts afresh.
    pub fn succeeded(self, conn: &mut DbConn) -> Result<(), AppError> {
        Ok(login_throttle::clear(conn, &self.pair)?)
    }

    /// The password did not match: the try stays counted and the client's failure is added.
    pub fn failed(self, conn: &mut DbConn, now: NaiveDateTime) -> Result<Failure, AppError> {
        let client =
            login_throttle::take(conn, &self.client, i32::MAX, now, now - WINDOW)?.unwrap_or(i32::MAX);
        Ok(Failure {
            delay: delay_after(self.tries),
            refused: client > PER_CLIENT,
        })
    }
}

/// The wait before answering the `n`th wrong password of a pair: longer each time, at most 2 s.
pub fn delay_after(n: i32) -> Duration {
    Duration::from_millis((250 * u64::try_from(n.max(1)).unwrap_or(1)).min(2000))
}

/// Forgets windows that have passed (from the daily purge).
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(login_throttle::purge_stale(conn, now - WINDOW)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_waits_longer_up_to_two_seconds() {
        let waits: Vec<Duration> = (1..=PER_PAIR).map(delay_after).collect();
        assert!(waits.windows(2).all(|w| w[0] < w[1]), "{waits:?}");
        assert_eq!(delay_after(100), Duration::from_secs(2));
    }
}
