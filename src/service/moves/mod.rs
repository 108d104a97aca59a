//! The lifecycle moves: each checks role, version and status, then changes the item and
//! writes its history entry in the caller's one transaction.

mod bodies;
mod centre;
mod command;
mod examination;
mod handover;

pub use bodies::{
    CheckBody, CondemnBody, DecontaminateBody, DefectBody, ExaminationBody, ExaminerBody, FitBody,
    HandoverBody, IssueBody, MoveRequest, ReasonBody, ReturnBody,
};
pub use centre::{CentreCheck, CentrePass, record_centre_check, record_centre_passes};

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::clients::receiving_refused;
use super::clock::{self, Passed};
use super::items::{check_version, check_worker, row_by_tag, stale};
use super::notify::{self, MailContext};
use super::views::{self, ItemView};
use super::{Actor, now, today};
use crate::db::checks::{self, NewCheck};
use crate::db::decontaminations::{self, NewDecontamination};
use crate::db::events::{self, NewEvent};
use crate::db::items::{self, CheckDue, Item, ItemChanges};
use crate::db::types::{self, CheckRule, EquipmentType};
use crate::db::{DbConn, clients};
use crate::db::{examinations, handovers};
use crate::domain::checks::{OverdueRefusal, latest_check, overdue_on};
use crate::domain::examination::ExaminationReport;
use crate::domain::handover::Handover;
use crate::domain::lifecycle::{CondemnReason, ItemState, Move, Outcome, Status};
use crate::domain::roles::Action;
use crate::domain::validate::Errors;
use crate::error::AppError;
use crate::mail::messages::{self, FailedCheck};
use command::{Command, Parsed};

/// Everything a move needs to know about the item, read once.
pub struct Loaded {
    pub item: Item,
    pub equipment_type: EquipmentType,
    pub rules: Vec<CheckRule>,
    /// Each rule's dates as the item holds them now.
    pub dues: Vec<CheckDue>,
    pub state: ItemState,
}

pub fn load(conn: &mut DbConn, tag: &str) -> Result<Loaded, AppError> {
    let item = row_by_tag(conn, tag)?;
    let equipment_type = types::get(conn, item.type_id)?;
    let rules = types::rules_of(conn, equipment_type.id)?;
    let dues = items::dues_of(conn, item.id)?;
    let recalled = items::is_under_open_recall(conn, item.id)?;
    Ok(Loaded::of(item, equipment_type, rules, dues, recalled))
}

impl Loaded {
    /// The item with what was read about it, and the state its moves are judged by.
    fn of(
        item: Item,
        equipment_type: EquipmentType,
        rules: Vec<CheckRule>,
        dues: Vec<CheckDue>,
        recalled: bool,
    ) -> Self {
        let state = ItemState {
            status: item.status,
            at_client: item.client_id.is_some(),
            fitted: item.fitted_at.is_some(),
            under_open_recall: recalled,
            requires_decontamination: equipment_type.requires_decontamination,
        };
        Self {
            item,
            equipment_type,
            rules,
            dues,
            state,
        }
    }
}

/// Many items read as `load` reads one, a few queries in all (a monitoring centre's import
/// visits thousands): answers them in no particular order.
pub fn load_many(conn: &mut DbConn, ids: &[i64]) -> Result<Vec<Loaded>, AppError> {
    let found = items::get_many(conn, ids)?;
    let mut type_ids: Vec<i64> = found.iter().map(|i| i.type_id).collect();
    type_ids.sort_unstable();
    type_ids.dedup();
    let mut types_by_id = HashMap::new();
    for id in &type_ids {
        types_by_id.insert(*id, types::get(conn, *id)?);
    }
    // In `rules_of`'s order within each type.
    let mut rules_by_type: HashMap<i64, Vec<CheckRule>> = HashMap::new();
    for rule in types::rules_for(conn, &type_ids)? {
        rules_by_type.entry(rule.type_id).or_default().push(rule);
    }
    let mut dues_by_item: HashMap<i64, Vec<CheckDue>> = HashMap::new();
    for due in items::dues_for(conn, ids)? {
        dues_by_item.entry(due.item_id).or_default().push(due);
    }
    let recalled: HashSet<i64> = items::under_open_recall(conn, ids)?.into_iter().collect();
    Ok(found
        .into_iter()
        .map(|item| {
            let equipment_type = types_by_id[&item.type_id].clone();
            let rules = rules_by_type.get(&item.type_id).cloned().unwrap_or_default();
            let dues = dues_by_item.remove(&item.id).unwrap_or_default();
            let recalled = recalled.contains(&item.id);
            Loaded::of(item, equipment_type, rules, dues, recalled)
        })
        .collect())
}

