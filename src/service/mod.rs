//! One function per request: validate, do the work in one transaction, answer a view.

pub mod audit;
pub mod catalogue;
pub mod centre_events;
pub mod check_rules;
pub mod clients;
pub mod clock;
pub mod desk;
pub mod erasure;
pub mod evidence;
pub mod examinations;
pub mod export;
pub mod handovers;
pub mod idempotency;
pub mod import;
pub mod installations;
pub mod items;
pub mod kits;
pub mod moves;
pub mod notifications;
pub mod notify;
pub mod overdue;
pub mod pages;
pub mod recalls;
pub mod receive;
pub mod reports;
pub mod round;
pub mod scan;
pub mod sign_in;
pub mod staff;
pub mod starter;
pub mod sweeps;
pub mod switchover;
pub mod views;

use chrono::{NaiveDate, NaiveDateTime, Utc};

use crate::domain::roles::{Action, Role};
use crate::error::AppError;

/// Who is acting: every change records it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

impl From<crate::db::staff::Staff> for Actor {
    fn from(staff: crate::db::staff::Staff) -> Self {
        Actor {
            id: staff.id,
            name: staff.name,
            role: staff.role,
        }
    }
}

impl Actor {
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if self.role.may(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "the {} role may not do this",
                self.role.as_str()
            )))
        }
    }
}

/// An `expected_version` that is not `current`: 409 naming both, the same for every
/// versioned thing (`what`: "item", "kit"); none expected, nothing compared.
pub fn check_version_of(what: &str, current: i64, expected: Option<i64>) -> Result<(), AppError> {
    match expected {
        Some(v) if v != current => Err(AppError::Conflict {
            detail: format!("the {what} has changed since you read it (version {v}; it is now {current})"),
            extra: Some(serde_json::json!({ "current_version": current })),
        }),
        _ => Ok(()),
    }
}

/// The current instant to the microsecond: PostgreSQL keeps no finer, so both backends hold
/// the same value, and a copy from one to the other (`equiptrack copy`) changes nothing.
pub fn now() -> NaiveDateTime {
    use chrono::SubsecRound;
    Utc::now().naive_utc().trunc_subsecs(6)
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// Today where the reminders run (`reminders.timezone`): the day a report or a sweep is for.
pub fn today_in(zone: chrono_tz::Tz) -> NaiveDate {
    Utc::now().with_timezone(&zone).date_naive()
}
