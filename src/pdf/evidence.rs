//! The words of the evidence PDFs: the LOLER Schedule 1 report of one thorough examination,
//! and an item's whole record. The data comes from `service::evidence`, read in one
//! transaction; nothing here reads the database.

use chrono::{DateTime, NaiveDate, Utc};

use super::document::Document;
use crate::config::ServiceSettings;
use crate::db::examinations::DefectRow;
use crate::domain::examination::{Basis, Examiner};
use crate::domain::lifecycle::{Outcome, Status};
use crate::service::evidence::{Premises, Record, Report};
use crate::service::examinations::{CheckView, ExaminationView};
use crate::words::uk_date;

/// The report of a thorough examination with every particular Schedule 1 asks for.
pub fn report_pdf(report: &Report, service: &ServiceSettings) -> Vec<u8> {
    let check = &report.check;
    let eq = &report.equipment;
    let mut doc = Document::new("Report of thorough examination");
    doc.subtitle("Lifting Operations and Lifting Equipment Regulations 1998, regulation 9 and Schedule 1");
    doc.subtitle(&format!("Check {} of {}", check.id, eq.asset_tag));

    doc.heading("Employer and premises");
    doc.field("Employer", &service.name);
    doc.field("Employer's address", or_blank(&service.address, "not recorded"));
    let premises = match &report.premises {
        Premises::Home { address, postcode } => format!("{address}, {postcode} (the client's home)"),
        Premises::Store(name) => format!("{name} (store)"),
        Premises::Unknown => "not recorded".into(),
    };
    doc.field("Premises", &premises);

    doc.heading("Equipment");
    doc.field("Type", &eq.type_name);
    doc.field("Manufacturer (make)", opt(&eq.manufacturer));
    doc.field("Model", opt(&eq.model));
    doc.field("Serial number", opt(&eq.serial_number));
    doc.field("Asset tag", &eq.asset_tag);
    doc.field("Date of manufacture", &opt_date(eq.manufactured_on));
    doc.field("Safe working load", &load(eq.safe_working_load_kg));

    if let Some(exam) = &check.examination {
        examination(&mut doc, check, exam);
    }
    doc.heading("Defects");
    if check.defects.is_empty() {
        doc.paragraph("No defect was found.");
    }
    for (i, d) in check.defects.iter().enumerate() {
        defect(&mut doc, i + 1, d);
    }
    if let Some(exam) = &check.examination {
        doc.heading("Examiner and report");
        examiner(&mut doc, &exam.examiner);
        doc.field("Date of report", &uk_date(exam.report_date));
        doc.field(
            "Next thorough examination by",
            &opt_date(exam.next_examination_by),
        );
    }
    doc.finish()
}

fn examination(doc: &mut Document, check: &CheckView, exam: &ExaminationView) {
    doc.heading("Examination");
    doc.field("Check rule", &check.rule);
    doc.field("Date of examination", &uk_date(check.performed_at));
    doc.field("Basis of examination", basis(exam.basis));
    doc.field("Safe working load as examined", &load(exam.safe_working_load_kg));
    doc.field("Safe to operate", yes_no(exam.safe_to_operate));
    doc.field("Tests carried out", opt(&exam.tests));
    doc.field(
        "Risk of serious personal injury",
        if exam.risk_of_serious_injury {
            "Yes: a copy of this report must go to the enforcing authority (regulation 10)"
        } else {
            "No"
        },
    );
    doc.field("Outcome", outcome(check.outcome));
    doc.field("Recorded by", &check.performed_by);
    if let Some(notes) = own_note(check) {
        doc.field("Notes", notes);
    }
}

fn examiner(doc: &mut Document, e: &Examiner) {
    doc.field("Examiner", &e.name);
    doc.field("Qualifications", opt(&e.qualifications));
    doc.field("Examiner's employer", opt(&e.employer));
    doc.field("Examiner's address", opt(&e.address));
}

fn defect(doc: &mut Document, n: usize, d: &DefectRow) {
    doc.subheading(&format!("Defect {n}"));
    doc.field("Part", &d.part);
    doc.field("Description", &d.description);
    doc.field(
        "Dangerous",
        if d.dangerous {
            "Yes: a danger to persons now"
        } else {
            "No: to be remedied by the date below"
        },
    );
    if !d.dangerous || d.remedy_by.is_some() {
        doc.field("Remedy by", &opt_date(d.remedy_by));
    }
    doc.field("Repair, renewal or alteration", opt(&d.repair));
    doc.field("Remedied", &remedied(d));
}

