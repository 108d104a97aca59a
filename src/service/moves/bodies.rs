//! What each move's request carries.

use serde::Deserialize;

use crate::domain::lifecycle::Move;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    /// The client the item is for.
    pub client_id: Option<i64>,
    /// The worker who takes it and becomes responsible for its checks.
    pub worker_id: Option<i64>,
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FitBody {
    /// Defaults to the client it was issued for.
    pub client_id: Option<i64>,
    /// YYYY-MM-DD, default today: records are often entered after the visit.
    pub fitted_at: Option<String>,
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    /// The check rule's name; optional when the type has one rule.
    pub rule: Option<String>,
    /// `pass` or `fail`.
    pub outcome: Option<String>,
    /// YYYY-MM-DD, default today; not in the future, not before the item was registered.
    pub performed_at: Option<String>,
    /// Required when the outcome is `fail`: what failed.
    pub notes: Option<String>,
    /// Required for a check of an `examination` rule: the LOLER Schedule 1 report, from
    /// which the outcome follows (`outcome` may then be left out).
    pub examination: Option<Box<ExaminationBody>>,
    pub expected_version: Option<i64>,
}

/// A thorough examination's report (LOLER 1998, Schedule 1).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExaminationBody {
    /// `after_installation`, `interval_6_months`, `interval_12_months`,
    /// `examination_scheme` or `exceptional_circumstances`. Required.
    pub basis: Option<String>,
    pub safe_working_load_kg: Option<i64>,
    /// Required. False is a fail: the item is quarantined.
    pub safe_to_operate: Option<bool>,
    pub defects: Option<Vec<DefectBody>>,
    /// Particulars of any tests carried out.
    pub tests: Option<String>,
    /// Required: a name, and qualifications or employer.
    pub examiner: Option<ExaminerBody>,
    /// YYYY-MM-DD. Required.
    pub report_date: Option<String>,
    /// YYYY-MM-DD, no later than the rule's interval allows; it brings the rule's next due
    /// date forward when earlier.
    pub next_examination_by: Option<String>,
    /// A defect involves an existing or imminent risk of serious personal injury.
    pub risk_of_serious_injury: Option<bool>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DefectBody {
    pub part: Option<String>,
    pub description: Option<String>,
    /// A danger to persons now: the examination is a fail. Default false.
    pub dangerous: Option<bool>,
    /// YYYY-MM-DD, required for a defect not yet dangerous: after it, an open defect makes
    /// the item unsafe.
    pub remedy_by: Option<String>,
    /// The repair, renewal or alteration required.
    pub repair: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExaminerBody {
    pub name: Option<String>,
    pub qualifications: Option<String>,
    pub employer: Option<String>,
    pub address: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecontaminateBody {
    /// How it was cleaned, e.g. `chlorine 1000ppm wipe`, `washer-disinfector`.
    pub method: Option<String>,
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

/// The body of `quarantine`, `release` and `condemn`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: Option<String>,
    pub expected_version: Option<i64>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CondemnBody {
    /// `beyond_repair`, `lost`, `left_in_place`, `not_economic_to_collect`, `recalled` or `other`.
    pub reason_code: Option<String>,
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
    Condemn(CondemnBody),
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
            Self::Quarantine(b) | Self::Release(b) => b.expected_version,
            Self::Condemn(b) => b.expected_version,
        }
    }
}
