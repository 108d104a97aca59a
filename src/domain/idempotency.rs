//! `Idempotency-Key`: what a valid key is, what makes a request the same request again, how
//! long an answer is kept, and how a key whose first request has no answer yet is told apart
//! from one whose first request will never have one.

use chrono::{NaiveDateTime, TimeDelta};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::validate::FieldError;

/// The request header, as the answers name it (`errors[].field`).
pub const HEADER: &str = "Idempotency-Key";

/// The longest key accepted.
pub const MAX_LEN: usize = 255;

/// The same rule as `parse`, for the OpenAPI document: 1 to 255 visible ASCII characters.
pub const PATTERN: &str = "^[!-~]{1,255}$";

/// How long a key and its answer are kept (the daily purge removes older ones).
pub const KEEP_DAYS: i64 = 30;

/// A first request still unanswered after this long is taken as never to be answered: the
/// longest a write waits (the busy timeout) and the largest import take far less.
pub const ANSWER_EXPECTED_WITHIN: TimeDelta = TimeDelta::minutes(10);

/// A key as the client sent it: 1 to 255 visible ASCII characters (no space, no control).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &[u8]) -> Result<Self, FieldError> {
        let refuse = |message: &str| FieldError::new(HEADER, message);
        if raw.is_empty() {
            return Err(refuse("must not be empty"));
        }
        if raw.len() > MAX_LEN {
            return Err(refuse("must be at most 255 characters"));
        }
        if !raw.iter().all(|b| (b'!'..=b'~').contains(b)) {
            return Err(refuse(
                "must be visible ASCII characters only (no spaces); a UUID is a good key",
            ));
        }
        Ok(Self(String::from_utf8_lossy(raw).into_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What identifies a request for its key: method, path with query, and body, hashed, so a
/// key sent again with anything else changed is told apart without keeping the body. A JSON
/// body counts by what it says, not how it is spelled: a phone that kept the body as an
/// object and sends it again may order its members or space it otherwise.
pub fn fingerprint(method: &str, path_and_query: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(b"\n");
    hash.update(path_and_query.as_bytes());
    hash.update(b"\n");
    // serde_json's objects keep their members in key order, so this is one spelling.
    match serde_json::from_slice::<serde_json::Value>(body).and_then(|v| serde_json::to_vec(&v)) {
        Ok(canonical) => hash.update(canonical),
        Err(_) => hash.update(body),
    }
    hex::encode(hash.finalize())
}

/// Why a key's first request cannot be answered again (a 409, `idempotency` in the problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unanswered {
    /// It is still being answered: send it again in a moment.
    InProgress,
    /// It was never answered (the service stopped while handling it): whether it changed
    /// anything is unknown, so it is never run a second time under this key.
    OutcomeUnknown,
}

impl Unanswered {
    pub fn of_claim(claimed_at: NaiveDateTime, now: NaiveDateTime) -> Self {
        if now - claimed_at < ANSWER_EXPECTED_WITHIN {
            Self::InProgress
        } else {
            Self::OutcomeUnknown
        }
    }

    pub fn detail(self) -> &'static str {
        match self {
            Self::InProgress => {
                "a request with this Idempotency-Key is still being answered; send it again in a moment"
            }
            Self::OutcomeUnknown => {
                "the request first sent with this Idempotency-Key was never answered, so whether it \
                 was recorded is unknown: look at the item's history (or the list it would have \
                 added to) before sending it again with a new key"
            }
        }
    }
}

/// Whether an answer is kept for the key. A 5xx (the service failed or was busy: a retry
/// may succeed), a 401 (nobody was signed in) and a 405 (nothing here takes the method)
/// changed nothing and say nothing about the request, so the key is released instead.
pub fn answer_is_kept(status: u16) -> bool {
    !(status >= 500 || status == 401 || status == 405)
}

/// The oldest claim the daily purge keeps at `now`.
pub fn kept_since(now: NaiveDateTime) -> NaiveDateTime {
    now - TimeDelta::days(KEEP_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_one_to_255_visible_ascii_characters() {
        assert!(IdempotencyKey::parse(b"0b9d6c1e-7f1a-4c55-9a57-3f3b1f0f2a11").is_ok());
        assert!(IdempotencyKey::parse(b"!").is_ok());
        assert!(IdempotencyKey::parse(&[b'k'; 255]).is_ok());
        let long = [b'k'; 256];
        let refused: [&[u8]; 6] = [b"", &long, b"a b", b"tab\there", "caf\u{e9}".as_bytes(), b"nul\0"];
        for bad in refused {
            let refused = IdempotencyKey::parse(bad).unwrap_err();
            assert_eq!(refused.field, "Idempotency-Key", "{bad:?}");
        }
    }

    #[test]
    fn a_request_differs_by_its_method_path_or_body() {
        let first = fingerprint("POST", "/api/v1/items/EQ-1/checks", b"{}");
        assert_eq!(first, fingerprint("POST", "/api/v1/items/EQ-1/checks", b"{}"));
        assert_ne!(first, fingerprint("POST", "/api/v1/items/EQ-2/checks", b"{}"));
        assert_ne!(
            first,
            fingerprint("POST", "/api/v1/items/EQ-1/checks", br#"{"a":1}"#)
        );
        assert_ne!(
            first,
            fingerprint("POST", "/api/v1/items/EQ-1/checks", b"a,b\n1,2")
        );
        assert_ne!(first, fingerprint("PUT", "/api/v1/items/EQ-1/checks", b"{}"));
    }

    #[test]
    fn a_json_body_counts_by_what_it_says_not_its_spelling() {
        let path = "/api/v1/items/EQ-1/checks";
        let first = fingerprint(
            "POST",
            path,
            br#"{"rule":"x","outcome":"pass","n":{"b":1,"a":2}}"#,
        );
        let again = br#"{ "n": {"a": 2, "b": 1}, "outcome": "pass", "rule": "x" }"#;
        assert_eq!(first, fingerprint("POST", path, again));
        assert_ne!(
            first,
            fingerprint(
                "POST",
                path,
                br#"{"rule":"x","outcome":"fail","n":{"b":1,"a":2}}"#
            )
        );
    }

    #[test]
    fn an_unanswered_claim_is_in_progress_only_for_a_while() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(8, 0, 0)
            .unwrap();
        assert_eq!(
            Unanswered::of_claim(at, at + TimeDelta::seconds(5)),
            Unanswered::InProgress
        );
        assert_eq!(
            Unanswered::of_claim(at, at + TimeDelta::hours(1)),
            Unanswered::OutcomeUnknown
        );
    }

    #[test]
    fn failures_and_refused_sign_ins_release_the_key() {
        for kept in [200, 201, 403, 404, 409, 413, 415, 422] {
            assert!(answer_is_kept(kept), "{kept}");
        }
        for released in [401, 405, 500, 503] {
            assert!(!answer_is_kept(released), "{released}");
        }
    }
}
