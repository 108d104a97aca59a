//! Equipment types with their check rules, and locations.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::items::double_option;
use super::pages::{Page, Paged};
use super::{Actor, now};
use crate::db::DbConn;
use crate::db::locations::{self, Location, NewLocation};
use crate::db::types::{self, CheckRule, EquipmentType, NewRule, NewType, TypeChanges};
use crate::domain::checks::{CheckKind, MAX_INTERVAL_DAYS, MAX_LEAD_DAYS, RuleClock};
use crate::domain::field_schema::{changed_text, one_of, optional_text, required_text};
use crate::domain::roles::Action;
use crate::domain::validate::{Errors, MAX_ADDRESS};
use crate::error::AppError;
use utoipa::openapi::schema::{Object, ObjectBuilder};

/// The kinds of equipment a service lends; every word stored before stays one of them.
pub const CATEGORIES: [&str; 12] = [
    "walking_aid",
    "stairlift",
    "hoist",
    "sling",
    "bed",
    "pressure_care",
    "seating",
    "bathing",
    "toileting",
    "shower_adaptation",
    "telecare",
    "other",
];
pub const LOCATION_KINDS: [&str; 2] = ["store", "depot"];
const DEFAULT_RULE: &str = "safety check";

fn category() -> Object {
    one_of(&CATEGORIES, false)
}

/// A category to change to, in a PATCH: null or absent leaves it as it is.
fn changed_category() -> Object {
    one_of(&CATEGORIES, true)
}

/// A rule's kind by its stored word; null or absent is `inspection`.
pub(super) fn check_kind() -> Object {
    let words: Vec<&str> = CheckKind::ALL.iter().map(|k| k.as_str()).collect();
    one_of(&words, true)
}

fn location_kind() -> Object {
    one_of(&LOCATION_KINDS, true)
}

/// What `create_type` accepts as a code: trimmed, then letters, digits, - and _.
fn type_code() -> Object {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .min_length(Some(1))
        .max_length(Some(64))
        .pattern(Some(r"^\s*[A-Za-z0-9_-]+\s*$"))
        .build()
}

