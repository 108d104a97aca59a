//! On the item page: a form to record a check for each of the item's rules (for an
//! examination rule, the LOLER Schedule 1 report with defects as rows that repeat), and the
//! examinations recorded so far with their reports.

use maud::{Markup, html};

use super::exam_form::{CheckTyped, DefectTyped, ExamTyped};
use super::page::csrf_field;
use super::session::PageUser;
use crate::domain::checks::{CheckKind, is_overdue};
use crate::domain::examination::{Basis, Examiner, defect_overdue};
use crate::domain::lifecycle::Outcome;
use crate::service::examinations::CheckView;
use crate::service::today;
use crate::service::views::{CheckDueView, ItemView};
use crate::words::uk_date;

/// A check form sent back with what was typed and why it was not recorded.
pub struct Refused {
    pub typed: CheckTyped,
    pub problems: Vec<String>,
}

fn basis_words(b: Basis) -> &'static str {
    match b {
        Basis::AfterInstallation => "After installation",
        Basis::Interval6Months => "6-monthly interval",
        Basis::Interval12Months => "12-monthly interval",
        Basis::ExaminationScheme => "Examination scheme",
        Basis::ExceptionalCircumstances => "Exceptional circumstances",
    }
}

/// Where the refused form is, said at the top of the page: the form itself may be a long
/// way down a phone's screen.
pub fn refused_banner(item: &ItemView, refused: &Refused) -> Markup {
    let n = item.checks_due.iter().position(|d| d.rule == refused.typed.rule);
    html! {
        p class="error" role="alert" {
            "Not recorded: " (refused.typed.rule) " needs correcting. "
            @if let Some(n) = n { a href={ "#check-" (n) "-form" } { "Go to the form" } }
        }
    }
}

/// A form per rule; the one refused shows what was typed and why, above itself.
pub fn forms(
    user: &PageUser,
    item: &ItemView,
    examiner: Option<&Examiner>,
    refused: Option<&Refused>,
) -> Markup {
    html! {
        div id="checks" {
            @for (n, rule) in item.checks_due.iter().enumerate() {
                @let mine = refused.filter(|r| r.typed.rule == rule.rule);
                (one_form(user, item, n, rule, examiner, mine))
            }
        }
    }
}

fn one_form(
    user: &PageUser,
    item: &ItemView,
    n: usize,
    rule: &CheckDueView,
    examiner: Option<&Examiner>,
    refused: Option<&Refused>,
) -> Markup {
    let today = today().to_string();
    let typed = refused.map(|r| &r.typed);
    let performed = typed.map_or(today.as_str(), |t| t.performed_at.as_str());
    let id = |name: &str| format!("check-{n}-{name}");
    let examination = rule.kind == CheckKind::Examination;
    html! {
        section class="panel" id=(id("form")) {
            h2 { "Record: " (rule.rule) }
            @if let Some(r) = refused {
                div class="error" role="alert" {
                    "Not recorded. Please check:"
                    ul { @for p in &r.problems { li { (p) } } }
                }
            }
            form method="post" action={ "/s/" (item.asset_tag) "/checks" } {
                (csrf_field(user))
                input type="hidden" name="version" value=(item.version);
                input type="hidden" name="rule" value=(rule.rule);
                label for=(id("date")) { @if examination { "Date examined" } @else { "Date checked" } }
                input id=(id("date")) name="performed_at" type="date" value=(performed) max=(today);
                @if examination {
                    @let fresh = ExamTyped {
                        safe_working_load_kg: item.safe_working_load_kg.map(|kg| kg.to_string()).unwrap_or_default(),
                        report_date: today.clone(),
                        ..from_examiner(examiner)
                    };
                    (exam_fields(&id, typed.and_then(|t| t.exam.as_ref()).unwrap_or(&fresh), &today))
                } @else {
                    label for=(id("notes")) { "Notes (say what failed)" }
                    textarea id=(id("notes")) name="notes" { (typed.map_or("", |t| t.notes.as_str())) }
                    div class="row" {
                        button class="pass" type="submit" name="outcome" value="pass" { "Passed" }
                        button class="fail" type="submit" name="outcome" value="fail" { "Failed" }
                    }
                }
            }
        }
    }
}

