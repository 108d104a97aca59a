//! Editing a type's check rules: adding one, changing one and retiring one, each moving
//! every item of the type onto the rule as it now stands, in the caller's one transaction.

use chrono::NaiveDate;
use serde::Deserialize;

use super::catalogue::{self, RuleInput, RuleView, TypeView};
use super::items::{double_option, stale};
use super::{Actor, now};
use crate::db::DbConn;
use crate::db::events::{self, NewEvent};
use crate::db::examinations;
use crate::db::items::{self, CheckDue, ItemChanges};
use crate::db::types::{self, CheckRule, EquipmentType, RuleChanges};
use crate::domain::checks::{next_due_of, soonest};
use crate::domain::examination::examiners_date;
use crate::domain::field_schema::changed_text;
use crate::domain::roles::Action;
use crate::domain::validate::Errors;
use crate::error::AppError;

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchRule {
    #[schema(schema_with = changed_text::<100>)]
    pub name: Option<String>,
    /// 1 to 3653. A new interval moves every item's next due date of this rule.
    #[schema(minimum = 1, maximum = 3653)]
    pub interval_days: Option<i64>,
    /// 0 to 365. Null: `reminders.lead_days`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 365)]
    pub lead_days: Option<Option<i64>>,
    /// `examination`, `inspection` or `test_call`; null leaves it as it is.
    #[schema(schema_with = catalogue::check_kind)]
    pub kind: Option<String>,
    pub due_on_fit: Option<bool>,
}

/// POST `/equipment-types/{code}/check-rules`: a new rule, due on every item of the type
/// from its first fit (none for stock never fitted).
pub fn add(conn: &mut DbConn, actor: &Actor, code: &str, req: &RuleInput) -> Result<RuleView, AppError> {
    actor.require(Action::ManageTypes)?;
    let t = catalogue::type_by_code(conn, code)?;
    let mut errors = Errors::default();
    let rule = catalogue::rule_of(req, "", &mut errors);
    errors.finish()?;
    refuse_taken_name(conn, &t, &rule.name, None)?;
    let created = types::insert_rule(conn, t.id, &rule)?;
    reclock(conn, actor, &t, &created, Change::Added)?;
    Ok(RuleView::from(&created))
}

/// PATCH `/equipment-types/{code}/check-rules/{id}`. A changed interval or `due_on_fit`
/// moves every item's next due date of the rule, from its last check of it or its first fit.
pub fn patch(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    rule_id: i64,
    req: &PatchRule,
) -> Result<TypeView, AppError> {
    actor.require(Action::ManageTypes)?;
    let t = catalogue::type_by_code(conn, code)?;
    let before = rule_of_type(conn, &t, rule_id)?;
    let mut errors = Errors::default();
    let changes = RuleChanges {
        name: req
            .name
            .as_ref()
            .map(|n| catalogue::rule_name(&mut errors, "name", Some(n))),
        interval_days: req
            .interval_days
            .map(|d| catalogue::interval(&mut errors, "interval_days", Some(d))),
        lead_days: req
            .lead_days
            .map(|d| catalogue::lead(&mut errors, "lead_days", d)),
        kind: req
            .kind
            .as_deref()
            .map(|k| catalogue::kind(&mut errors, "kind", k)),
        due_on_fit: req.due_on_fit,
    };
    errors.finish()?;
    if let Some(name) = &changes.name {
        refuse_taken_name(conn, &t, name, Some(rule_id))?;
    }
    types::update_rule(conn, rule_id, &changes)?;
    let after = rule_of_type(conn, &t, rule_id)?;
    let clock_moved = (after.interval_days, after.due_on_fit) != (before.interval_days, before.due_on_fit);
    if clock_moved {
        reclock(conn, actor, &t, &after, Change::Changed)?;
    }
    catalogue::view_of(conn, t.id)
}

