//! The evidence of an item's checks (each with its examination report and defects), and
//! closing a defect once it is remedied.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::items::{row_by_tag, stale};
use super::views::{self, ItemView};
use super::{Actor, now, today};
use crate::db::DbConn;
use crate::db::checks;
use crate::db::events::{self, NewEvent};
use crate::db::examinations::{self, DefectRow, ExaminationRow};
use crate::db::items::{self, ItemChanges};
use crate::domain::examination::{Basis, Examiner};
use crate::domain::field_schema::{date, optional_text};
use crate::domain::lifecycle::Outcome;
use crate::domain::roles::Action;
use crate::domain::validate::{self, Errors, MAX_NOTES};
use crate::error::AppError;
use utoipa::openapi::schema::Object;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ExaminationView {
    pub basis: Basis,
    pub safe_working_load_kg: Option<i32>,
    pub safe_to_operate: bool,
    pub tests: Option<String>,
    pub examiner: Examiner,
    pub report_date: NaiveDate,
    pub next_examination_by: Option<NaiveDate>,
    pub risk_of_serious_injury: bool,
}

impl From<ExaminationRow> for ExaminationView {
    fn from(e: ExaminationRow) -> Self {
        Self {
            basis: e.basis,
            safe_working_load_kg: e.safe_working_load_kg,
            safe_to_operate: e.safe_to_operate,
            tests: e.tests,
            examiner: Examiner {
                name: e.examiner_name,
                qualifications: e.examiner_qualifications,
                employer: e.examiner_employer,
                address: e.examiner_address,
            },
            report_date: e.report_date,
            next_examination_by: e.next_examination_by,
            risk_of_serious_injury: e.risk_of_serious_injury,
        }
    }
}

/// One recorded check as evidence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckView {
    pub id: i64,
    pub rule: String,
    pub outcome: Outcome,
    pub performed_at: NaiveDate,
    pub performed_by: String,
    pub recorded_at: DateTime<Utc>,
    pub notes: Option<String>,
    /// The report, for a check of an examination rule.
    pub examination: Option<ExaminationView>,
    /// What the examination found, remedied or not.
    pub defects: Vec<DefectRow>,
}

/// Every check of the item, oldest first, with its report and defects.
pub fn list(conn: &mut DbConn, tag: &str) -> Result<Vec<CheckView>, AppError> {
    let item = row_by_tag(conn, tag)?;
    list_of_item(conn, item.id)
}

/// Every check of the item with this id, oldest first, with its report and defects.
pub fn list_of_item(conn: &mut DbConn, item_id: i64) -> Result<Vec<CheckView>, AppError> {
    let records = checks::of_item(conn, item_id)?;
    let ids: Vec<i64> = records.iter().map(|c| c.id).collect();
    let mut reports = examinations::of_checks(conn, &ids)?;
    let defects = examinations::defects_of_checks(conn, &ids)?;
    Ok(records
        .into_iter()
        .map(|c| CheckView {
            examination: reports
                .iter()
                .position(|e| e.check_id == c.id)
                .map(|at| reports.swap_remove(at).into()),
            defects: defects.iter().filter(|d| d.check_id == c.id).cloned().collect(),
            id: c.id,
            rule: c.rule,
            outcome: c.outcome,
            performed_at: c.performed_at,
            performed_by: c.performed_by,
            recorded_at: c.recorded_at.and_utc(),
            notes: c.notes,
        })
        .collect())
}

/// The examiner named on the examination this person recorded last, on any item: what the
/// page's examination form starts from. Their own last report rather than the item's: the
/// person with the phone is on a round of examinations today, while the item's last report
/// is months old and may name another firm's examiner, whom a tired thumb could then sign
/// into a legal record.
pub fn last_examiner(conn: &mut DbConn, actor: &Actor) -> Result<Option<Examiner>, AppError> {
    Ok(examinations::last_recorded_by(conn, actor.id)?.map(|e| ExaminationView::from(e).examiner))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemedyBody {
    /// YYYY-MM-DD, default today; not in the future, nor before the examination that found
    /// it (422).
    #[schema(schema_with = optional_date)]
    pub remedied_on: Option<String>,
    /// What was done.
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

fn optional_date() -> Object {
    date(true)
}

/// POST `/items/{tag}/defects/{id}/remedy` (admin, stores): the defect is closed, with a
/// history entry on the item.
pub fn remedy(
    conn: &mut DbConn,
    actor: &Actor,
    tag: &str,
    defect_id: i64,
    req: &RemedyBody,
    public_url: &str,
) -> Result<ItemView, AppError> {
    actor.require(Action::ManageItems)?;
    let item = row_by_tag(conn, tag)?;
    super::items::check_version(&item, req.expected_version)?;
    let defect = examinations::defect(conn, defect_id)?
        .filter(|d| d.item_id == item.id)
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "{} has no defect with the id {defect_id}",
                item.asset_tag
            ))
        })?;
    if let Some(on) = defect.remedied_on {
        return Err(AppError::conflict(format!("this defect was remedied on {on}")));
    }
    let found_on = checks::of_item(conn, item.id)?
        .into_iter()
        .find(|c| c.id == defect.check_id)
        .map(|c| c.performed_at);
    let mut errors = Errors::default();
    let notes = errors.optional("notes", req.notes.as_deref(), MAX_NOTES);
    let today = today();
    let remedied_on = match req
        .remedied_on
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        None => today,
        Some(raw) => match validate::date(raw) {
            Ok(d) if d > today => {
                errors.add("remedied_on", "must not be in the future");
                today
            }
            Ok(d) if found_on.is_some_and(|f| d < f) => {
                errors.add("remedied_on", "must not be before the examination that found it");
                today
            }
            Ok(d) => d,
            Err(message) => {
                errors.add("remedied_on", message);
                today
            }
        },
    };
    errors.finish()?;
    let now = now();
    if !examinations::remedy(conn, defect.id, remedied_on, actor.id, notes.as_deref())?
        || !items::update_versioned(conn, item.id, item.version, &ItemChanges::default(), now)?
    {
        return Err(stale());
    }
    let said = format!(
        "defect remedied on {remedied_on}: {}: {}",
        defect.part, defect.description
    );
    events::insert_owned(
        conn,
        &NewEvent {
            item_id: item.id,
            occurred_at: now,
            staff_id: Some(actor.id),
            action: "defect_remedied".into(),
            from_status: None,
            to_status: None,
            client_id: item.client_id,
            notes: Some(match notes {
                Some(n) => format!("{said}. {n}"),
                None => said,
            }),
        },
        None,
    )?;
    views::by_tag(conn, &item.asset_tag, public_url)
}