/// Everything held about one item, for an inspector or an inquiry.
pub fn record_pdf(record: &Record, service: &ServiceSettings) -> Vec<u8> {
    let item = &record.item;
    let mut doc = Document::new(&format!("Equipment record: {}", item.asset_tag));
    doc.subtitle(&format!("{}, as held on {}", service.name, date_time(record.at)));

    doc.heading("Identity");
    doc.field("Asset tag", &item.asset_tag);
    doc.field(
        "Type",
        &format!(
            "{} ({}, {})",
            item.type_.name, item.type_.code, item.type_.category
        ),
    );
    doc.field("Manufacturer (make)", opt(&record.manufacturer));
    doc.field("Model", opt(&record.model));
    doc.field("Serial number", opt(&item.serial_number));
    doc.field("Batch", opt(&item.batch));
    doc.field("Status", &status(item.status));
    if let Some(l) = &item.location {
        doc.field("Store", &l.name);
    }
    if let Some(c) = &item.client {
        doc.field("With client", &format!("reference {}", c.reference));
    }
    if let Some(w) = &item.worker {
        doc.field("Responsible worker", &w.name);
    }
    doc.field("Date of manufacture", &opt_date(item.manufactured_on));
    doc.field("Safe working load", &load(item.safe_working_load_kg));
    doc.field("First fitted", &opt_date(item.first_fitted_at));
    doc.field("Under an open recall", yes_no(item.under_open_recall));
    if let Some(code) = item.condemn_reason_code {
        doc.field("Condemned", &words(code.as_str()));
    }

    doc.heading("Check rules and dates");
    for due in &item.checks_due {
        doc.field(
            &due.rule,
            &format!(
                "{}, every {} days; last {}; next due {}",
                words(due.kind.as_str()),
                due.interval_days,
                opt_date(due.last_checked_at),
                opt_date(due.next_due)
            ),
        );
    }

    doc.heading("Checks");
    if record.checks.is_empty() {
        doc.paragraph("No check has been recorded.");
    }
    for check in &record.checks {
        record_check(&mut doc, check);
    }

    doc.heading("Open defects");
    if item.open_defects.is_empty() {
        doc.paragraph("None.");
    }
    for d in &item.open_defects {
        doc.field(&d.part, &defect_line(d));
    }

    doc.heading("Decontaminations");
    if record.decontaminations.is_empty() {
        doc.paragraph("None recorded.");
    }
    for c in &record.decontaminations {
        let mut line = format!("{}, by {}", c.method, c.performed_by);
        let said = format!("method: {}", c.method);
        push_note(&mut line, c.notes.as_deref().and_then(|n| after(n, &said)));
        doc.field(&date_time(c.performed_at.and_utc()), &line);
    }

    doc.heading("Recalls");
    if record.recalls.is_empty() {
        doc.paragraph("No recall has named this item.");
    }
    for r in &record.recalls {
        let mut line = format!(
            "{} (opened {}); for this item: {}",
            r.recall.title,
            uk_date(r.recall.opened_at.date()),
            r.on_item.state.as_str()
        );
        if let Some(at) = r.on_item.resolved_at {
            line.push_str(&format!(" on {}", uk_date(at.date())));
        }
        push_note(&mut line, r.on_item.notes.as_deref());
        doc.field(&r.recall.reference, &line);
    }

    doc.heading("History");
    for e in &record.history {
        let mut line = words(&e.action);
        if let (Some(from), Some(to)) = (e.from_status, e.to_status) {
            if from != to {
                line.push_str(&format!(" ({} to {})", status(from), status(to)));
            }
        }
        if let Some(who) = &e.staff_name {
            line.push_str(&format!(", by {who}"));
        }
        push_note(&mut line, e.notes.as_deref());
        doc.field(&date_time(e.occurred_at), &line);
    }
    doc.finish()
}

