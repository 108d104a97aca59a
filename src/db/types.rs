//! The equipment catalogue and each type's check rules.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{check_rules, equipment_types};
use crate::domain::checks::{CheckKind, RuleClock};
use crate::on_backend;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = equipment_types)]
pub struct EquipmentType {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub requires_decontamination: bool,
    pub created_at: NaiveDateTime,
    pub safe_working_load_kg: Option<i32>,
    /// A telecare base unit that connects digitally (IP or SIM).
    pub digital_unit: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = equipment_types)]
pub struct NewType<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub manufacturer: Option<&'a str>,
    pub model: Option<&'a str>,
    pub requires_decontamination: bool,
    pub created_at: NaiveDateTime,
    pub safe_working_load_kg: Option<i32>,
    pub digital_unit: bool,
}

/// What an edit of a type may change; `None` leaves a column as it is.
#[derive(Debug, Default, PartialEq, AsChangeset)]
#[diesel(table_name = equipment_types)]
pub struct TypeChanges {
    pub name: Option<String>,
    pub category: Option<String>,
    pub manufacturer: Option<Option<String>>,
    pub model: Option<Option<String>>,
    pub requires_decontamination: Option<bool>,
    pub safe_working_load_kg: Option<Option<i32>>,
    pub digital_unit: Option<bool>,
}

/// What an edit of a rule may change.
#[derive(Debug, Default, PartialEq, AsChangeset)]
#[diesel(table_name = check_rules)]
pub struct RuleChanges {
    pub name: Option<String>,
    pub interval_days: Option<i32>,
    pub lead_days: Option<Option<i32>>,
    pub kind: Option<CheckKind>,
    pub due_on_fit: Option<bool>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = check_rules)]
pub struct CheckRule {
    pub id: i64,
    pub type_id: i64,
    pub name: String,
    pub interval_days: i32,
    pub lead_days: Option<i32>,
    pub kind: CheckKind,
    pub due_on_fit: bool,
}

impl CheckRule {
    /// What of the rule decides its dates and reminders.
    pub fn clock(&self) -> RuleClock {
        RuleClock {
            interval_days: self.interval_days,
            lead_days: self.lead_days,
            kind: self.kind,
            due_on_fit: self.due_on_fit,
        }
    }
}

/// A rule as a new type brings it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRule {
    pub name: String,
    pub clock: RuleClock,
}

pub fn insert(conn: &mut DbConn, new: &NewType, rules: &[NewRule]) -> QueryResult<EquipmentType> {
    let created = on_backend!(conn, |c| diesel::insert_into(equipment_types::table)
        .values(new)
        .returning(EquipmentType::as_returning())
        .get_result(c))?;
    let rows: Vec<_> = rules
        .iter()
        .map(|r| {
            (
                check_rules::type_id.eq(created.id),
                check_rules::name.eq(&r.name),
                check_rules::interval_days.eq(r.clock.interval_days),
                check_rules::lead_days.eq(r.clock.lead_days),
                check_rules::kind.eq(r.clock.kind),
                check_rules::due_on_fit.eq(r.clock.due_on_fit),
            )
        })
        .collect();
    on_backend!(conn, |c| diesel::insert_into(check_rules::table)
        .values(&rows)
        .execute(c))?;
    Ok(created)
}

pub fn by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<EquipmentType>> {
    equipment_types::table
        .filter(equipment_types::code.eq(code))
        .select(EquipmentType::as_select())
        .first(conn)
        .optional()
}

pub fn get(conn: &mut DbConn, id: i64) -> QueryResult<EquipmentType> {
    equipment_types::table
        .find(id)
        .select(EquipmentType::as_select())
        .first(conn)
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<EquipmentType>> {
    equipment_types::table
        .select(EquipmentType::as_select())
        .load(conn)
}

/// How many types the catalogue holds.
pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    equipment_types::table.count().get_result(conn)
}

pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<EquipmentType>, i64)> {
    let total = equipment_types::table.count().get_result(conn)?;
    let rows = equipment_types::table
        .order(equipment_types::code)
        .offset(offset)
        .limit(limit)
        .select(EquipmentType::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The rules in force (not retired) of the given types.
pub fn rules_for(conn: &mut DbConn, type_ids: &[i64]) -> QueryResult<Vec<CheckRule>> {
    check_rules::table
        .filter(check_rules::type_id.eq_any(type_ids))
        .filter(check_rules::retired_at.is_null())
        .order((check_rules::type_id, check_rules::interval_days, check_rules::id))
        .select(CheckRule::as_select())
        .load(conn)
}

/// One type's rules in force; fixed SQL, unlike `rules_for`.
pub fn rules_of(conn: &mut DbConn, type_id: i64) -> QueryResult<Vec<CheckRule>> {
    check_rules::table
        .filter(check_rules::type_id.eq(type_id))
        .filter(check_rules::retired_at.is_null())
        .order((check_rules::interval_days, check_rules::id))
        .select(CheckRule::as_select())
        .load(conn)
}

/// The longest lead time any rule has of its own, so a sweep knows how far ahead to read.
pub fn longest_lead(conn: &mut DbConn) -> QueryResult<Option<i32>> {
    check_rules::table
        .filter(check_rules::retired_at.is_null())
        .select(diesel::dsl::max(check_rules::lead_days))
        .first(conn)
}

/// Applies `changes`; nothing to change is no statement at all.
pub fn update(conn: &mut DbConn, id: i64, changes: &TypeChanges) -> QueryResult<()> {
    if *changes == TypeChanges::default() {
        return Ok(());
    }
    diesel::update(equipment_types::table.find(id))
        .set(changes)
        .execute(conn)
        .map(|_| ())
}

pub fn insert_rule(conn: &mut DbConn, type_id: i64, rule: &NewRule) -> QueryResult<CheckRule> {
    let row = (
        check_rules::type_id.eq(type_id),
        check_rules::name.eq(&rule.name),
        check_rules::interval_days.eq(rule.clock.interval_days),
        check_rules::lead_days.eq(rule.clock.lead_days),
        check_rules::kind.eq(rule.clock.kind),
        check_rules::due_on_fit.eq(rule.clock.due_on_fit),
    );
    on_backend!(conn, |c| diesel::insert_into(check_rules::table)
        .values(row)
        .returning(CheckRule::as_returning())
        .get_result(c))
}

/// One rule in force of a type.
pub fn rule(conn: &mut DbConn, type_id: i64, rule_id: i64) -> QueryResult<Option<CheckRule>> {
    check_rules::table
        .filter(check_rules::id.eq(rule_id))
        .filter(check_rules::type_id.eq(type_id))
        .filter(check_rules::retired_at.is_null())
        .select(CheckRule::as_select())
        .first(conn)
        .optional()
}

/// Whether another rule of the type, retired or not, has this name (any case).
pub fn rule_name_taken(
    conn: &mut DbConn,
    type_id: i64,
    name: &str,
    except: Option<i64>,
) -> QueryResult<bool> {
    let names: Vec<(i64, String)> = check_rules::table
        .filter(check_rules::type_id.eq(type_id))
        .select((check_rules::id, check_rules::name))
        .load(conn)?;
    Ok(names
        .iter()
        .any(|(id, n)| Some(*id) != except && n.eq_ignore_ascii_case(name)))
}

/// Applies `changes`; nothing to change is no statement at all.
pub fn update_rule(conn: &mut DbConn, rule_id: i64, changes: &RuleChanges) -> QueryResult<()> {
    if *changes == RuleChanges::default() {
        return Ok(());
    }
    diesel::update(check_rules::table.find(rule_id))
        .set(changes)
        .execute(conn)
        .map(|_| ())
}

/// Retires a rule: its checks stay in the history under its name.
pub fn retire_rule(conn: &mut DbConn, rule_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(check_rules::table.find(rule_id))
        .set(check_rules::retired_at.eq(Some(now)))
        .execute(conn)
        .map(|_| ())
}