/// The examination form's fields for the offline label (kept as a template the phone fills
/// in with no signal; `api::examinations::examination_form` reads them back as the page's
/// form is read). The shell is kept for days, so the dates are left to the phone's clock.
pub fn offline_exam_fields(examiner: Option<&Examiner>) -> Markup {
    let id = |name: &str| format!("offline-exam-{name}");
    exam_fields(&id, &from_examiner(examiner), "")
}

fn from_examiner(e: Option<&Examiner>) -> ExamTyped {
    let text = |s: Option<&String>| s.cloned().unwrap_or_default();
    ExamTyped {
        examiner_name: e.map(|e| e.name.clone()).unwrap_or_default(),
        examiner_qualifications: text(e.and_then(|e| e.qualifications.as_ref())),
        examiner_employer: text(e.and_then(|e| e.employer.as_ref())),
        examiner_address: text(e.and_then(|e| e.address.as_ref())),
        ..Default::default()
    }
}

fn exam_fields(id: &dyn Fn(&str) -> String, e: &ExamTyped, today: &str) -> Markup {
    let text = |name: &str, label: &str, value: &str| {
        html! {
            label for=(id(name)) { (label) }
            input id=(id(name)) name=(name) type="text" value=(value);
        }
    };
    // One blank row to fill in, after any typed ones; the button adds more.
    let blank = DefectTyped::default();
    let rows: Vec<&DefectTyped> = e.defects.iter().chain(std::iter::once(&blank)).collect();
    html! {
        input type="hidden" name="examination" value="yes";
        label for=(id("basis")) { "Basis of the examination" }
        select id=(id("basis")) name="basis" {
            option value="" { "Choose why it was made" }
            @for b in Basis::ALL {
                option value=(b.as_str()) selected[e.basis == b.as_str()] { (basis_words(b)) }
            }
        }
        label for=(id("swl")) { "Safe working load (kg)" }
        input id=(id("swl")) name="safe_working_load_kg" type="number" min="1" max="10000" inputmode="numeric"
            value=(e.safe_working_load_kg);
        fieldset class="choice" {
            legend { "Safe to operate?" }
            label { input type="radio" name="safe_to_operate" value="yes" checked[e.safe_to_operate == "yes"]; " Yes" }
            label { input type="radio" name="safe_to_operate" value="no" checked[e.safe_to_operate == "no"]; " No: quarantine it" }
        }
        label for=(id("tests")) { "Tests carried out" }
        textarea id=(id("tests")) name="tests" { (e.tests) }
        fieldset class="defects" {
            legend { "Defects found (leave blank if none)" }
            @for d in rows { (defect_row(d)) }
            button type="button" class="secondary" data-add-defect { "Add another defect" }
        }
        fieldset {
            legend { "Examiner" }
            (text("examiner_name", "Name", &e.examiner_name))
            (text("examiner_qualifications", "Qualifications", &e.examiner_qualifications))
            (text("examiner_employer", "Employer", &e.examiner_employer))
            (text("examiner_address", "Employer's address", &e.examiner_address))
        }
        label for=(id("report")) { "Report date" }
        input id=(id("report")) name="report_date" type="date" value=(e.report_date) max=[Some(today).filter(|t| !t.is_empty())];
        label for=(id("next")) { "Next examination by (optional)" }
        input id=(id("next")) name="next_examination_by" type="date" value=(e.next_examination_by);
        label class="check" {
            input type="checkbox" name="risk_of_serious_injury" value="yes" checked[e.risk_of_serious_injury];
            " A defect is a risk of serious injury (the enforcing authority must be sent the report)"
        }
        button type="submit" { "Record the examination" }
        script src="/assets/defects.js" defer {}
    }
}

