//! What each move's request carries.

use serde::Deserialize;

use crate::domain::field_schema::{date, one_of, optional_text, required_text};
use crate::domain::lifecycle::Move;
use utoipa::openapi::schema::Object;

fn optional_date() -> Object {
    date(true)
}

fn outcome() -> Object {
    one_of(&["pass", "fail"], false)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    /// The client the item is for.
    pub client_id: Option<i64>,
    /// The worker who takes it and becomes responsible for its checks.
    pub worker_id: Option<i64>,
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FitBody {
    /// Defaults to the client it was issued for.
    pub client_id: Option<i64>,
    /// YYYY-MM-DD, default today: records are often entered after the visit; not in the
    /// future, nor before 2000 (422).
    #[schema(schema_with = optional_date)]
    pub fitted_at: Option<String>,
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    /// The name of one of the type's check rules (422 if it has none of that name);
    /// optional when the type has one rule.
    #[schema(schema_with = optional_text::<100>)]
    pub rule: Option<String>,
    #[schema(required = true, schema_with = outcome)]
    pub outcome: Option<String>,
    /// YYYY-MM-DD, default today; not in the future, nor before 2000 (422).
    #[schema(schema_with = optional_date)]
    pub performed_at: Option<String>,
    /// Required when the outcome is `fail`: what failed.
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecontaminateBody {
    /// How it was cleaned, e.g. `chlorine 1000ppm wipe`, `washer-disinfector`.
    #[schema(required = true, schema_with = required_text::<200>)]
    pub method: Option<String>,
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

/// The body of `quarantine`, `release` and `condemn`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[schema(required = true, schema_with = required_text::<2000>)]
    pub reason: Option<String>,
    pub expected_version: Option<i64>,
}

/// A move with its body.
#[derive(Debug)]
pub enum MoveRequest {
    Issue(IssueBody),
    Fit(FitBody),
    Check(CheckBody),
    Return(ReturnBody),
    Decontaminate(DecontaminateBody),
    Quarantine(ReasonBody),
    Release(ReasonBody),
    Condemn(ReasonBody),
}

impl MoveRequest {
    pub fn the_move(&self) -> Move {
        match self {
            Self::Issue(_) => Move::Issue,
            Self::Fit(_) => Move::Fit,
            Self::Check(_) => Move::Check,
            Self::Return(_) => Move::Return,
            Self::Decontaminate(_) => Move::Decontaminate,
            Self::Quarantine(_) => Move::Quarantine,
            Self::Release(_) => Move::Release,
            Self::Condemn(_) => Move::Condemn,
        }
    }

    pub(super) fn expected_version(&self) -> Option<i64> {
        match self {
            Self::Issue(b) => b.expected_version,
            Self::Fit(b) => b.expected_version,
            Self::Check(b) => b.expected_version,
            Self::Return(b) => b.expected_version,
            Self::Decontaminate(b) => b.expected_version,
            Self::Quarantine(b) | Self::Release(b) | Self::Condemn(b) => b.expected_version,
        }
    }
}
