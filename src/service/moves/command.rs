//! Each move's body parsed into what the move means before anything is read from the
//! database: texts trimmed and bounded, dates and outcomes understood, the rule picked,
//! and a failed check's note required (for the API and the pages alike).

use chrono::NaiveDate;

use super::bodies::MoveRequest;
use super::examination;
use super::handover;
use crate::db::types::CheckRule;
use crate::domain::checks::CheckKind;
use crate::domain::examination::ExaminationReport;
use crate::domain::handover::Handover;
use crate::domain::lifecycle::{CondemnReason, Outcome};
use crate::domain::validate::{self, Errors, MAX_NOTES};

/// A move's request, understood. Client and worker ids are looked up afterwards.
#[derive(Debug)]
pub(super) enum Command<'r> {
    Issue {
        client_id: Option<i64>,
        worker_id: Option<i64>,
    },
    Fit {
        client_id: Option<i64>,
        fitted_at: NaiveDate,
        handover: Option<Handover>,
    },
    /// `check` is absent when the outcome or the rule was not understood.
    Check {
        check: Option<(&'r CheckRule, Outcome)>,
        performed_at: NaiveDate,
        /// The report of an examination rule's check, from which its outcome follows.
        examination: Option<ExaminationReport>,
    },
    Return {
        handover: Option<Handover>,
    },
    Decontaminate {
        method: String,
    },
    /// Quarantine or release, with the reason given.
    Reason {
        reason: String,
    },
    /// `code` is absent when it was missing or not understood.
    Condemn {
        code: Option<CondemnReason>,
        reason: String,
    },
}

/// The command and the notes the person wrote, if any.
#[derive(Debug)]
pub(super) struct Parsed<'r> {
    pub command: Command<'r>,
    pub notes: Option<String>,
}

/// Parses `request` for an item whose type has `rules`; every problem goes into `errors`.
pub(super) fn parse<'r>(
    request: &MoveRequest,
    rules: &'r [CheckRule],
    today: NaiveDate,
    errors: &mut Errors,
) -> Parsed<'r> {
    let notes =
        |errors: &mut Errors, notes: &Option<String>| errors.optional("notes", notes.as_deref(), MAX_NOTES);
    match request {
        MoveRequest::Issue(body) => Parsed {
            notes: notes(errors, &body.notes),
            command: Command::Issue {
                client_id: body.client_id,
                worker_id: body.worker_id,
            },
        },
        MoveRequest::Fit(body) => Parsed {
            notes: notes(errors, &body.notes),
            command: Command::Fit {
                client_id: body.client_id,
                fitted_at: date_field(errors, "fitted_at", body.fitted_at.as_deref(), today),
                handover: body.handover.as_ref().and_then(|h| handover::parse(h, errors)),
            },
        },
        MoveRequest::Check(body) => {
            let notes = notes(errors, &body.notes);
            let reported = body.examination.is_some();
            // With a report, the outcome follows from it and may be left out.
            let said = match body.outcome.as_deref() {
                None if reported => None,
                raw => outcome(raw, errors),
            };
            if !reported && said == Some(Outcome::Fail) && notes.is_none() {
                // Stores act on a failed check at once; they need to know what failed.
                errors.add("notes", "is required for a failed check: say what failed");
            }
            let performed_at = date_field(errors, "performed_at", body.performed_at.as_deref(), today);
            let rule = pick_rule(rules, body.rule.as_deref(), errors);
            let examined = rule.filter(|r| r.kind == CheckKind::Examination);
            let report = match (&body.examination, rule, examined) {
                (Some(e), _, Some(r)) => examination::parse(e, performed_at, r.interval_days, today, errors),
                (Some(_), Some(_), None) => {
                    errors.add(
                        "examination",
                        "only a check of an examination rule carries a report",
                    );
                    None
                }
                (None, _, Some(_)) => {
                    errors.add(
                        "examination",
                        "is required for a check of an examination rule: the LOLER Schedule 1 report",
                    );
                    None
                }
                _ => None,
            };
            let outcome = match (&report, said) {
                (Some(r), Some(said)) if said != r.outcome() => {
                    errors.add(
                        "outcome",
                        format!("the examination's record makes it a {}", r.outcome()),
                    );
                    None
                }
                (Some(r), _) => Some(r.outcome()),
                (None, _) if examined.is_some() => None,
                (None, said) => said,
            };
            Parsed {
                notes,
                command: Command::Check {
                    check: rule.zip(outcome),
                    performed_at,
                    examination: report,
                },
            }
        }
        MoveRequest::Return(body) => Parsed {
            notes: notes(errors, &body.notes),
            command: Command::Return {
                handover: body.handover.as_ref().and_then(|h| handover::parse(h, errors)),
            },
        },
        MoveRequest::Decontaminate(body) => {
            let method = errors.required("method", body.method.as_deref(), 200);
            Parsed {
                notes: notes(errors, &body.notes),
                command: Command::Decontaminate { method },
            }
        }
        MoveRequest::Quarantine(body) | MoveRequest::Release(body) => Parsed {
            notes: None,
            command: Command::Reason {
                reason: errors.required("reason", body.reason.as_deref(), MAX_NOTES),
            },
        },
        MoveRequest::Condemn(body) => Parsed {
            notes: None,
            command: Command::Condemn {
                code: condemn_reason(body.reason_code.as_deref(), errors),
                reason: errors.required("reason", body.reason.as_deref(), MAX_NOTES),
            },
        },
    }
}