/// What a move will write besides the item's own columns.
#[derive(Default)]
struct Effects {
    changes: ItemChanges,
    event_action: &'static str,
    event_client: Option<i64>,
    notes: Option<String>,
    /// Whose visit the notes belong to: erasing that client blanks them.
    note_owner: Option<i64>,
    set_dues: Vec<CheckDue>,
    clear_dues: bool,
    check: Option<(i64, Outcome, NaiveDate)>,
    examination: Option<ExaminationReport>,
    decontamination: Option<String>,
    /// Who received the item or handed it over; it belongs to the event's client.
    handover: Option<Handover>,
    /// The item goes out (issue, fit) on this day: no check may be overdue then.
    goes_out_on: Option<NaiveDate>,
}

pub fn perform(
    conn: &mut DbConn,
    actor: &Actor,
    tag: &str,
    request: &MoveRequest,
    mail: &MailContext,
) -> Result<ItemView, AppError> {
    run(conn, actor, tag, request, request.expected_version(), mail)
}

/// One member's part of a kit's move (`service::kits`), in the kit's transaction, by the
/// same rules as any item's move: the request's `expected_version` is the kit's, checked
/// by the kit, so each member's own version is not compared.
pub fn perform_as_member(
    conn: &mut DbConn,
    actor: &Actor,
    tag: &str,
    request: &MoveRequest,
    mail: &MailContext,
) -> Result<ItemView, AppError> {
    run(conn, actor, tag, request, None, mail)
}

fn run(
    conn: &mut DbConn,
    actor: &Actor,
    tag: &str,
    request: &MoveRequest,
    expected_version: Option<i64>,
    mail: &MailContext,
) -> Result<ItemView, AppError> {
    let mv = request.the_move();
    actor.require(Action::Move(mv))?;
    let loaded = load(conn, tag)?;
    check_version(&loaded.item, expected_version)?;
    let mut errors = Errors::default();
    let parsed = command::parse(request, &loaded.rules, today(), &mut errors);
    let effects = plan(conn, actor, &loaded, mv, parsed, &mut errors)?;
    errors.finish()?;
    let outcome = effects.check.map(|c| c.1).unwrap_or(Outcome::Pass);
    let to = loaded.state.require(mv, outcome)?;
    if let Some(day) = effects.goes_out_on {
        refuse_if_overdue(&loaded, mv, day)?;
    }
    if let Some((rule_id, Outcome::Fail, performed_at)) = effects.check {
        let failed = FailedCheckOf {
            rule_id,
            performed_at,
            notes: effects.notes.as_deref(),
            examination: effects.examination.as_ref(),
        };
        tell_stores_of_failed_check(conn, actor, &loaded, failed, mail)?;
    }
    apply(conn, actor, &loaded, to, effects)?;
    views::by_id(conn, loaded.item.id, &mail.public_url)
}