/// One defect's row; every field is sent, so that rows line up when read back.
fn defect_row(d: &DefectTyped) -> Markup {
    html! {
        div class="defect" {
            label { "Part" input name="defect_part" type="text" value=(d.part); }
            label { "What is wrong" input name="defect_description" type="text" value=(d.description); }
            label {
                "Dangerous now?"
                select name="defect_dangerous" {
                    option value="no" selected[!d.dangerous] { "No: remedy by a date" }
                    option value="yes" selected[d.dangerous] { "Yes: do not use" }
                }
            }
            label { "Remedy by" input name="defect_remedy_by" type="date" value=(d.remedy_by); }
            label { "Repair needed" input name="defect_repair" type="text" value=(d.repair); }
        }
    }
}

fn kind_words(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::Examination => "thorough examination",
        CheckKind::Inspection => "inspection",
        CheckKind::TestCall => "test call",
    }
}

/// Each rule's dates, the open defects (each marked once past its date), the examinations
/// with their reports, and the item's whole record.
pub fn dates(item: &ItemView, checks: &[CheckView]) -> Markup {
    let today = today();
    html! {
    h2 { "Checks" }
    table {
        thead { tr { th { "Check" } th { "Last" } th { "Next due" } } }
        tbody {
            @for d in &item.checks_due {
                tr {
                    td {
                        (d.rule) br;
                        span class="muted" {
                            "every " (d.interval_days) " days"
                            @if d.rule != kind_words(d.kind) { ", " (kind_words(d.kind)) }
                        }
                    }
                    td { (d.last_checked_at.map_or("—".to_string(), uk_date)) }
                    td {
                        @if let Some(next) = d.next_due {
                            @if is_overdue(next, today) {
                                span class="overdue" { (uk_date(next)) " (overdue)" }
                            } @else {
                                (uk_date(next))
                            }
                        } @else {
                            "—"
                        }
                    }
                }
            }
        }
    }
    @if !item.open_defects.is_empty() {
        h2 { "Open defects" }
        table {
            thead { tr { th { "Part" } th { "Defect" } th { "Remedy by" } } }
            tbody {
                @for d in &item.open_defects {
                    tr {
                        td { (d.part) }
                        td {
                            (d.description)
                            @if d.dangerous { br; strong { "Dangerous" } }
                            @if let Some(repair) = &d.repair { br; span class="muted" { (repair) } }
                        }
                        td {
                            @if let Some(by) = d.remedy_by {
                                @if defect_overdue(Some(by), today) {
                                    span class="overdue" { (uk_date(by)) " (overdue: do not use)" }
                                } @else {
                                    (uk_date(by))
                                }
                            } @else {
                                "—"
                            }
                        }
                    }
                }
            }
        }
    }
        (evidence(item, checks))
    }
}

/// The examinations recorded on the item, each with its report, and the whole record.
fn evidence(item: &ItemView, checks: &[CheckView]) -> Markup {
    let exams: Vec<&CheckView> = checks.iter().filter(|c| c.examination.is_some()).rev().collect();
    html! {
        @if !exams.is_empty() {
            h2 { "Examinations" }
            ul class="evidence" {
                @for c in exams {
                    li {
                        (uk_date(c.performed_at)) ", " (c.rule) ": "
                        @match (c.outcome, c.defects.iter().any(|d| d.remedied_on.is_none())) {
                            (Outcome::Fail, _) => { strong class="overdue" { "failed" } }
                            (Outcome::Pass, true) => { "passed, with an open defect" }
                            (Outcome::Pass, false) => { "passed" }
                        }
                        @if let Some(e) = &c.examination { ", by " (e.examiner.name) }
                        " · " a href={ "/api/v1/checks/" (c.id) "/report.pdf" } { "Report (PDF)" }
                    }
                }
            }
        }
        p { a href={ "/api/v1/items/" (item.asset_tag) "/record.pdf" } { "The item's whole record (PDF)" } }
    }
}
