//! What each move's request carries.

use serde::Deserialize;

use crate::domain::examination::Basis;
use crate::domain::field_schema::{date, one_of, optional_text, required_text};
use crate::domain::handover::{MAX_SIGNATURE_BASE64, Relation};
use crate::domain::lifecycle::{CondemnReason, Move};
use utoipa::openapi::schema::Object;

fn optional_date() -> Object {
    date(true)
}

fn required_date() -> Object {
    date(false)
}

fn basis() -> Object {
    let words: Vec<&str> = Basis::ALL.iter().map(|b| b.as_str()).collect();
    one_of(&words, false)
}

fn condemn_reason() -> Object {
    let words: Vec<&str> = CondemnReason::ALL.iter().map(|c| c.as_str()).collect();
    one_of(&words, false)
}

fn relation() -> Object {
    one_of(&Relation::WORDS, false)
}

/// Base64 text (the standard alphabet, padded) of at most `MAX_SIGNATURE_BASE64` characters.
fn signature() -> Object {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Byte)))
        .max_length(Some(MAX_SIGNATURE_BASE64))
        .build()
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
    /// Who received the item, and what they were shown.
    pub handover: Option<HandoverBody>,
    pub expected_version: Option<i64>,
}

/// Who received an item at a fit or handed it over at a collection: recorded with the
/// move, shown in the item's history, printed on the delivery or collection note
/// (`GET /events/{id}/note.pdf`). Either `signature_png` or `no_signature_reason` is
/// required (422 naming `handover.signature_png` with neither).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HandoverBody {
    /// The person's name.
    #[schema(required = true, schema_with = required_text::<200>)]
    pub name: Option<String>,
    /// `client`, `family`, `carer` or `other`.
    #[schema(required = true, schema_with = relation)]
    pub relation: Option<String>,
    /// The item's use was shown to them.
    #[schema(required = true, nullable = false)]
    pub demonstrated: Option<bool>,
    /// The item's leaflet was left with them.
    #[schema(required = true, nullable = false)]
    pub leaflet_left: Option<bool>,
    /// The signature drawn on the screen: a PNG file as base64 text, at most 200 KB and
    /// 2000 by 2000 pixels (422 otherwise).
    #[schema(schema_with = signature)]
    pub signature_png: Option<String>,
    /// Why there is no signature.
    #[schema(schema_with = optional_text::<500>)]
    pub no_signature_reason: Option<String>,
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
    /// YYYY-MM-DD, default today; not in the future, nor before 2000, nor before the item
    /// was registered (422).
    #[schema(schema_with = optional_date)]
    pub performed_at: Option<String>,
    /// Required when the outcome is `fail`: what failed.
    #[schema(schema_with = optional_text::<2000>)]
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
    #[schema(required = true, schema_with = basis)]
    pub basis: Option<String>,
    /// 1 to 10000.
    #[schema(minimum = 1, maximum = 10000)]
    pub safe_working_load_kg: Option<i64>,
    /// Required. False is a fail: the item is quarantined.
    #[schema(required = true, nullable = false)]
    pub safe_to_operate: Option<bool>,
    pub defects: Option<Vec<DefectBody>>,
    /// Particulars of any tests carried out.
    #[schema(schema_with = optional_text::<2000>)]
    pub tests: Option<String>,
    /// Required: a name, and qualifications or employer (422 with neither).
    #[schema(required = true, nullable = false)]
    pub examiner: Option<ExaminerBody>,
    /// YYYY-MM-DD. Required; not in the future, nor before `performed_at` (422).
    #[schema(required = true, schema_with = required_date)]
    pub report_date: Option<String>,
    /// YYYY-MM-DD, after `performed_at` and no later than the rule's interval allows (422);
    /// it brings the rule's next due date forward when earlier.
    #[schema(schema_with = optional_date)]
    pub next_examination_by: Option<String>,
    /// A defect involves an existing or imminent risk of serious personal injury.
    pub risk_of_serious_injury: Option<bool>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DefectBody {
    #[schema(required = true, schema_with = required_text::<200>)]
    pub part: Option<String>,
    #[schema(required = true, schema_with = required_text::<2000>)]
    pub description: Option<String>,
    /// A danger to persons now: the examination is a fail. Default false.
    pub dangerous: Option<bool>,
    /// YYYY-MM-DD, required for a defect not yet dangerous (422), not before the
    /// examination: after it, an open defect makes the item unsafe.
    #[schema(schema_with = optional_date)]
    pub remedy_by: Option<String>,
    /// The repair, renewal or alteration required.
    #[schema(schema_with = optional_text::<2000>)]
    pub repair: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExaminerBody {
    #[schema(required = true, schema_with = required_text::<200>)]
    pub name: Option<String>,
    #[schema(schema_with = optional_text::<500>)]
    pub qualifications: Option<String>,
    #[schema(schema_with = optional_text::<200>)]
    pub employer: Option<String>,
    #[schema(schema_with = optional_text::<500>)]
    pub address: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnBody {
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    /// Who handed the item over, when it is collected from a client's home.
    pub handover: Option<HandoverBody>,
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

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CondemnBody {
    /// `beyond_repair`, `lost`, `left_in_place`, `not_economic_to_collect`, `recalled` or `other`.
    #[schema(required = true, schema_with = condemn_reason)]
    pub reason_code: Option<String>,
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