/// Why an item is condemned, as one of the codes; required, so the record says whether it
/// was lost, left in a home or broken.
fn condemn_reason(raw: Option<&str>, errors: &mut Errors) -> Option<CondemnReason> {
    let codes = || {
        CondemnReason::ALL
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match raw.filter(|c| !c.is_empty()) {
        None => {
            errors.add("reason_code", format!("is required: one of {}", codes()));
            None
        }
        Some(code) => {
            let found = CondemnReason::parse(code);
            if found.is_none() {
                errors.add("reason_code", format!("must be one of {}", codes()));
            }
            found
        }
    }
}

fn outcome(raw: Option<&str>, errors: &mut Errors) -> Option<Outcome> {
    let Some(raw) = raw else {
        errors.add("outcome", "is required (pass or fail)");
        return None;
    };
    let parsed = Outcome::parse(&raw.trim().to_ascii_lowercase());
    if parsed.is_none() {
        errors.add("outcome", "must be pass or fail");
    }
    parsed
}

/// A date that defaults to today and may not lie in the future.
fn date_field(errors: &mut Errors, field: &str, raw: Option<&str>, today: NaiveDate) -> NaiveDate {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => today,
        Some(r) => validate::day_done(r, today).unwrap_or_else(|message| {
            errors.add(field, message);
            today
        }),
    }
}