/// DELETE `/equipment-types/{code}/check-rules/{id}`: the rule is retired. Its checks stay in
/// every item's history; no item is reminded of it or held back by it any more.
pub fn retire(conn: &mut DbConn, actor: &Actor, code: &str, rule_id: i64) -> Result<TypeView, AppError> {
    actor.require(Action::ManageTypes)?;
    let t = catalogue::type_by_code(conn, code)?;
    let rule = rule_of_type(conn, &t, rule_id)?;
    if types::rules_of(conn, t.id)?.len() == 1 {
        return Err(AppError::conflict(format!(
            "{:?} is the last check rule of {}: a type keeps at least one; add another first",
            rule.name, t.code
        )));
    }
    types::retire_rule(conn, rule_id, now())?;
    reclock(conn, actor, &t, &rule, Change::Retired)?;
    catalogue::view_of(conn, t.id)
}

fn rule_of_type(conn: &mut DbConn, t: &EquipmentType, rule_id: i64) -> Result<CheckRule, AppError> {
    types::rule(conn, t.id, rule_id)?.ok_or_else(|| {
        AppError::NotFound(format!(
            "{} has no check rule in force with the id {rule_id}",
            t.code
        ))
    })
}

/// A retired rule's name stays taken: its checks are still recorded under it.
fn refuse_taken_name(
    conn: &mut DbConn,
    t: &EquipmentType,
    name: &str,
    except: Option<i64>,
) -> Result<(), AppError> {
    if types::rule_name_taken(conn, t.id, name, except)? {
        return Err(AppError::conflict(format!(
            "{} already has a check rule named {name:?} (perhaps retired)",
            t.code
        )));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Change {
    Added,
    Changed,
    Retired,
}

impl Change {
    fn words(self) -> &'static str {
        match self {
            Self::Added => "rule added",
            Self::Changed => "rule changed",
            Self::Retired => "rule retired",
        }
    }
}

fn shown(date: Option<NaiveDate>) -> String {
    date.map_or("none".to_string(), |d| d.to_string())
}

/// Moves every item of the type not condemned onto `rule` as it now stands (off it, once
/// retired): its next due date of the rule computed again from its last check of the rule
/// or its first fit, its next check the soonest again, and a history entry on each item
/// whose date moved. Answers how many moved.
fn reclock(
    conn: &mut DbConn,
    actor: &Actor,
    t: &EquipmentType,
    rule: &CheckRule,
    change: Change,
) -> Result<usize, AppError> {
    let found = items::not_condemned_of_type(conn, t.id)?;
    let ids: Vec<i64> = found.iter().map(|i| i.id).collect();
    let dues = items::dues_for(conn, &ids)?;
    let in_force = types::rules_of(conn, t.id)?;
    let examiners = examinations::examiners_dates(conn, rule.id)?;
    let now = now();
    let mut history = Vec::new();
    for item in &found {
        let own: Vec<&CheckDue> = dues.iter().filter(|d| d.item_id == item.id).collect();
        let held = own.iter().find(|d| d.rule_id == rule.id);
        let last = held.and_then(|d| d.last_checked_at);
        let was = held.and_then(|d| d.next_due);
        let now_due = match change {
            Change::Retired => None,
            Change::Added | Change::Changed => {
                // The latest examination's examiner may have set an earlier date; it holds.
                let set = examiners
                    .iter()
                    .find(|(id, performed, _)| *id == item.id && Some(*performed) == last)
                    .map(|e| e.2);
                examiners_date(next_due_of(rule.clock(), last, item.first_fitted_at), set)
            }
        };
        if was == now_due {
            continue;
        }
        items::set_due(
            conn,
            &CheckDue {
                item_id: item.id,
                rule_id: rule.id,
                last_checked_at: last,
                next_due: now_due,
            },
        )?;
        let next_check = soonest(in_force.iter().filter_map(|r| {
            if r.id == rule.id {
                now_due
            } else {
                own.iter().find(|d| d.rule_id == r.id).and_then(|d| d.next_due)
            }
        }));
        let changes = ItemChanges {
            next_check_due: Some(next_check),
            ..Default::default()
        };
        if !items::update_versioned(conn, item.id, item.version, &changes, now)? {
            return Err(stale());
        }
        history.push(NewEvent {
            item_id: item.id,
            occurred_at: now,
            staff_id: Some(actor.id),
            action: "check_rule_changed".into(),
            from_status: None,
            to_status: None,
            client_id: None,
            notes: Some(format!(
                "{}: {}; next due {} (was {})",
                rule.name,
                change.words(),
                shown(now_due),
                shown(was)
            )),
        });
    }
    events::insert_many(conn, &history)?;
    Ok(history.len())
}
