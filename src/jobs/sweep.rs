//! The reminder sweep: a plain function of the database and a date, so tests and
//! `equiptrack reminders run --as-of` control the day.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::failed_mail;
use crate::config::Settings;
use crate::db::Db;
use crate::db::due::{self, DueRow};
use crate::db::examinations::{self, DefectDue};
use crate::db::lease::Lease;
use crate::db::sweeps::{self, Finished};
use crate::domain::checks::{Reminder, days_overdue, due_soon_until};
use crate::domain::lifecycle::Status;
use crate::domain::states::SweepOutcome;
use crate::error::AppError;
use crate::mail::messages::{self, Letterhead};
use crate::mail::render::{DueLine, Rendered};
use crate::service::{notify, now};

/// Fixed key of the advisory lock that lets one instance sweep at a time.
const SWEEP_LEASE: i64 = 0x6571_7377_6565;

/// Read only in builds with the `fault-injection` feature (the tests'): abort the process
/// after queuing this many digests, to show that a sweep killed half way and run again
/// sends every digest once.
#[cfg(feature = "fault-injection")]
pub const FAULT_ABORT_AFTER_DIGESTS: &str = "EQUIPTRACK_FAULT_ABORT_AFTER_DIGESTS";

#[derive(Debug, Default, Clone, Serialize)]
pub struct SweepSummary {
    pub as_of: Option<NaiveDate>,
    /// Checks overdue or due within the lead time.
    pub due_checks: usize,
    /// Digests this sweep found to send (the failed-mail list for stores among them).
    pub digests: usize,
    /// Of those, newly queued (the rest were queued by an earlier run that day).
    pub queued: usize,
    /// True when another instance held the sweep and this one did nothing.
    pub skipped: bool,
    /// Its row in the record of sweeps.
    pub sweep_id: Option<i64>,
}

/// One email the sweep owes.
pub struct Planned {
    pub key: String,
    pub category: &'static str,
    pub recipient: String,
    /// With the clients it names.
    pub mail: Rendered,
}

/// One sweep for `as_of`, recorded in `sweeps` from start to end (a sweep that dies half
/// way stays `running`).
pub fn sweep(db: &Db, settings: &Settings, as_of: NaiveDate) -> Result<SweepSummary, AppError> {
    let id = db.write(|c| Ok(sweeps::start(c, as_of, now())?))?;
    let mut summary = SweepSummary {
        as_of: Some(as_of),
        sweep_id: Some(id),
        ..Default::default()
    };
    let result = run(db, settings, as_of, &mut summary);
    let error = result.as_ref().err().map(ToString::to_string);
    let end = Finished {
        outcome: match (&result, summary.skipped) {
            (Err(_), _) => SweepOutcome::Failed,
            (Ok(()), true) => SweepOutcome::Skipped,
            (Ok(()), false) => SweepOutcome::Ok,
        },
        due_checks: summary.due_checks,
        digests: summary.digests,
        queued: summary.queued,
        error: error.as_deref(),
    };
    // What was queued stays queued whatever happens here; a lost record only means a
    // harmless second sweep that day.
    if let Err(e) = db.write(|c| Ok(sweeps::finish(c, id, now(), &end)?)) {
        tracing::error!(sweep = id, "cannot record the end of the sweep: {e}");
    }
    log_end(id, as_of, &end);
    result.map(|()| summary)
}

/// Counts and ids only: the digests name clients, their homes and the workers.
fn log_end(id: i64, as_of: NaiveDate, end: &Finished) {
    let error = end.error.map(crate::telemetry::without_addresses);
    macro_rules! log_at {
        ($level:ident) => {
            tracing::$level!(
                sweep = id,
                as_of = %as_of,
                outcome = %end.outcome,
                due_checks = end.due_checks,
                digests = end.digests,
                queued = end.queued,
                error,
                "reminder sweep"
            )
        };
    }
    if end.outcome == SweepOutcome::Failed {
        log_at!(error)
    } else {
        log_at!(info)
    }
}

/// The sweep itself; `summary` counts as it goes, so a failure records how far it got.
fn run(db: &Db, settings: &Settings, as_of: NaiveDate, summary: &mut SweepSummary) -> Result<(), AppError> {
    let Some(_lease) = Lease::try_take(db, SWEEP_LEASE)? else {
        tracing::info!("another instance is sweeping; this one stands aside");
        summary.skipped = true;
        return Ok(());
    };
    let lead = settings.reminders.lead_days;
    let defects_horizon = due_soon_until(as_of, lead);
    let (rows, defects, failed_mail) = db.read(|c| {
        Ok((
            due::reminded(c, as_of, lead)?,
            examinations::to_remedy_by(c, defects_horizon)?,
            failed_mail::plan(c, as_of, settings)?,
        ))
    })?;
    summary.due_checks = rows.len();
    let mut planned = plan(rows, defects, as_of, settings);
    planned.extend(failed_mail);
    summary.digests = planned.len();
    // One transaction per digest: a crash keeps what was queued, and the keys make the
    // next run skip it.
    for (_n, p) in planned.iter().enumerate() {
        let mail = p.mail.clone();
        if db.write(|c| notify::queue_about(c, &p.key, p.category, &p.recipient, mail, &p.mail.clients))? {
            summary.queued += 1;
        }
        #[cfg(feature = "fault-injection")]
        abort_if_asked(_n + 1);
    }
    Ok(())
}

