//! The checks a monitoring centre's report makes (`service::centre_events`): one at a time
//! through the moves' own `apply`, or many plain passes at once. Both plan from the same
//! `effects`, so a pass reads back the same whichever way it was written.

use chrono::NaiveDate;

use super::{Effects, Loaded, apply, run_clock};
use crate::db::DbConn;
use crate::db::checks::{self, NewCheck};
use crate::db::events::{self, NewEvent};
use crate::db::examinations;
use crate::db::items::{self, CheckedItem};
use crate::domain::checks::latest_check;
use crate::domain::examination::DefectFound;
use crate::domain::lifecycle::{Move, Outcome, Status};
use crate::error::AppError;
use crate::service::clock::Passed;
use crate::service::items::stale;
use crate::service::{Actor, now};

/// A check a monitoring centre's report makes: a test call passed, or failed by a fault,
/// with the defects it found.
pub struct CentreCheck<'a> {
    pub rule_id: i64,
    pub outcome: Outcome,
    pub performed_at: NaiveDate,
    pub notes: String,
    pub defects: &'a [DefectFound],
}

/// A plain pass (no defect found), the kind `record_centre_passes` writes in bulk.
pub struct CentrePass {
    pub rule_id: i64,
    pub performed_at: NaiveDate,
    pub notes: String,
}

/// What a centre's check writes, as a check by hand would (the item's clock, its history
/// entry, the check row); none when the item's state refuses it (condemned: its clock has
/// ended).
fn effects(
    loaded: &Loaded,
    rule_id: i64,
    outcome: Outcome,
    performed_at: NaiveDate,
    notes: String,
) -> Option<(Status, Effects)> {
    let to = loaded.state.require(Move::Check, outcome).ok()?;
    let item = &loaded.item;
    let mut fx = Effects {
        event_action: if outcome == Outcome::Pass {
            "check_passed"
        } else {
            "check_failed"
        },
        event_client: item.client_id,
        note_owner: item.client_id,
        notes: Some(notes),
        check: Some((rule_id, outcome, performed_at)),
        ..Effects::default()
    };
    if outcome == Outcome::Pass {
        let passed = Passed {
            rule_id,
            performed_at,
            next_by: None,
        };
        run_clock(loaded, item.first_fitted_at, Some(passed), &mut fx);
        fx.changes.last_checked_at = Some(Some(latest_check(item.last_checked_at, performed_at)));
    }
    Some((to, fx))
}

/// Records a centre's check through the same effects as a check by hand, `by` the account
/// that stands for the centre; answers the check's id, or None when the item's state
/// refuses it.
pub fn record_centre_check(
    conn: &mut DbConn,
    by: &Actor,
    loaded: &Loaded,
    check: CentreCheck,
) -> Result<Option<i64>, AppError> {
    let Some((to, fx)) = effects(
        loaded,
        check.rule_id,
        check.outcome,
        check.performed_at,
        check.notes,
    ) else {
        return Ok(None);
    };
    let check_id = apply(conn, by, loaded, to, fx)?;
    if let Some(id) = check_id {
        examinations::insert_defects(conn, loaded.item.id, id, check.defects)?;
    }
    Ok(check_id)
}

/// Records many plain passes, each with the effects `record_centre_check` gives it, written
/// a few statements for them all (the items, their rules' dates, the history entries with
/// their notes, the check rows) instead of several an item: an import of a hundred
/// thousand units' heartbeats. An item whose state refuses the pass is left as it is, as
/// `record_centre_check` leaves it; one changed since it was read makes the whole import
/// stale (409), as a move's would. Answers how many passes were recorded.
pub fn record_centre_passes(
    conn: &mut DbConn,
    by: &Actor,
    passes: Vec<(&Loaded, CentrePass)>,
) -> Result<usize, AppError> {
    let mut changed = Vec::with_capacity(passes.len());
    let mut dues = Vec::new();
    let mut history = Vec::with_capacity(passes.len());
    let mut checked = Vec::with_capacity(passes.len());
    let now = now();
    for (loaded, pass) in passes {
        let Some((to, fx)) = effects(loaded, pass.rule_id, Outcome::Pass, pass.performed_at, pass.notes)
        else {
            continue;
        };
        let item = &loaded.item;
        // What `apply` writes for a pass, and only that: a pass sets no other column and
        // makes no other record.
        debug_assert!(fx.handover.is_none() && fx.examination.is_none() && fx.decontamination.is_none());
        debug_assert!(!fx.clear_dues && fx.note_owner == fx.event_client);
        changed.push(CheckedItem {
            id: item.id,
            version: item.version,
            status: to,
            last_checked_at: fx.changes.last_checked_at.flatten(),
            next_check_due: fx.changes.next_check_due.flatten(),
        });
        // Only the rules whose dates moved: writing the others again would change nothing.
        dues.extend(fx.set_dues.into_iter().filter(|d| {
            !loaded.dues.iter().any(|h| {
                h.rule_id == d.rule_id && h.last_checked_at == d.last_checked_at && h.next_due == d.next_due
            })
        }));
        history.push(NewEvent {
            item_id: item.id,
            occurred_at: now,
            staff_id: Some(by.id),
            action: fx.event_action.to_string(),
            from_status: Some(loaded.state.status),
            to_status: Some(to),
            client_id: fx.event_client,
            notes: fx.notes,
        });
        let (rule_id, outcome, performed_at) = fx.check.expect("a pass records a check");
        checked.push(NewCheck {
            item_id: item.id,
            rule_id,
            outcome,
            performed_at,
            performed_by: by.id,
            note_id: None,
            recorded_at: now,
        });
    }
    if items::update_checked_many(conn, &changed, now)? != changed.len() {
        return Err(stale());
    }
    items::set_dues_many(conn, &dues)?;
    // The check shares its history entry's note, so one erasure blanks both.
    let note_ids = events::insert_many_noted(conn, &history)?;
    for (check, note_id) in checked.iter_mut().zip(note_ids) {
        check.note_id = note_id;
    }
    checks::insert_many(conn, &checked)?;
    Ok(checked.len())
}