fn pick_rule<'a>(rules: &'a [CheckRule], named: Option<&str>, errors: &mut Errors) -> Option<&'a CheckRule> {
    let names = || {
        rules
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match named.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => {
            let found = rules.iter().find(|r| r.name.eq_ignore_ascii_case(name));
            if found.is_none() {
                errors.add(
                    "rule",
                    format!("this type has no rule {name:?}; its rules: {}", names()),
                );
            }
            found
        }
        None if rules.len() == 1 => rules.first(),
        None => {
            errors.add("rule", format!("is required: name one of {}", names()));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checks::CheckKind;
    use crate::domain::validate::Invalid;
    use crate::service::moves::bodies::CheckBody;
    use chrono::Datelike;

    fn rules() -> Vec<CheckRule> {
        ["LOLER thorough examination", "manufacturer service"]
            .into_iter()
            .enumerate()
            .map(|(n, name)| CheckRule {
                id: n as i64 + 1,
                type_id: 1,
                name: name.into(),
                interval_days: 182,
                lead_days: None,
                kind: CheckKind::Inspection,
                due_on_fit: false,
            })
            .collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, 20).unwrap()
    }

    fn check(outcome: &str, notes: Option<&str>) -> MoveRequest {
        MoveRequest::Check(CheckBody {
            rule: Some("manufacturer service".into()),
            outcome: Some(outcome.into()),
            notes: notes.map(Into::into),
            ..CheckBody::default()
        })
    }

    fn fields(errors: Errors) -> Vec<String> {
        match errors.finish() {
            Ok(()) => vec![],
            Err(Invalid(list)) => list.into_iter().map(|f| f.field).collect(),
        }
    }

    #[test]
    fn a_failed_check_needs_a_note_and_a_passed_one_does_not() {
        let rules = rules();
        for blank in [None, Some("  ")] {
            let mut errors = Errors::default();
            parse(&check("fail", blank), &rules, today(), &mut errors);
            assert_eq!(fields(errors), ["notes"]);
        }
        let mut errors = Errors::default();
        let parsed = parse(
            &check(" FAIL ", Some(" chain worn ")),
            &rules,
            today(),
            &mut errors,
        );
        assert_eq!(fields(errors), Vec::<String>::new());
        assert_eq!(parsed.notes.as_deref(), Some("chain worn"));
        let Command::Check {
            check: Some((rule, Outcome::Fail)),
            performed_at,
            ..
        } = parsed.command
        else {
            panic!("a failed check: {:?}", parsed.command);
        };
        assert_eq!((rule.id, performed_at), (2, today()));
        let mut errors = Errors::default();
        parse(&check("pass", None), &rules, today(), &mut errors);
        assert_eq!(fields(errors), Vec::<String>::new());
    }

    #[test]
    fn every_problem_of_a_check_is_named_at_once() {
        let request = MoveRequest::Check(CheckBody {
            rule: Some("annual wobble".into()),
            outcome: Some("maybe".into()),
            performed_at: Some("2099-01-01".into()),
            ..CheckBody::default()
        });
        let (rules, mut errors) = (rules(), Errors::default());
        let parsed = parse(&request, &rules, today(), &mut errors);
        assert_eq!(fields(errors), ["outcome", "performed_at", "rule"]);
        assert!(matches!(parsed.command, Command::Check { check: None, .. }));
    }

    #[test]
    fn dates_default_to_today_and_refuse_the_future_and_the_last_century() {
        let mut errors = Errors::default();
        assert_eq!(date_field(&mut errors, "fitted_at", None, today()), today());
        assert_eq!(
            date_field(&mut errors, "fitted_at", Some(" 2026-07-01 "), today()),
            today().with_day(1).unwrap()
        );
        assert!(errors.is_empty());
        for (raw, words) in [
            ("2026-07-21", "must not be in the future"),
            ("1999-12-31", "must be this century"),
            ("20/07/2026", "must be a date, YYYY-MM-DD"),
        ] {
            let mut errors = Errors::default();
            assert_eq!(date_field(&mut errors, "fitted_at", Some(raw), today()), today());
            let Err(Invalid(list)) = errors.finish() else {
                panic!("{raw} is refused");
            };
            assert_eq!(list[0].message, words);
        }
    }

    #[test]
    fn a_condemn_needs_a_known_reason_code() {
        use crate::service::moves::bodies::CondemnBody;
        let condemn = |code: Option<&str>| {
            MoveRequest::Condemn(CondemnBody {
                reason_code: code.map(Into::into),
                reason: Some("dropped down the stairs".into()),
                expected_version: None,
            })
        };
        let rules = rules();
        // The stored words exactly, as the document's enumeration lists them.
        for bad in [None, Some(" "), Some("stolen"), Some(" Left_In_Place ")] {
            let mut errors = Errors::default();
            parse(&condemn(bad), &rules, today(), &mut errors);
            assert_eq!(fields(errors), ["reason_code"], "{bad:?}");
        }
        let mut errors = Errors::default();
        let parsed = parse(&condemn(Some("left_in_place")), &rules, today(), &mut errors);
        assert!(errors.is_empty());
        assert!(matches!(
            parsed.command,
            Command::Condemn {
                code: Some(CondemnReason::LeftInPlace),
                ..
            }
        ));
    }

    #[test]
    fn a_type_with_one_rule_needs_no_rule_name() {
        let rules = rules();
        let mut errors = Errors::default();
        assert_eq!(pick_rule(&rules[..1], None, &mut errors).map(|r| r.id), Some(1));
        assert!(pick_rule(&rules, None, &mut errors).is_none());
        assert_eq!(fields(errors), ["rule"]);
    }
}
