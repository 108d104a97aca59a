//! What a telecare monitoring centre reports, and the rules for it: the kinds of event,
//! which of them prove the unit reaches the centre, how long a low battery may wait, and the
//! webhook's signature (HMAC-SHA256 over `"<t>.<body>"`, refused when wrong or stale).

use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, SubsecRound, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::stored::stored_words;

stored_words! {
    /// What a monitoring centre reported of a unit.
    pub enum CentreEventKind {
        /// The person pressed the pendant and the centre logged the call.
        TestCall => "test_call",
        /// The unit called in by itself, as it does every few minutes or hours.
        Heartbeat => "heartbeat",
        /// The unit reported its battery low: to be replaced within days.
        LowBattery => "low_battery",
        /// The unit reported a fault: not to be relied on until seen to.
        Fault => "fault",
    }
}

impl CentreEventKind {
    /// The unit reached the centre: a pass of its `test_call` rule. A low battery is
    /// reported by the unit itself, so it proves the path too.
    pub fn proves_contact(self) -> bool {
        self != Self::Fault
    }

    /// What the defect it opens is about, if it opens one (`part` of the defect).
    pub fn defect_part(self) -> Option<&'static str> {
        match self {
            Self::LowBattery => Some(LOW_BATTERY_PART),
            Self::Fault => Some(FAULT_PART),
            Self::TestCall | Self::Heartbeat => None,
        }
    }
}

/// The part a low-battery defect names; with `FAULT_PART`, how an open defect the centre
/// reported is found again, so a unit that keeps reporting opens one defect, not hundreds.
pub const LOW_BATTERY_PART: &str = "battery";
pub const FAULT_PART: &str = "unit (fault reported by the monitoring centre)";

/// A low battery must be remedied within this many days of the report; past that date the
/// open defect makes the item unsafe (`examination::defect_overdue`).
pub const LOW_BATTERY_REMEDY_DAYS: u64 = 3;

/// The day a low battery reported on `day` must be remedied by.
pub fn low_battery_remedy_by(day: NaiveDate) -> NaiveDate {
    day.checked_add_days(Days::new(LOW_BATTERY_REMEDY_DAYS))
        .unwrap_or(day)
}

/// An event's time as kept: UTC to the whole second, so the same event sent twice, once
/// with fractions and once without, or read back from either backend, is the same row.
pub fn kept_time(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc().trunc_subsecs(0)
}

/// How far ahead of the server's clock an event may claim to have happened (clocks drift).
pub const FUTURE_TOLERANCE_MINUTES: i64 = 10;

/// The header a signed delivery carries: `t=<unix seconds>,v1=<hex HMAC-SHA256>`.
pub const SIGNATURE_HEADER: &str = "X-Equiptrack-Signature";

/// A signature more than this many seconds from the server's clock is refused as stale, so
/// a captured delivery cannot be sent again later.
pub const SIGNATURE_TOLERANCE_SECONDS: i64 = 300;

/// Why a delivery's signature is refused (each a 401, its words the answer's detail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureRefusal {
    Malformed,
    Stale { seconds_off: i64 },
    Wrong,
}

impl std::fmt::Display for SignatureRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed => write!(
                f,
                "the {SIGNATURE_HEADER} header must read t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">"
            ),
            Self::Stale { seconds_off } => write!(
                f,
                "the signature is stale: its time t is {seconds_off} seconds from the server's clock \
                 (at most {SIGNATURE_TOLERANCE_SECONDS} allowed); sign the delivery again when sending it"
            ),
            Self::Wrong => write!(f, "the signature does not match the body"),
        }
    }
}

/// The hex HMAC-SHA256 of `"<t>.<body>"` under `secret`: what `v1` must be.
pub fn signature(secret: &[u8], t: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, t, body).finalize().into_bytes())
}

fn mac(secret: &[u8], t: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length: new_from_slice cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Checks a delivery's signature header against its body at `now` (unix seconds): the
/// time first (a stale one is refused with how far off it is), then the MAC, compared in
/// constant time.
pub fn verify(secret: &[u8], header: &str, body: &[u8], now: i64) -> Result<(), SignatureRefusal> {
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => t = value.trim().parse::<i64>().ok(),
            Some(("v1", value)) => v1.push(value.trim()),
            _ => {}
        }
    }
    let (Some(t), false) = (t, v1.is_empty()) else {
        return Err(SignatureRefusal::Malformed);
    };
    let seconds_off = (now - t).abs();
    if seconds_off > SIGNATURE_TOLERANCE_SECONDS {
        return Err(SignatureRefusal::Stale { seconds_off });
    }
    // Several v1 values are allowed, so a centre can sign with an old and a new secret
    // while the secret is changed.
    let matches = v1
        .iter()
        .any(|v| hex::decode(v).is_ok_and(|given| mac(secret, t, body).verify_slice(&given).is_ok()));
    if matches {
        Ok(())
    } else {
        Err(SignatureRefusal::Wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";

    #[test]
    fn a_signature_is_checked_for_time_and_body() {
        let body = br#"[{"serial":"P1","kind":"test_call","occurred_at":"2026-07-01T10:00:00Z"}]"#;
        let t = 1_780_000_000;
        let header = format!("t={t},v1={}", signature(SECRET, t, body));
        assert_eq!(verify(SECRET, &header, body, t + 10), Ok(()));
        assert_eq!(verify(SECRET, &header, b"[]", t), Err(SignatureRefusal::Wrong));
        assert_eq!(verify(b"other", &header, body, t), Err(SignatureRefusal::Wrong));
        assert_eq!(
            verify(SECRET, &header, body, t + 301),
            Err(SignatureRefusal::Stale { seconds_off: 301 })
        );
        assert_eq!(verify(SECRET, "v1=00", body, t), Err(SignatureRefusal::Malformed));
        assert_eq!(
            verify(SECRET, &format!("t={t},v1=zz"), body, t),
            Err(SignatureRefusal::Wrong)
        );
    }

    #[test]
    fn the_worked_example_in_the_readme_holds() {
        // README.md's example, computed independently (Python's hmac module).
        let body = br#"[{"serial":"PND-1","kind":"test_call","occurred_at":"2026-07-01T10:00:00Z"}]"#;
        assert_eq!(
            signature(b"whsec_example", 1_780_000_000, body),
            "9eb9ef06fe796c5c2fb4f86311d39f4324023bef3e5997b21cd5ca29460b18cc"
        );
    }

    #[test]
    fn only_a_fault_does_not_prove_contact() {
        assert!(CentreEventKind::TestCall.proves_contact());
        assert!(CentreEventKind::Heartbeat.proves_contact());
        assert!(CentreEventKind::LowBattery.proves_contact());
        assert!(!CentreEventKind::Fault.proves_contact());
        assert_eq!(
            low_battery_remedy_by(NaiveDate::from_ymd_opt(2026, 7, 30).unwrap()),
            NaiveDate::from_ymd_opt(2026, 8, 2).unwrap()
        );
    }
}
