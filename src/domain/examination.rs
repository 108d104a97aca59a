//! A thorough examination's report (LOLER 1998, Schedule 1) and the rules that follow from
//! it: its outcome, how far ahead the next one may be set, when an open defect makes the
//! item unsafe.

use chrono::NaiveDate;
use serde::Serialize;

use super::checks::next_due;
use super::lifecycle::Outcome;
use super::stored::stored_words;

stored_words! {
    /// Why the examination was made (Schedule 1, paragraph 6).
    pub enum Basis {
        AfterInstallation => "after_installation",
        Interval6Months => "interval_6_months",
        Interval12Months => "interval_12_months",
        ExaminationScheme => "examination_scheme",
        ExceptionalCircumstances => "exceptional_circumstances",
    }
}

/// Who examined the equipment (Schedule 1, paragraph 1 and 11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Examiner {
    pub name: String,
    pub qualifications: Option<String>,
    pub employer: Option<String>,
    pub address: Option<String>,
}

/// A defect the examination found (Schedule 1, paragraphs 7 and 8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DefectFound {
    pub part: String,
    pub description: String,
    /// A danger to persons now: the equipment may not be used.
    pub dangerous: bool,
    /// For a defect not yet dangerous: the date by which it must be remedied.
    pub remedy_by: Option<NaiveDate>,
    /// The repair, renewal or alteration required.
    pub repair: Option<String>,
}

/// The report as recorded, every field checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExaminationReport {
    pub basis: Basis,
    pub safe_working_load_kg: Option<i32>,
    pub safe_to_operate: bool,
    pub defects: Vec<DefectFound>,
    /// Particulars of any tests carried out.
    pub tests: Option<String>,
    pub examiner: Examiner,
    pub report_date: NaiveDate,
    pub next_examination_by: Option<NaiveDate>,
    /// A defect involves an existing or imminent risk of serious personal injury: the
    /// enforcing authority must be sent a copy (regulation 10(1)(c)).
    pub risk_of_serious_injury: bool,
}

impl ExaminationReport {
    /// The outcome follows from the record: not safe to operate, or any dangerous defect, is
    /// a fail; anything else a pass (with its defects left open).
    pub fn outcome(&self) -> Outcome {
        if !self.safe_to_operate || self.defects.iter().any(|d| d.dangerous) {
            Outcome::Fail
        } else {
            Outcome::Pass
        }
    }
}

/// The latest date the next examination may be set for: no later than the rule's interval
/// allows from the examination.
pub fn latest_next_examination(performed: NaiveDate, interval_days: i32) -> NaiveDate {
    next_due(performed, interval_days)
}

/// A rule's next due date once the latest examination's examiner set the next one for
/// `next_by`: whichever comes first.
pub fn examiners_date(due: Option<NaiveDate>, next_by: Option<NaiveDate>) -> Option<NaiveDate> {
    match (due, next_by) {
        (Some(d), Some(by)) => Some(d.min(by)),
        (due, _) => due,
    }
}

/// An open defect makes the item unsafe once its remedy-by date has passed.
pub fn defect_overdue(remedy_by: Option<NaiveDate>, day: NaiveDate) -> bool {
    remedy_by.is_some_and(|by| by < day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn report(safe: bool, dangerous: &[bool]) -> ExaminationReport {
        ExaminationReport {
            basis: Basis::Interval6Months,
            safe_working_load_kg: Some(150),
            safe_to_operate: safe,
            defects: dangerous
                .iter()
                .map(|d| DefectFound {
                    part: "sling bar".into(),
                    description: "worn".into(),
                    dangerous: *d,
                    remedy_by: (!*d).then(|| day(8, 1)),
                    repair: None,
                })
                .collect(),
            tests: None,
            examiner: Examiner {
                name: "E. Xam".into(),
                qualifications: Some("LEEA".into()),
                employer: None,
                address: None,
            },
            report_date: day(7, 1),
            next_examination_by: None,
            risk_of_serious_injury: false,
        }
    }

    #[test]
    fn the_outcome_follows_from_the_record() {
        assert_eq!(report(true, &[]).outcome(), Outcome::Pass);
        assert_eq!(
            report(true, &[false]).outcome(),
            Outcome::Pass,
            "an open defect still passes"
        );
        assert_eq!(report(true, &[false, true]).outcome(), Outcome::Fail);
        assert_eq!(report(false, &[]).outcome(), Outcome::Fail);
    }

    #[test]
    fn the_next_examination_is_no_later_than_the_interval_and_a_defect_is_unsafe_after_its_date() {
        assert_eq!(latest_next_examination(day(1, 1), 182), day(7, 2));
        assert!(!defect_overdue(Some(day(8, 1)), day(8, 1)));
        assert!(defect_overdue(Some(day(8, 1)), day(8, 2)));
        assert!(!defect_overdue(None, day(8, 2)));
        assert_eq!(examiners_date(Some(day(9, 1)), Some(day(8, 1))), Some(day(8, 1)));
        assert_eq!(examiners_date(Some(day(9, 1)), None), Some(day(9, 1)));
        assert_eq!(
            examiners_date(None, Some(day(8, 1))),
            None,
            "a condemned item has no date"
        );
        for b in Basis::ALL {
            assert_eq!(serde_json::to_value(b).unwrap(), b.as_str());
        }
    }
}
