//! What the item page's check forms send, read back into the API's `CheckBody`, so that
//! `service::moves` decides for the page as it does for the API; and the refusal's fields
//! in the words the form shows them.

use crate::domain::validate::FieldError;
use crate::error::AppError;
use crate::service::moves::{CheckBody, DefectBody, ExaminationBody, ExaminerBody};
use crate::web::form::Fields;

/// One defect row as typed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DefectTyped {
    pub part: String,
    pub description: String,
    pub dangerous: bool,
    pub remedy_by: String,
    pub repair: String,
}

impl DefectTyped {
    /// A row left as the page offered it: a browser sends the extra rows a person added but
    /// did not fill in, and those are no defect.
    fn is_empty(&self) -> bool {
        !self.dangerous
            && [&self.part, &self.description, &self.remedy_by, &self.repair]
                .iter()
                .all(|f| f.trim().is_empty())
    }
}

/// An examination form as typed, to send on or to show again after a refusal.
#[derive(Debug, Default, Clone)]
pub struct ExamTyped {
    pub basis: String,
    pub safe_working_load_kg: String,
    /// "yes", "no", or "" when not answered.
    pub safe_to_operate: String,
    pub tests: String,
    pub examiner_name: String,
    pub examiner_qualifications: String,
    pub examiner_employer: String,
    pub examiner_address: String,
    pub report_date: String,
    pub next_examination_by: String,
    pub risk_of_serious_injury: bool,
    /// The rows with something in them, in the order sent.
    pub defects: Vec<DefectTyped>,
}

/// A check form as typed: the rule it was for, and for an examination its report.
#[derive(Debug, Default, Clone)]
pub struct CheckTyped {
    pub rule: String,
    pub performed_at: String,
    pub notes: String,
    pub exam: Option<ExamTyped>,
}

impl CheckTyped {
    pub fn read(f: &Fields) -> Self {
        let one = |name: &str| f.one(name).unwrap_or_default().to_string();
        let exam = (f.one("examination") == Some("yes")).then(|| {
            let column = |name: &str| f.all(name);
            let (parts, descriptions, dangerous, remedy_by, repairs) = (
                column("defect_part"),
                column("defect_description"),
                column("defect_dangerous"),
                column("defect_remedy_by"),
                column("defect_repair"),
            );
            // Every row sends each of its five fields (the "dangerous" select always has a
            // value), so the n-th of each belong together.
            let rows = parts.len().max(descriptions.len()).max(remedy_by.len());
            let at = |col: &[&str], i: usize| col.get(i).copied().unwrap_or_default().to_string();
            let defects = (0..rows)
                .map(|i| DefectTyped {
                    part: at(&parts, i),
                    description: at(&descriptions, i),
                    dangerous: dangerous.get(i).is_some_and(|d| *d == "yes"),
                    remedy_by: at(&remedy_by, i),
                    repair: at(&repairs, i),
                })
                .filter(|d| !d.is_empty())
                .collect();
            ExamTyped {
                basis: one("basis"),
                safe_working_load_kg: one("safe_working_load_kg"),
                safe_to_operate: one("safe_to_operate"),
                tests: one("tests"),
                examiner_name: one("examiner_name"),
                examiner_qualifications: one("examiner_qualifications"),
                examiner_employer: one("examiner_employer"),
                examiner_address: one("examiner_address"),
                report_date: one("report_date"),
                next_examination_by: one("next_examination_by"),
                risk_of_serious_injury: f.one("risk_of_serious_injury") == Some("yes"),
                defects,
            }
        });
        Self {
            rule: one("rule"),
            performed_at: one("performed_at"),
            notes: one("notes"),
            exam,
        }
    }

    /// The body the API would have been sent; a load that is not a number is refused here,
    /// before anything is recorded without it.
    pub fn body(&self, outcome: Option<String>, version: Option<i64>) -> Result<CheckBody, AppError> {
        let examination = match &self.exam {
            None => None,
            Some(e) => Some(Box::new(e.body()?)),
        };
        Ok(CheckBody {
            rule: given(&self.rule),
            outcome: if examination.is_some() { None } else { outcome },
            performed_at: given(&self.performed_at),
            notes: given(&self.notes),
            examination,
            expected_version: version,
        })
    }
}

