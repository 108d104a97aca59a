//! Equipment types with their check rules, and locations.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::pages::{Page, Paged};
use super::{Actor, now};
use crate::db::DbConn;
/// A location is answered as it is stored.
pub use crate::db::locations::Location;
use crate::db::locations::{self, NewLocation};
use crate::db::types::{self, EquipmentType, NewType};
use crate::domain::checks::MAX_INTERVAL_DAYS;
use crate::domain::field_schema::{one_of, optional_text, required_text};
use crate::domain::roles::Action;
use crate::domain::validate::{Errors, MAX_ADDRESS};
use crate::error::AppError;
use utoipa::openapi::schema::{Object, ObjectBuilder};

pub const CATEGORIES: [&str; 5] = [
    "walking_aid",
    "stairlift",
    "shower_adaptation",
    "telecare",
    "other",
];
pub const LOCATION_KINDS: [&str; 2] = ["store", "depot"];
const DEFAULT_RULE: &str = "safety check";

fn category() -> Object {
    one_of(&CATEGORIES, false)
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
    pub name: String,
    pub interval_days: i32,
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
    let category = errors.required("category", req.category.as_deref(), 64);
    if !category.is_empty() && !CATEGORIES.contains(&category.as_str()) {
        errors.add("category", format!("must be one of {}", CATEGORIES.join(", ")));
    }
    let manufacturer = errors.optional("manufacturer", req.manufacturer.as_deref(), 200);
    let model = errors.optional("model", req.model.as_deref(), 200);
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
        },
        &rules,
    )?;
    Ok(type_view(created, &rules))
}

fn rules_of(req: &CreateType, errors: &mut Errors) -> Vec<(String, i32)> {
    fn interval(errors: &mut Errors, field: &str, days: Option<i64>) -> i32 {
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
        (None, Some(days)) => vec![(
            DEFAULT_RULE.to_string(),
            interval(errors, "check_interval_days", Some(days)),
        )],
        (Some(list), None) => {
            if list.is_empty() {
                errors.add("check_rules", "at least one check rule is required");
            }
            let rules: Vec<(String, i32)> = list
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let days = interval(
                        errors,
                        &format!("check_rules[{i}].interval_days"),
                        r.interval_days,
                    );
                    let field = format!("check_rules[{i}].name");
                    (errors.required(&field, r.name.as_deref(), 100), days)
                })
                .collect();
            let mut seen = HashMap::new();
            for (i, (name, _)) in rules.iter().enumerate() {
                if !name.is_empty() && seen.insert(name.to_lowercase(), i).is_some() {
                    errors.add(
                        &format!("check_rules[{i}].name"),
                        format!("{name:?} is named twice"),
                    );
                }
            }
            rules
        }
    }
}

fn type_view(t: EquipmentType, rules: &[(String, i32)]) -> TypeView {
    TypeView {
        id: t.id,
        code: t.code,
        name: t.name,
        category: t.category,
        manufacturer: t.manufacturer,
        model: t.model,
        requires_decontamination: t.requires_decontamination,
        check_rules: rules
            .iter()
            .map(|(name, days)| RuleView {
                name: name.clone(),
                interval_days: *days,
            })
            .collect(),
        created_at: t.created_at.and_utc(),
    }
}

pub fn list_types(conn: &mut DbConn, page: Page) -> Result<Paged<TypeView>, AppError> {
    let (rows, total) = types::list(conn, page.offset(), page.per_page)?;
    let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
    let mut rules: HashMap<i64, Vec<(String, i32)>> = HashMap::new();
    for r in types::rules_for(conn, &ids)? {
        rules
            .entry(r.type_id)
            .or_default()
            .push((r.name, r.interval_days));
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
