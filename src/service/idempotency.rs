//! Idempotent writes: a key claimed by its account before the write runs, the first answer
//! kept and given again, a key reused for another request refused, and the purge after 30
//! days. The HTTP side (which requests, reading the body, replaying) is `api::idempotency`.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::db::DbConn;
use crate::db::idempotency_keys::{self as keys, Answer};
use crate::domain::idempotency::{HEADER, IdempotencyKey, Unanswered, kept_since};
use crate::error::AppError;

/// A kept answer, as it is given again.
#[derive(Debug, Clone)]
pub struct Kept {
    pub status: u16,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

/// What a request carrying a key may do.
#[derive(Debug)]
pub enum Claim {
    /// The key is this request's: run it, then `record` or `release`.
    Claimed,
    /// The key was used before for this very request: its answer, and nothing runs.
    Answered(Kept),
}

/// Claims `key` for the account, or finds what it already holds. Refusals: 422 when the key
/// was first sent with another request, 409 when its first request has no answer (yet).
pub fn claim(
    conn: &mut DbConn,
    staff_id: i64,
    key: &IdempotencyKey,
    request_hash: &str,
    now: NaiveDateTime,
) -> Result<Claim, AppError> {
    let key = key.as_str();
    if keys::claim(conn, staff_id, key, request_hash, now)? {
        return Ok(Claim::Claimed);
    }
    // Released between the two statements (its request failed): this one may run.
    let Some(stored) = keys::find(conn, staff_id, key)? else {
        return match keys::claim(conn, staff_id, key, request_hash, now)? {
            true => Ok(Claim::Claimed),
            false => Err(unanswered(Unanswered::InProgress)),
        };
    };
    if stored.request_hash != request_hash {
        return Err(AppError::invalid(
            HEADER,
            "this key was first sent with another request (method, path or body): \
             a different request needs a new key",
        ));
    }
    match (stored.status, stored.body) {
        (Some(status), Some(body)) => Ok(Claim::Answered(Kept {
            status: u16::try_from(status).unwrap_or(500),
            content_type: stored.content_type,
            location: stored.location,
            body,
        })),
        _ => Err(unanswered(Unanswered::of_claim(stored.claimed_at, now))),
    }
}

fn unanswered(state: Unanswered) -> AppError {
    AppError::Conflict {
        detail: state.detail().to_string(),
        extra: Some(json!({ "idempotency": state })),
    }
}

/// Keeps the answer of a claimed key.
pub fn record(
    conn: &mut DbConn,
    staff_id: i64,
    key: &IdempotencyKey,
    kept: &Kept,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let answer = Answer {
        status: i32::from(kept.status),
        content_type: kept.content_type.as_deref(),
        location: kept.location.as_deref(),
        body: &kept.body,
    };
    keys::answer(conn, staff_id, key.as_str(), &answer, now)?;
    Ok(())
}

/// Gives the key up: its request changed nothing worth answering again (a failure, a 401).
pub fn release(conn: &mut DbConn, staff_id: i64, key: &IdempotencyKey) -> Result<(), AppError> {
    keys::release(conn, staff_id, key.as_str())?;
    Ok(())
}

/// Forgets keys claimed more than 30 days before `now`; answers how many.
pub fn purge(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(keys::purge(conn, kept_since(now))?)
}

/// Takes an erased client's `words` out of every kept answer that holds them, with `redact`
/// (the erasure's own), so that a key sent again answers `[erased]` where they stood. The
/// answers are JSON: each word is looked for as JSON writes it inside a string.
pub fn redact_answers(
    conn: &mut DbConn,
    words: &[String],
    redact: impl Fn(&str, &[String]) -> String,
) -> Result<usize, AppError> {
    let as_json: Vec<String> = words
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let quoted = serde_json::Value::from(w).to_string();
            quoted[1..quoted.len() - 1].to_string()
        })
        .collect();
    let mut changed = 0;
    for (staff_id, key, body) in keys::answers_containing(conn, &as_json)? {
        let redacted = redact(&body, &as_json);
        if redacted != body {
            keys::replace_body(conn, staff_id, &key, &redacted)?;
            changed += 1;
        }
    }
    Ok(changed)
}