impl ExamTyped {
    fn body(&self) -> Result<ExaminationBody, AppError> {
        let load = self.safe_working_load_kg.trim();
        let safe_working_load_kg = match load {
            "" => None,
            kg => Some(kg.parse::<i64>().map_err(|_| {
                AppError::invalid("examination.safe_working_load_kg", "must be a whole number of kg")
            })?),
        };
        Ok(ExaminationBody {
            basis: given(&self.basis),
            safe_working_load_kg,
            safe_to_operate: match self.safe_to_operate.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            defects: Some(
                self.defects
                    .iter()
                    .map(|d| DefectBody {
                        part: given(&d.part),
                        description: given(&d.description),
                        dangerous: Some(d.dangerous),
                        remedy_by: given(&d.remedy_by),
                        repair: given(&d.repair),
                    })
                    .collect(),
            ),
            tests: given(&self.tests),
            examiner: Some(ExaminerBody {
                name: given(&self.examiner_name),
                qualifications: given(&self.examiner_qualifications),
                employer: given(&self.examiner_employer),
                address: given(&self.examiner_address),
            }),
            report_date: given(&self.report_date),
            next_examination_by: given(&self.next_examination_by),
            risk_of_serious_injury: Some(self.risk_of_serious_injury),
        })
    }
}

fn given(s: &str) -> Option<String> {
    Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string)
}

/// A refusal as the lines a form shows above itself: each field by its label on the form.
pub fn problems(error: &AppError) -> Vec<String> {
    match error {
        AppError::Validation(errors) => errors.iter().map(plain).collect(),
        AppError::TooManyInvalid { listed, not_listed } => {
            let mut lines: Vec<String> = listed.iter().map(plain).collect();
            lines.push(format!("and {not_listed} more"));
            lines
        }
        other => vec![other.for_people("; ")],
    }
}

fn plain(e: &FieldError) -> String {
    let field = e.field.strip_prefix("examination.").unwrap_or(&e.field);
    if let Some(rest) = field.strip_prefix("defects[") {
        let (n, what) = rest.split_once("].").unwrap_or((rest, ""));
        let n = n.parse::<usize>().map_or(0, |n| n + 1);
        return format!("Defect {n}, {}: {}", what.replace('_', " "), e.message);
    }
    let label = match field {
        "basis" => return "Basis of the examination: choose why it was made".into(),
        "safe_to_operate" => return "Safe to operate: answer yes or no".into(),
        "safe_working_load_kg" => "Safe working load",
        "tests" => "Tests carried out",
        "examiner" | "examiner.name" => "Examiner's name",
        "examiner.qualifications" => "Examiner's qualifications",
        "examiner.employer" => "Examiner's employer",
        "examiner.address" => "Examiner's address",
        "report_date" => "Report date",
        "next_examination_by" => "Next examination by",
        "performed_at" => "Date",
        "rule" => "Which check",
        "examination" => "Examination report",
        other => return format!("{}: {}", other.replace('_', " "), e.message),
    };
    format!("{label}: {}", e.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn empty_extra_defect_rows_are_no_defect_and_the_rows_stay_together() {
        let mut pairs = vec![
            ("rule", "exam"),
            ("examination", "yes"),
            ("safe_to_operate", "yes"),
        ];
        for row in [
            ["", "", "no", "", ""],
            ["castor", "worn", "no", "2027-01-01", ""],
            ["", "", "no", "", ""],
            ["mast", "", "yes", "", "replace"],
        ] {
            for (name, value) in [
                "defect_part",
                "defect_description",
                "defect_dangerous",
                "defect_remedy_by",
                "defect_repair",
            ]
            .into_iter()
            .zip(row)
            {
                pairs.push((name, value));
            }
        }
        let typed = CheckTyped::read(&fields(&pairs));
        let exam = typed.exam.as_ref().unwrap();
        assert_eq!(exam.defects.len(), 2);
        assert_eq!(
            (exam.defects[0].part.as_str(), exam.defects[0].remedy_by.as_str()),
            ("castor", "2027-01-01")
        );
        assert!(exam.defects[1].dangerous && exam.defects[1].repair == "replace");
        let body = typed.body(Some("pass".into()), Some(3)).unwrap();
        assert_eq!(body.outcome, None, "the outcome follows from the report");
        assert_eq!(body.examination.unwrap().safe_to_operate, Some(true));
    }

    #[test]
    fn a_load_that_is_not_a_number_is_refused_and_fields_read_plainly() {
        let typed = CheckTyped::read(&fields(&[
            ("examination", "yes"),
            ("safe_working_load_kg", "lots"),
        ]));
        let e = typed.body(None, None).unwrap_err();
        assert_eq!(problems(&e), ["Safe working load: must be a whole number of kg"]);
        let e = AppError::Validation(vec![
            FieldError::new("examination.examiner.name", "is required"),
            FieldError::new("examination.defects[1].remedy_by", "is required"),
        ]);
        assert_eq!(
            problems(&e),
            ["Examiner's name: is required", "Defect 2, remedy by: is required"]
        );
    }
}