/// What the parsed move writes, after the lookups it needs (clients, workers, the dates
/// each rule has so far).
fn plan(
    conn: &mut DbConn,
    actor: &Actor,
    loaded: &Loaded,
    mv: Move,
    parsed: Parsed<'_>,
    errors: &mut Errors,
) -> Result<Effects, AppError> {
    let item = &loaded.item;
    let mut fx = Effects {
        notes: parsed.notes,
        ..Effects::default()
    };
    match parsed.command {
        Command::Issue { client_id, worker_id } => {
            fx.event_action = "issued";
            let client = require_client(conn, client_id, "client_id", errors)?;
            match worker_id {
                Some(id) => check_worker(conn, id, "worker_id", errors)?,
                None => errors.add("worker_id", "is required"),
            }
            fx.changes.client_id = Some(client);
            fx.changes.worker_id = Some(worker_id);
            fx.event_client = client;
            fx.goes_out_on = Some(today());
        }
        Command::Fit {
            client_id,
            fitted_at,
            handover,
        } => {
            fx.event_action = "fitted";
            let client = match client_id {
                Some(id) => require_client(conn, Some(id), "client_id", errors)?,
                None if item.client_id.is_some() => item.client_id,
                None => require_client(conn, None, "client_id", errors)?,
            };
            fx.changes.client_id = Some(client);
            fx.changes.fitted_at = Some(Some(fitted_at));
            if item.worker_id.is_none() {
                // Whoever fits an unassigned item answers for its checks until stores reassign it.
                fx.changes.worker_id = Some(Some(actor.id));
            }
            fx.event_client = client;
            fx.handover = handover;
            fx.goes_out_on = Some(fitted_at);
            // The first fit starts the clock of every rule not yet checked; a later fit
            // changes no date.
            if item.first_fitted_at.is_none() {
                fx.changes.first_fitted_at = Some(Some(fitted_at));
            }
            run_clock(loaded, item.first_fitted_at.or(Some(fitted_at)), None, &mut fx);
        }
        Command::Check {
            check,
            performed_at,
            examination,
        } => {
            let registered = item.created_at.date();
            if performed_at < registered {
                errors.add(
                    "performed_at",
                    format!("must not be before the item was registered ({registered})"),
                );
            }
            fx.event_client = item.client_id;
            if let Some((rule, outcome)) = check {
                fx.event_action = if outcome == Outcome::Pass {
                    "check_passed"
                } else {
                    "check_failed"
                };
                fx.check = Some((rule.id, outcome, performed_at));
                fx.examination = examination;
                let said = format!("{}: {}", rule.name, outcome.as_str());
                fx.notes = Some(match fx.notes.take() {
                    Some(n) => format!("{said}. {n}"),
                    None => said,
                });
                if outcome == Outcome::Pass {
                    let passed = Passed {
                        rule_id: rule.id,
                        performed_at,
                        next_by: fx.examination.as_ref().and_then(|e| e.next_examination_by),
                    };
                    run_clock(loaded, item.first_fitted_at, Some(passed), &mut fx);
                    fx.changes.last_checked_at = Some(Some(latest_check(item.last_checked_at, performed_at)));
                }
            }
        }
        Command::Return { handover } => {
            fx.event_action = "returned";
            fx.event_client = item.client_id;
            if handover.is_some() && item.client_id.is_none() {
                errors.add(
                    "handover",
                    "only a collection from a client records a hand-over: this item is with no client",
                );
            }
            fx.handover = handover;
            leave_home(&mut fx);
        }
        Command::Decontaminate { method } => {
            fx.event_action = "decontaminated";
            fx.notes = Some(match fx.notes.take() {
                Some(n) => format!("method: {method}. {n}"),
                None => format!("method: {method}"),
            });
            fx.decontamination = Some(method);
        }
        Command::Reason { reason } => {
            fx.notes = Some(reason);
            fx.event_client = item.client_id;
            fx.event_action = if mv == Move::Quarantine {
                "quarantined"
            } else {
                "released"
            };
        }
        Command::Condemn { code, reason } => {
            fx.event_action = "condemned";
            fx.event_client = item.client_id;
            fx.notes = Some(match code {
                Some(code) => format!("{code}: {reason}"),
                None => reason,
            });
            condemned(code, &mut fx);
        }
    }
    fx.note_owner = if fx.decontamination.is_some() {
        // Cleaning follows a collection: what it finds is about the client it came back from.
        events::last_client_of_item(conn, item.id)?
    } else {
        fx.event_client
    };
    Ok(fx)
}

/// Every rule's dates from the item's record (`service::clock`, the one place they are
/// computed), and the item's next check the soonest of them.
fn run_clock(loaded: &Loaded, first_fit: Option<NaiveDate>, passed: Option<Passed>, fx: &mut Effects) {
    let clock = clock::run(loaded.item.id, &loaded.rules, &loaded.dues, first_fit, passed);
    fx.set_dues = clock.dues;
    fx.changes.next_check_due = Some(clock.next_check_due);
}

/// Nothing goes out (issue, fit) with a check overdue on the day it goes.
fn refuse_if_overdue(loaded: &Loaded, mv: Move, day: NaiveDate) -> Result<(), AppError> {
    let dues = loaded.rules.iter().map(|r| {
        let due = loaded.dues.iter().find(|d| d.rule_id == r.id);
        (r.name.as_str(), due.and_then(|d| d.next_due))
    });
    let overdue = overdue_on(dues, day);
    if overdue.is_empty() {
        Ok(())
    } else {
        Err(OverdueRefusal {
            attempted: mv,
            overdue,
        }
        .into())
    }
}

/// The item is back in the store's hands: no client, no worker, not fitted. Its checks
/// keep their dates: the clock belongs to the item.
fn leave_home(fx: &mut Effects) {
    fx.changes.client_id = Some(None);
    fx.changes.worker_id = Some(None);
    fx.changes.fitted_at = Some(None);
}