#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    #[schema(required = true, schema_with = required_text::<100>)]
    pub name: Option<String>,
    #[schema(required = true, nullable = false, minimum = 1, maximum = 3653)]
    pub interval_days: Option<i64>,
    /// Days ahead the rule is reminded, 0 to 365; default `reminders.lead_days`.
    #[schema(minimum = 0, maximum = 365)]
    pub lead_days: Option<i64>,
    /// `examination`, `inspection` (default) or `test_call` (reminded only once overdue).
    #[schema(schema_with = check_kind)]
    pub kind: Option<String>,
    /// The first check falls due on the fit date itself (default false).
    pub due_on_fit: Option<bool>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateType {
    /// Letters, digits, - and _, kept in upper case, e.g. `STAIRLIFT-STRAIGHT`.
    #[schema(required = true, schema_with = type_code)]
    pub code: Option<String>,
    #[schema(required = true, schema_with = required_text::<200>)]
    pub name: Option<String>,
    #[schema(required = true, schema_with = category)]
    pub category: Option<String>,
    #[schema(schema_with = optional_text::<200>)]
    pub manufacturer: Option<String>,
    #[schema(schema_with = optional_text::<200>)]
    pub model: Option<String>,
    /// Default true.
    pub requires_decontamination: Option<bool>,
    /// The type's safe working load in kilograms, 1 to 10000, if it has one.
    #[schema(minimum = 1, maximum = 10000)]
    pub safe_working_load_kg: Option<i64>,
    /// A telecare base unit that connects digitally (IP or SIM), so a home with one on a
    /// connection other than `pstn` is digital-ready. Only a `telecare` type may be one
    /// (422 otherwise). Default false.
    pub digital_unit: Option<bool>,
    /// One or more rules with different names. Give exactly one of `check_rules` and
    /// `check_interval_days` (422 otherwise).
    #[schema(min_items = 1)]
    pub check_rules: Option<Vec<RuleInput>>,
    /// Shorthand for one rule named `safety check`, instead of `check_rules`.
    #[schema(minimum = 1, maximum = 3653)]
    pub check_interval_days: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RuleView {
    pub id: i64,
    pub name: String,
    pub interval_days: i32,
    /// The rule's own lead time; null: `reminders.lead_days`.
    pub lead_days: Option<i32>,
    pub kind: CheckKind,
    pub due_on_fit: bool,
}

impl From<&CheckRule> for RuleView {
    fn from(r: &CheckRule) -> Self {
        Self {
            id: r.id,
            name: r.name.clone(),
            interval_days: r.interval_days,
            lead_days: r.lead_days,
            kind: r.kind,
            due_on_fit: r.due_on_fit,
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TypeView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub requires_decontamination: bool,
    pub safe_working_load_kg: Option<i32>,
    /// A digital telecare base unit (IP or SIM).
    pub digital_unit: bool,
    /// The rules in force (a retired rule is not shown).
    pub check_rules: Vec<RuleView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LocationView {
    pub id: i64,
    pub name: String,
    /// `store` or `depot`.
    pub kind: String,
    pub address: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Location> for LocationView {
    fn from(l: Location) -> Self {
        Self {
            id: l.id,
            name: l.name,
            kind: l.kind,
            address: l.address,
            created_at: l.created_at.and_utc(),
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLocation {
    #[schema(required = true, schema_with = required_text::<200>)]
    pub name: Option<String>,
    /// `store` (default) or `depot`.
    #[schema(schema_with = location_kind)]
    pub kind: Option<String>,
    #[schema(schema_with = optional_text::<500>)]
    pub address: Option<String>,
}

pub fn create_type(conn: &mut DbConn, actor: &Actor, req: &CreateType) -> Result<TypeView, AppError> {
    actor.require(Action::ManageTypes)?;
    add_type(conn, req)
}

/// The type validated and created, for a caller already allowed to: `create_type` once the
/// actor may, and the service itself acting as no one (the starter catalogue), so that both
/// obey one set of rules.
pub(super) fn add_type(conn: &mut DbConn, req: &CreateType) -> Result<TypeView, AppError> {
    let mut errors = Errors::default();
    let code = errors
        .required("code", req.code.as_deref(), 64)
        .to_ascii_uppercase();
    if !code.is_empty()
        && !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errors.add("code", "may hold only letters, digits, - and _");
    }
    let name = errors.required("name", req.name.as_deref(), 200);
    let category = category_of(&mut errors, req.category.as_deref());
    let manufacturer = errors.optional("manufacturer", req.manufacturer.as_deref(), 200);
    let model = errors.optional("model", req.model.as_deref(), 200);
    let safe_working_load_kg = load(&mut errors, req.safe_working_load_kg);
    let digital_unit = req.digital_unit.unwrap_or(false);
    digital_needs_telecare(&mut errors, digital_unit, &category);
    let rules = rules_of(req, &mut errors);
    errors.finish()?;
    if types::by_code(conn, &code)?.is_some() {
        return Err(AppError::conflict(format!(
            "an equipment type with the code {code} already exists"
        )));
    }
    let created = types::insert(
        conn,
        &NewType {
            code: &code,
            name: &name,
            category: &category,
            manufacturer: manufacturer.as_deref(),
            model: model.as_deref(),
            requires_decontamination: req.requires_decontamination.unwrap_or(true),
            created_at: now(),
            safe_working_load_kg,
            digital_unit,
        },
        &rules,
    )?;
    let rules = types::rules_of(conn, created.id)?;
    Ok(type_view(created, &rules))
}

fn rules_of(req: &CreateType, errors: &mut Errors) -> Vec<NewRule> {
    match (&req.check_rules, req.check_interval_days) {
        (Some(_), Some(_)) => {
            errors.add(
                "check_interval_days",
                "give check_rules or check_interval_days, not both",
            );
            Vec::new()
        }
        (None, None) => {
            errors.add(
                "check_rules",
                "at least one check rule is required (or check_interval_days)",
            );
            Vec::new()
        }
        (None, Some(days)) => vec![NewRule {
            name: DEFAULT_RULE.to_string(),
            clock: RuleClock {
                interval_days: interval(errors, "check_interval_days", Some(days)),
                lead_days: None,
                kind: CheckKind::Inspection,
                due_on_fit: false,
            },
        }],
        (Some(list), None) => {
            if list.is_empty() {
                errors.add("check_rules", "at least one check rule is required");
            }
            let rules: Vec<NewRule> = list
                .iter()
                .enumerate()
                .map(|(i, r)| rule_of(r, &format!("check_rules[{i}]."), errors))
                .collect();
            let mut seen = HashMap::new();
            for (i, rule) in rules.iter().enumerate() {
                if !rule.name.is_empty() && seen.insert(rule.name.to_lowercase(), i).is_some() {
                    errors.add(
                        &format!("check_rules[{i}].name"),
                        format!("{:?} is named twice", rule.name),
                    );
                }
            }
            rules
        }
    }
}

pub(super) fn interval(errors: &mut Errors, field: &str, days: Option<i64>) -> i32 {
    match days {
        Some(d) if (1..=MAX_INTERVAL_DAYS as i64).contains(&d) => d as i32,
        Some(_) => {
            errors.add(field, format!("must be from 1 to {MAX_INTERVAL_DAYS} days"));
            0
        }
        None => {
            errors.add(field, "is required");
            0
        }
    }
}

pub(super) fn lead(errors: &mut Errors, field: &str, days: Option<i64>) -> Option<i32> {
    match days {
        None => None,
        Some(d) if (0..=MAX_LEAD_DAYS as i64).contains(&d) => Some(d as i32),
        Some(_) => {
            errors.add(field, format!("must be from 0 to {MAX_LEAD_DAYS} days"));
            None
        }
    }
}

pub(super) fn kind(errors: &mut Errors, field: &str, raw: &str) -> CheckKind {
    CheckKind::parse(raw).unwrap_or_else(|| {
        errors.add(field, "must be examination, inspection or test_call");
        CheckKind::Inspection
    })
}

/// A rule's name: required, at most 100 characters.
pub(super) fn rule_name(errors: &mut Errors, field: &str, raw: Option<&str>) -> String {
    errors.required(field, raw, 100)
}

const MAX_LOAD_KG: i64 = 10_000;

fn load(errors: &mut Errors, kg: Option<i64>) -> Option<i32> {
    match kg {
        None => None,
        Some(kg) if (1..=MAX_LOAD_KG).contains(&kg) => Some(kg as i32),
        Some(_) => {
            errors.add(
                "safe_working_load_kg",
                format!("must be from 1 to {MAX_LOAD_KG} kg"),
            );
            None
        }
    }
}

/// Only a telecare type can be a digital base unit: the flag decides a home's
/// digital-readiness, and on a hoist it would mean nothing.
fn digital_needs_telecare(errors: &mut Errors, digital_unit: bool, category: &str) {
    if digital_unit && !category.is_empty() && category != "telecare" {
        errors.add("digital_unit", "only a telecare type can be a digital base unit");
    }
}

fn category_of(errors: &mut Errors, raw: Option<&str>) -> String {
    let category = errors.required("category", raw, 64);
    if !category.is_empty() && !CATEGORIES.contains(&category.as_str()) {
        errors.add("category", format!("must be one of {}", CATEGORIES.join(", ")));
    }
    category
}

/// One rule of a request, each problem named after `at` (`check_rules[0].`, or nothing).
pub(super) fn rule_of(input: &RuleInput, at: &str, errors: &mut Errors) -> NewRule {
    let name = rule_name(errors, &format!("{at}name"), input.name.as_deref());
    let interval_days = interval(errors, &format!("{at}interval_days"), input.interval_days);
    let lead_days = lead(errors, &format!("{at}lead_days"), input.lead_days);
    let kind = input
        .kind
        .as_deref()
        .map_or(CheckKind::Inspection, |k| kind(errors, &format!("{at}kind"), k));
    NewRule {
        name,
        clock: RuleClock {
            interval_days,
            lead_days,
            kind,
            due_on_fit: input.due_on_fit.unwrap_or(false),
        },
    }
}

pub(super) fn type_view(t: EquipmentType, rules: &[CheckRule]) -> TypeView {
    TypeView {
        id: t.id,
        code: t.code,
        name: t.name,
        category: t.category,
        manufacturer: t.manufacturer,
        model: t.model,
        requires_decontamination: t.requires_decontamination,
        safe_working_load_kg: t.safe_working_load_kg,
        digital_unit: t.digital_unit,
        check_rules: rules.iter().map(RuleView::from).collect(),
        created_at: t.created_at.and_utc(),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchType {
    #[schema(schema_with = changed_text::<200>)]
    pub name: Option<String>,
    #[schema(schema_with = changed_category)]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, schema_with = optional_text::<200>)]
    pub manufacturer: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, schema_with = optional_text::<200>)]
    pub model: Option<Option<String>>,
    pub requires_decontamination: Option<bool>,
    /// 1 to 10000; null clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub safe_working_load_kg: Option<Option<i64>>,
    /// A digital telecare base unit (IP or SIM); only a `telecare` type may be one (422).
    pub digital_unit: Option<bool>,
}

/// The type with `code` (any case), or a 404 naming it.
pub(super) fn type_by_code(conn: &mut DbConn, code: &str) -> Result<EquipmentType, AppError> {
    let code = code.trim().to_ascii_uppercase();
    types::by_code(conn, &code)?
        .ok_or_else(|| AppError::NotFound(format!("no equipment type has the code {code:?}")))
}

/// The type and its rules in force, as answered.
pub(super) fn view_of(conn: &mut DbConn, type_id: i64) -> Result<TypeView, AppError> {
    let t = types::get(conn, type_id)?;
    let rules = types::rules_of(conn, type_id)?;
    Ok(type_view(t, &rules))
}

/// Corrects a type's name, maker, model, category, decontamination or load; its code and
/// rules are not changed here.
pub fn patch_type(
    conn: &mut DbConn,
    actor: &Actor,
    code: &str,
    req: &PatchType,
) -> Result<TypeView, AppError> {
    actor.require(Action::ManageTypes)?;
    let t = type_by_code(conn, code)?;
    let mut errors = Errors::default();
    let mut changes = TypeChanges::default();
    if req.name.is_some() {
        changes.name = Some(errors.required("name", req.name.as_deref(), 200));
    }
    if req.category.is_some() {
        changes.category = Some(category_of(&mut errors, req.category.as_deref()));
    }
    if let Some(m) = &req.manufacturer {
        changes.manufacturer = Some(errors.optional("manufacturer", m.as_deref(), 200));
    }
    if let Some(m) = &req.model {
        changes.model = Some(errors.optional("model", m.as_deref(), 200));
    }
    changes.requires_decontamination = req.requires_decontamination;
    if let Some(kg) = req.safe_working_load_kg {
        changes.safe_working_load_kg = Some(load(&mut errors, kg));
    }
    changes.digital_unit = req.digital_unit;
    let category = changes.category.clone().unwrap_or_else(|| t.category.clone());
    digital_needs_telecare(&mut errors, req.digital_unit.unwrap_or(t.digital_unit), &category);
    errors.finish()?;
    types::update(conn, t.id, &changes)?;
    view_of(conn, t.id)
}

pub fn list_types(conn: &mut DbConn, page: Page) -> Result<Paged<TypeView>, AppError> {
    let (rows, total) = types::list(conn, page.offset(), page.per_page)?;
    let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let mut rules: HashMap<i64, Vec<CheckRule>> = HashMap::new();
    for r in types::rules_for(conn, &ids)? {
        rules.entry(r.type_id).or_default().push(r);
    }
    let views = rows
        .into_iter()
        .map(|t| {
            let r = rules.remove(&t.id).unwrap_or_default();
            type_view(t, &r)
        })
        .collect();
    Ok(page.wrap(views, total))
}

pub fn create_location(
    conn: &mut DbConn,
    actor: &Actor,
    req: &CreateLocation,
) -> Result<LocationView, AppError> {
    actor.require(Action::ManageLocations)?;
    let mut errors = Errors::default();
    let name = errors.required("name", req.name.as_deref(), 200);
    let kind = req.kind.as_deref().unwrap_or("store").to_string();
    if !LOCATION_KINDS.contains(&kind.as_str()) {
        errors.add("kind", format!("must be one of {}", LOCATION_KINDS.join(", ")));
    }
    let address = errors.optional("address", req.address.as_deref(), MAX_ADDRESS);
    errors.finish()?;
    if locations::all(conn)?
        .iter()
        .any(|l| l.name.eq_ignore_ascii_case(&name))
    {
        return Err(AppError::conflict(format!(
            "a location named {name:?} already exists"
        )));
    }
    let created = locations::insert(
        conn,
        &NewLocation {
            name: &name,
            kind: &kind,
            address: address.as_deref(),
            created_at: now(),
        },
    )?;
    Ok(created.into())
}

pub fn list_locations(conn: &mut DbConn, page: Page) -> Result<Paged<LocationView>, AppError> {
    let (rows, total) = locations::list(conn, page.offset(), page.per_page)?;
    Ok(page.wrap(rows.into_iter().map(LocationView::from).collect(), total))
}
