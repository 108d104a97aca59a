//! An examination report as a check carries it, parsed into `domain::examination`'s record:
//! every missing or wrong field named under `examination.`.

use chrono::NaiveDate;

use super::bodies::{DefectBody, ExaminationBody};
use crate::domain::examination::{Basis, DefectFound, ExaminationReport, Examiner, latest_next_examination};
use crate::domain::validate::{self, Errors};

const MAX_TEXT: usize = 2000;
const MAX_LOAD_KG: i64 = 10_000;

/// The report of an examination performed on `performed_at` under a rule of
/// `interval_days`, or `None` when any field was wrong (each named in `errors`).
pub(super) fn parse(
    body: &ExaminationBody,
    performed_at: NaiveDate,
    interval_days: i32,
    today: NaiveDate,
    errors: &mut Errors,
) -> Option<ExaminationReport> {
    let before = errors.count();
    let basis = match body.basis.as_deref() {
        None => {
            errors.add("examination.basis", format!("is required: one of {}", bases()));
            None
        }
        Some(b) => Basis::parse(b).or_else(|| {
            errors.add("examination.basis", format!("must be one of {}", bases()));
            None
        }),
    };
    let safe_working_load_kg = match body.safe_working_load_kg {
        None => None,
        Some(kg) if (1..=MAX_LOAD_KG).contains(&kg) => Some(kg as i32),
        Some(_) => {
            errors.add(
                "examination.safe_working_load_kg",
                format!("must be from 1 to {MAX_LOAD_KG} kg"),
            );
            None
        }
    };
    if body.safe_to_operate.is_none() {
        errors.add("examination.safe_to_operate", "is required (true or false)");
    }
    let defects: Vec<DefectFound> = body
        .defects
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, d)| defect(d, &format!("examination.defects[{i}]."), performed_at, errors))
        .collect();
    let tests = errors.optional("examination.tests", body.tests.as_deref(), MAX_TEXT);
    let examiner = examiner(body, errors);
    let given = body.report_date.as_deref().filter(|r| !r.trim().is_empty());
    if given.is_none() {
        errors.add("examination.report_date", "is required, YYYY-MM-DD");
    }
    let report_date = match date(errors, "examination.report_date", given) {
        Some(d) if d > today => {
            errors.add("examination.report_date", "must not be in the future");
            None
        }
        Some(d) if d < performed_at => {
            errors.add(
                "examination.report_date",
                "must not be before the examination itself (performed_at)",
            );
            None
        }
        found => found,
    };
    let latest = latest_next_examination(performed_at, interval_days);
    let next_examination_by = match date(
        errors,
        "examination.next_examination_by",
        body.next_examination_by.as_deref(),
    ) {
        Some(d) if d > latest => {
            errors.add(
                "examination.next_examination_by",
                format!(
                    "must be no later than {latest}, as the rule's interval of {interval_days} days allows"
                ),
            );
            None
        }
        Some(d) if d <= performed_at => {
            errors.add("examination.next_examination_by", "must be after the examination");
            None
        }
        found => found,
    };
    if errors.count() > before {
        return None;
    }
    Some(ExaminationReport {
        basis: basis?,
        safe_working_load_kg,
        safe_to_operate: body.safe_to_operate?,
        defects,
        tests,
        examiner: examiner?,
        report_date: report_date?,
        next_examination_by,
        risk_of_serious_injury: body.risk_of_serious_injury.unwrap_or(false),
    })
}

fn bases() -> String {
    Basis::ALL
        .iter()
        .map(|b| b.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn date(errors: &mut Errors, field: &str, raw: Option<&str>) -> Option<NaiveDate> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
    validate::date(raw)
        .map_err(|message| errors.add(field, message))
        .ok()
}

fn examiner(body: &ExaminationBody, errors: &mut Errors) -> Option<Examiner> {
    let Some(e) = &body.examiner else {
        errors.add(
            "examination.examiner",
            "is required: the examiner's name, and qualifications or employer",
        );
        return None;
    };
    let name = errors.required("examination.examiner.name", e.name.as_deref(), 200);
    let qualifications = errors.optional(
        "examination.examiner.qualifications",
        e.qualifications.as_deref(),
        500,
    );
    let employer = errors.optional("examination.examiner.employer", e.employer.as_deref(), 200);
    let address = errors.optional("examination.examiner.address", e.address.as_deref(), 500);
    if qualifications.is_none() && employer.is_none() {
        errors.add(
            "examination.examiner.qualifications",
            "give the examiner's qualifications or their employer",
        );
    }
    Some(Examiner {
        name,
        qualifications,
        employer,
        address,
    })
}

/// One defect; `at` names it (`examination.defects[0].`).
fn defect(d: &DefectBody, at: &str, performed_at: NaiveDate, errors: &mut Errors) -> DefectFound {
    let part = errors.required(&format!("{at}part"), d.part.as_deref(), 200);
    let description = errors.required(&format!("{at}description"), d.description.as_deref(), MAX_TEXT);
    let dangerous = d.dangerous.unwrap_or(false);
    let field = format!("{at}remedy_by");
    let remedy_by = date(errors, &field, d.remedy_by.as_deref());
    match remedy_by {
        None if !dangerous => errors.add(
            &field,
            "is required for a defect not yet dangerous: the date by which it must be remedied",
        ),
        Some(by) if by < performed_at => errors.add(&field, "must not be before the examination"),
        _ => {}
    }
    DefectFound {
        part,
        description,
        dangerous,
        remedy_by: remedy_by.filter(|_| !dangerous),
        repair: errors.optional(&format!("{at}repair"), d.repair.as_deref(), MAX_TEXT),
    }
}