/// Aborts the process once `queued` digests are queued, if the tests asked for it.
#[cfg(feature = "fault-injection")]
fn abort_if_asked(queued: usize) {
    let asked = std::env::var(FAULT_ABORT_AFTER_DIGESTS)
        .ok()
        .and_then(|v| v.parse().ok());
    if asked == Some(queued) {
        tracing::error!("{FAULT_ABORT_AFTER_DIGESTS} reached: aborting as asked");
        std::process::abort();
    }
}

struct WorkerDigest {
    name: String,
    email: String,
    overdue: Vec<DueLine>,
    soon: Vec<DueLine>,
}

/// Where stock that needs a check stands, for the stores digest.
fn stock_note(status: Status, location: Option<&str>, at_client: bool) -> String {
    let store = location.map(|l| format!(" ({l})")).unwrap_or_default();
    match status {
        Status::Quarantined if at_client => "quarantined in the client's home: collect it".to_string(),
        Status::Quarantined => format!("quarantined in store{store}"),
        Status::AwaitingDecontamination => format!("awaiting decontamination{store}"),
        Status::Issued | Status::InUse if at_client => "in the client's home".to_string(),
        _ => format!("in store{store}"),
    }
}

/// An open defect to remedy, as a line of the stores digest.
fn defect_line(d: DefectDue) -> DueLine {
    DueLine {
        note: Some(stock_note(d.status, d.location.as_deref(), d.client_id.is_some())),
        asset_tag: d.asset_tag,
        type_name: d.type_name,
        rule: format!("defect to remedy: {}: {}", d.part, d.description),
        due: d.remedy_by,
        client_name: d.client_name.unwrap_or_default(),
        address: d.address.unwrap_or_default(),
        postcode: d.postcode.unwrap_or_default(),
        client_id: d.client_id,
        last_test_call: None,
    }
}

/// Sorts the due checks into one digest per responsible worker and one for stores: items
/// in use in homes go to their worker (stores when none is active, and again once
/// overdue too long); stock, and anything quarantined, goes to stores, since it cannot go
/// out until checked; and so do open defects due to be remedied within the lead time.
pub fn plan(
    rows: Vec<(DueRow, Reminder)>,
    defects: Vec<DefectDue>,
    as_of: NaiveDate,
    settings: &Settings,
) -> Vec<Planned> {
    let escalate_after = i64::from(settings.reminders.escalate_after_days);
    let mut workers: BTreeMap<i64, WorkerDigest> = BTreeMap::new();
    let mut escalated = Vec::new();
    let mut unassigned = Vec::new();
    let mut stock = Vec::new();
    for (row, reminder) in rows {
        let at_home = row.in_use_at_home();
        let note =
            (!at_home).then(|| stock_note(row.status, row.location.as_deref(), row.client_id.is_some()));
        let line = DueLine {
            last_test_call: row.last_test_call(),
            asset_tag: row.asset_tag,
            type_name: row.type_name,
            rule: row.rule,
            due: row.due,
            client_name: row.client_name.unwrap_or_default(),
            address: row.address.unwrap_or_default(),
            postcode: row.postcode.unwrap_or_default(),
            client_id: row.client_id,
            note,
        };
        if !at_home {
            stock.push(line);
            continue;
        }
        let overdue = reminder == Reminder::Overdue;
        let worker = match (row.worker_id, row.worker_email, row.worker_active) {
            (Some(id), Some(email), Some(true)) => Some((id, email, row.worker_name.unwrap_or_default())),
            _ => None,
        };
        let Some((id, email, name)) = worker else {
            unassigned.push(line);
            continue;
        };
        if days_overdue(line.due, as_of) > escalate_after {
            escalated.push(line.clone());
        }
        let digest = workers.entry(id).or_insert_with(|| WorkerDigest {
            name,
            email,
            overdue: vec![],
            soon: vec![],
        });
        if overdue {
            digest.overdue.push(line)
        } else {
            digest.soon.push(line)
        }
    }

    let from = Letterhead {
        public_url: settings.public_url(),
        service_name: &settings.service.name,
    };
    let mut planned: Vec<Planned> = workers
        .into_values()
        .map(|w| Planned {
            key: format!("digest:{as_of}:{}", w.email.to_lowercase()),
            category: "digest",
            mail: messages::worker_digest(
                &w.name,
                w.overdue,
                w.soon,
                settings.reminders.lead_days,
                as_of,
                from,
            ),
            recipient: w.email,
        })
        .collect();
    let defects: Vec<DueLine> = defects.into_iter().map(defect_line).collect();
    if !escalated.is_empty() || !unassigned.is_empty() || !stock.is_empty() || !defects.is_empty() {
        let stores = &settings.mail.stores_address;
        planned.push(Planned {
            key: format!("stores-digest:{as_of}:{}", stores.to_lowercase()),
            category: "stores_digest",
            recipient: stores.clone(),
            mail: messages::stores_digest(
                escalate_after,
                messages::StoresLines {
                    escalated,
                    unassigned,
                    stock,
                    defects,
                },
                as_of,
                from,
            ),
        });
    }
    planned
}