fn record_check(doc: &mut Document, check: &CheckView) {
    doc.subheading(&format!(
        "{}: {}, {}",
        uk_date(check.performed_at),
        check.rule,
        check.outcome.as_str()
    ));
    doc.field("Check", &format!("{} (id {})", check.rule, check.id));
    doc.field("Performed by", &check.performed_by);
    doc.field("Recorded", &date_time(check.recorded_at));
    if let Some(notes) = own_note(check) {
        doc.field("Notes", notes);
    }
    if let Some(exam) = &check.examination {
        doc.field("Basis", basis(exam.basis));
        doc.field("Safe to operate", yes_no(exam.safe_to_operate));
        doc.field("Safe working load", &load(exam.safe_working_load_kg));
        doc.field("Tests carried out", opt(&exam.tests));
        let e = &exam.examiner;
        let who: Vec<&str> = [
            Some(e.name.as_str()),
            e.qualifications.as_deref(),
            e.employer.as_deref(),
            e.address.as_deref(),
        ]
        .into_iter()
        .flatten()
        .collect();
        doc.field("Examiner", &who.join(", "));
        doc.field("Report date", &uk_date(exam.report_date));
        doc.field("Next examination by", &opt_date(exam.next_examination_by));
        doc.field("Risk of serious injury", yes_no(exam.risk_of_serious_injury));
    }
    for (i, d) in check.defects.iter().enumerate() {
        doc.field(&format!("Defect {}: {}", i + 1, d.part), &defect_line(d));
    }
}

/// What the person who recorded the check wrote: its stored note opens with the rule and
/// the outcome (`inspection: pass. …`), which the lines around it already say.
fn own_note(check: &CheckView) -> Option<&str> {
    let said = format!("{}: {}", check.rule, check.outcome.as_str());
    after(check.notes.as_deref()?, &said)
}

/// A stored note without the words its move put first.
fn after<'a>(note: &'a str, said: &str) -> Option<&'a str> {
    let rest = match note.strip_prefix(said) {
        Some(rest) => rest.strip_prefix('.').unwrap_or(rest),
        None => note,
    };
    Some(rest.trim()).filter(|r| !r.is_empty())
}

fn defect_line(d: &DefectRow) -> String {
    let mut line = d.description.clone();
    line.push_str(if d.dangerous {
        ". Dangerous"
    } else {
        ". Not yet dangerous"
    });
    if let Some(by) = d.remedy_by {
        line.push_str(&format!("; remedy by {}", uk_date(by)));
    }
    if let Some(repair) = &d.repair {
        line.push_str(&format!(". Repair: {repair}"));
    }
    line.push_str(&format!(". {}", remedied(d)));
    line
}

fn remedied(d: &DefectRow) -> String {
    match d.remedied_on {
        Some(on) => {
            let mut line = format!("Remedied on {}", uk_date(on));
            push_note(&mut line, d.remedy_notes.as_deref());
            line
        }
        None => "Open: not yet remedied".into(),
    }
}

fn push_note(line: &mut String, note: Option<&str>) {
    if let Some(n) = note.filter(|n| !n.trim().is_empty()) {
        line.push_str(": ");
        line.push_str(n);
    }
}

/// Schedule 1, paragraph 6, in its own words.
fn basis(b: Basis) -> &'static str {
    match b {
        Basis::AfterInstallation => "After installation or assembly, before first use",
        Basis::Interval6Months => "Within an interval of 6 months",
        Basis::Interval12Months => "Within an interval of 12 months",
        Basis::ExaminationScheme => "In accordance with an examination scheme",
        Basis::ExceptionalCircumstances => "After exceptional circumstances",
    }
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "Pass",
        Outcome::Fail => "Fail: not safe to operate, or a dangerous defect (the item is quarantined)",
    }
}

fn status(s: Status) -> String {
    words(s.as_str())
}

/// A stored word (`in_use`, `check_passed`) as people write it.
fn words(stored: &str) -> String {
    stored.replace('_', " ")
}

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

fn load(kg: Option<i32>) -> String {
    kg.map_or_else(|| "not recorded".into(), |kg| format!("{kg} kg"))
}

fn opt(text: &Option<String>) -> &str {
    or_blank(text.as_deref().unwrap_or(""), "not recorded")
}

fn or_blank<'a>(text: &'a str, blank: &'a str) -> &'a str {
    if text.trim().is_empty() { blank } else { text }
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "not set".into(), uk_date)
}

fn date_time(at: DateTime<Utc>) -> String {
    format!("{} {}", uk_date(at.date_naive()), at.format("%H:%M UTC"))
}