/// Condemning ends the clock and anyone's responsibility for checks; an item condemned in
/// a home stays with that client (lost, or left in place), so their record says so.
fn condemned(code: Option<CondemnReason>, fx: &mut Effects) {
    fx.changes.worker_id = Some(None);
    fx.changes.next_check_due = Some(None);
    fx.changes.condemn_reason = Some(code);
    fx.clear_dues = true;
}

/// Writes the move; answers the id of the check it recorded, if it recorded one.
fn apply(
    conn: &mut DbConn,
    actor: &Actor,
    loaded: &Loaded,
    to: Status,
    fx: Effects,
) -> Result<Option<i64>, AppError> {
    let item = &loaded.item;
    let now = now();
    let mut changes = fx.changes;
    changes.status = Some(to);
    if !items::update_versioned(conn, item.id, item.version, &changes, now)? {
        return Err(stale());
    }
    if fx.clear_dues {
        items::clear_dues(conn, item.id)?;
    }
    for due in &fx.set_dues {
        items::set_due(conn, due)?;
    }
    // The check or cleaning record shares the event's note, so one erasure blanks both.
    let written = events::insert_with_id(
        conn,
        &NewEvent {
            item_id: item.id,
            occurred_at: now,
            staff_id: Some(actor.id),
            action: fx.event_action.to_string(),
            from_status: Some(loaded.state.status),
            to_status: Some(to),
            client_id: fx.event_client,
            notes: fx.notes,
        },
        fx.note_owner,
    )?;
    let note_id = written.note_id;
    if let (Some(handover), Some(client)) = (&fx.handover, fx.event_client) {
        handovers::insert(conn, written.event_id, client, handover)?;
    }
    let mut recorded = None;
    if let Some((rule_id, outcome, performed_at)) = fx.check {
        let check_id = checks::insert(
            conn,
            &NewCheck {
                item_id: item.id,
                rule_id,
                outcome,
                performed_at,
                performed_by: actor.id,
                note_id,
                recorded_at: now,
            },
        )?;
        if let Some(report) = &fx.examination {
            examinations::insert(conn, item.id, check_id, report)?;
        }
        recorded = Some(check_id);
    }
    if let Some(method) = &fx.decontamination {
        decontaminations::insert(
            conn,
            &NewDecontamination {
                item_id: item.id,
                method,
                note_id,
                performed_by: actor.id,
                performed_at: now,
            },
        )?;
    }
    Ok(recorded)
}

/// What stores are told of a failed check.
struct FailedCheckOf<'a> {
    rule_id: i64,
    performed_at: NaiveDate,
    notes: Option<&'a str>,
    examination: Option<&'a ExaminationReport>,
}

/// A failed check cannot wait for tomorrow's digest: stores hear at once, in the same
/// transaction as the check itself.
fn tell_stores_of_failed_check(
    conn: &mut DbConn,
    actor: &Actor,
    loaded: &Loaded,
    failed: FailedCheckOf,
    mail: &MailContext,
) -> Result<(), AppError> {
    let FailedCheckOf {
        rule_id,
        performed_at,
        notes,
        examination,
    } = failed;
    let item = &loaded.item;
    let rule = loaded
        .rules
        .iter()
        .find(|r| r.id == rule_id)
        .map_or("safety check", |r| r.name.as_str());
    let client = item
        .client_id
        .map(|id| clients::get(conn, id))
        .transpose()?
        .flatten();
    let message = messages::failed_check(
        &FailedCheck {
            checked_by: &actor.name,
            rule,
            asset_tag: &item.asset_tag,
            type_name: &loaded.equipment_type.name,
            performed_at,
            at_home: client.as_ref().map(|c| (c.address.as_str(), c.postcode.as_str())),
            notes,
            examination,
            link: &mail.item_link(&item.asset_tag),
        },
        &mail.service_name,
    );
    let key = format!("check-failed:{}:{}", item.id, item.version);
    let about: Vec<i64> = item.client_id.into_iter().collect();
    notify::queue_about(conn, &key, "check_failed", &mail.stores_address, message, &about)?;
    Ok(())
}

fn require_client(
    conn: &mut DbConn,
    id: Option<i64>,
    field: &str,
    errors: &mut Errors,
) -> Result<Option<i64>, AppError> {
    let Some(id) = id else {
        errors.add(field, "is required");
        return Ok(None);
    };
    match clients::get(conn, id)? {
        None => errors.add(field, format!("no client has the id {id}")),
        Some(c) => match receiving_refused(&c) {
            Some(why) => errors.add(field, why),
            None => return Ok(Some(id)),
        },
    }
    Ok(None)
}
