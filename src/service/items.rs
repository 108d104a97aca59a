//! Receiving, finding, listing and editing items.

use std::collections::HashMap;

use crate::domain::field_schema::{date, matching, optional_text, required_text};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::schema::Object;

use super::audit::{self, Subject};
use super::handovers::{HandoverView, NoteKind, note_path};
use super::pages::{Page, Paged};
use super::views::{self, ItemView};
use super::{Actor, now};
use crate::db::events::{self, NewEvent};
use crate::db::items::{self, Item, ItemChanges, ItemFilter, NewItem};
use crate::db::{DbConn, counters, handovers, locations, staff, types};
use crate::domain::asset_tag::AssetTag;
use crate::domain::lifecycle::Status;
use crate::domain::roles::{Action, Role};
use crate::domain::validate::{self, Errors, MAX_NOTES};
use crate::error::AppError;

pub const MAX_TEXT: usize = 200;

fn optional_date() -> Object {
    date(true)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateItem {
    /// The code of an equipment type (422 if none has it).
    #[serde(rename = "type")]
    #[schema(required = true, schema_with = required_text::<64>)]
    pub type_code: Option<String>,
    /// Letters, digits and `- _ .`, starting with a letter or digit, at most 32, kept in
    /// upper case; generated (`{prefix}{6 digits}`) when absent or blank.
    #[schema(schema_with = asset_tag)]
    pub asset_tag: Option<String>,
    #[schema(schema_with = optional_text::<200>)]
    pub serial_number: Option<String>,
    #[schema(schema_with = optional_text::<200>)]
    pub batch: Option<String>,
    /// A location's id (422 if none has it).
    pub location_id: Option<i64>,
    /// YYYY-MM-DD, as LOLER reports name it; not in the future (422).
    #[schema(schema_with = optional_date)]
    pub manufactured_on: Option<String>,
    /// Its own safe working load in kilograms, 1 to 10000; absent: the type's.
    #[schema(minimum = 1, maximum = 10000)]
    pub safe_working_load_kg: Option<i64>,
}

/// Fields that may be edited; absent ones are left alone, `null` clears an optional one.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchItem {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, schema_with = optional_text::<200>)]
    pub serial_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, schema_with = optional_text::<200>)]
    pub batch: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub location_id: Option<Option<i64>>,
    /// YYYY-MM-DD, not in the future (422); null clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, schema_with = optional_date)]
    pub manufactured_on: Option<Option<String>>,
    /// 1 to 10000; null clears it (the type's then holds).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 10000)]
    pub safe_working_load_kg: Option<Option<i64>>,
    /// Hand the item's checks to another worker.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>)]
    pub worker_id: Option<Option<i64>>,
    #[schema(schema_with = optional_text::<2000>)]
    pub notes: Option<String>,
    pub expected_version: Option<i64>,
}

// A parameter's schema_with replaces its description too: each says it here.

fn category() -> Object {
    described(
        crate::domain::field_schema::one_of(&crate::service::catalogue::CATEGORIES, false),
        "Items of types in this category",
    )
}

fn type_code() -> Object {
    described(optional_text::<64>(), "Items of the type with this code")
}

fn due_before() -> Object {
    described(
        crate::domain::field_schema::date(false),
        "Items whose next check falls before this day",
    )
}

fn search() -> Object {
    described(
        optional_text::<200>(),
        "Any part of the tag, serial or batch, or of the name, reference or postcode of the client \
         holding the item, in any case; under three characters, the start of the tag or serial",
    )
}

fn described(mut schema: Object, description: &str) -> Object {
    schema.description = Some(description.into());
    schema
}

/// What `AssetTag::parse` accepts, blank (a generated tag) included.
fn asset_tag() -> Object {
    let tag = format!(
        "[A-Za-z0-9][A-Za-z0-9._-]{{0,{}}}",
        crate::domain::asset_tag::MAX_LEN - 1
    );
    matching(&format!(r"^\s*(?:{tag})?\s*$"), true)
}

/// Tells a field sent as `null` (clear it) from one left out (keep it).
pub fn double_option<'de, T, D>(de: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(de).map(Some)
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    #[param(value_type = Option<Status>)]
    pub status: Option<String>,
    #[param(schema_with = category)]
    pub category: Option<String>,
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = type_code)]
    pub type_code: Option<String>,
    pub client_id: Option<i64>,
    pub worker_id: Option<i64>,
    #[param(schema_with = due_before)]
    pub due_before: Option<String>,
    #[param(schema_with = search)]
    pub q: Option<String>,
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 500)]
    pub per_page: Option<i64>,
}

impl ItemQuery {
    pub fn filter(&self) -> Result<ItemFilter, AppError> {
        let mut errors = Errors::default();
        let status = self.status.as_deref().and_then(|s| {
            let parsed = Status::parse(s);
            if parsed.is_none() {
                errors.add("status", format!("{s:?} is not a status"));
            }
            parsed
        });
        if let Some(c) = &self.category {
            if !crate::service::catalogue::CATEGORIES.contains(&c.as_str()) {
                errors.add("category", format!("{c:?} is not a category"));
            }
        }
        let due_before = match &self.due_before {
            Some(d) => match validate::date(d) {
                Ok(date) => Some(date),
                Err(message) => {
                    errors.add("due_before", message);
                    None
                }
            },
            None => None,
        };
        let q = errors.optional("q", self.q.as_deref(), MAX_TEXT);
        let type_code = errors.optional("type", self.type_code.as_deref(), 64);
        errors.finish()?;
        Ok(ItemFilter {
            status,
            category: self.category.clone(),
            type_code: type_code.map(|c| c.to_ascii_uppercase()),
            client_id: self.client_id,
            worker_id: self.worker_id,
            due_before,
            q,
            tags: None,
        })
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub client_id: Option<i64>,
    pub notes: Option<String>,
    /// Who received the item (a fit) or handed it over (a collection), when recorded.
    pub handover: Option<HandoverView>,
    /// A fit's delivery note or a return's collection note (PDF):
    /// `/api/v1/events/{id}/note.pdf`.
    pub note_url: Option<String>,
}

/// The one way to read an item's row: by what a person or a scanner typed as its tag.
pub fn row_by_tag(conn: &mut DbConn, raw_tag: &str) -> Result<Item, AppError> {
    let tag = AssetTag::parse(raw_tag).map_err(|_| not_found(raw_tag))?;
    items::by_tag(conn, tag.as_str())?.ok_or_else(|| not_found(tag.as_str()))
}

/// A date of manufacture: a date, not in the future.
pub(crate) fn manufactured(errors: &mut Errors, raw: Option<&str>) -> Option<NaiveDate> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
    match validate::date(raw) {
        Ok(d) if d > super::today() => {
            errors.add("manufactured_on", "must not be in the future");
            None
        }
        Ok(d) => Some(d),
        Err(message) => {
            errors.add("manufactured_on", message);
            None
        }
    }
}

fn load(errors: &mut Errors, kg: Option<i64>) -> Option<i32> {
    match kg? {
        kg @ 1..=10_000 => Some(kg as i32),
        _ => {
            errors.add("safe_working_load_kg", "must be from 1 to 10000 kg");
            None
        }
    }
}

pub fn not_found(tag: &str) -> AppError {
    AppError::NotFound(format!("no item has the tag {:?}", tag.trim()))
}

/// A tag nobody has: the next number of the counter, skipping tags imported by hand.
pub fn next_tag(conn: &mut DbConn, prefix: &str) -> Result<AssetTag, AppError> {
    loop {
        let n = counters::take(conn, "asset_tag", 1)?;
        let tag = AssetTag::generated(prefix, n);
        if !items::tag_exists(conn, tag.as_str())? {
            return Ok(tag);
        }
    }
}

pub fn create(
    conn: &mut DbConn,
    actor: &Actor,
    req: &CreateItem,
    prefix: &str,
    public_url: &str,
) -> Result<ItemView, AppError> {
    actor.require(Action::ManageItems)?;
    let mut errors = Errors::default();
    let code = errors
        .required("type", req.type_code.as_deref(), 64)
        .to_ascii_uppercase();
    let tag = match req.asset_tag.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(raw) => AssetTag::for_item(raw)
            .map_err(|m| errors.add("asset_tag", m))
            .ok(),
        None => None,
    };
    let serial_number = errors.optional("serial_number", req.serial_number.as_deref(), MAX_TEXT);
    let batch = errors.optional("batch", req.batch.as_deref(), MAX_TEXT);
    let manufactured_on = manufactured(&mut errors, req.manufactured_on.as_deref());
    let safe_working_load_kg = load(&mut errors, req.safe_working_load_kg);
    let equipment_type = if code.is_empty() {
        None
    } else {
        types::by_code(conn, &code)?
    };
    if !code.is_empty() && equipment_type.is_none() {
        errors.add("type", format!("no equipment type has the code {code:?}"));
    }
    if let Some(id) = req.location_id {
        if locations::get(conn, id)?.is_none() {
            errors.add("location_id", format!("no location has the id {id}"));
        }
    }
    errors.finish()?;
    let equipment_type = equipment_type.ok_or_else(|| AppError::invalid("type", "is required"))?;
    let tag = match tag {
        Some(tag) => {
            if items::tag_exists(conn, tag.as_str())? {
                return Err(AppError::conflict(format!(
                    "an item with the tag {tag} already exists"
                )));
            }
            tag
        }
        None => next_tag(conn, prefix)?,
    };
    let now = now();
    let item = items::insert(
        conn,
        &NewItem {
            search_key: items::search_key(tag.as_str(), serial_number.as_deref(), batch.as_deref()),
            asset_tag: tag.into_string(),
            type_id: equipment_type.id,
            serial_number,
            batch,
            status: Status::InStore,
            location_id: req.location_id,
            version: 1,
            created_at: now,
            updated_at: now,
            manufactured_on,
            safe_working_load_kg,
            client_id: None,
            worker_id: None,
            fitted_at: None,
            first_fitted_at: None,
            last_checked_at: None,
            next_check_due: None,
        },
    )?;
    events::insert(
        conn,
        &NewEvent {
            item_id: item.id,
            occurred_at: now,
            staff_id: Some(actor.id),
            action: "received".into(),
            from_status: None,
            to_status: Some(Status::InStore),
            client_id: None,
            notes: None,
        },
    )?;
    views::by_id(conn, item.id, public_url)
}

pub fn list(
    conn: &mut DbConn,
    filter: &ItemFilter,
    page: Page,
    public_url: &str,
) -> Result<Paged<ItemView>, AppError> {
    let (ids, total) = items::list(conn, filter, page.offset(), page.per_page)?;
    Ok(page.wrap(views::by_ids(conn, &ids, public_url)?, total))
}

/// Every item `filter` matches, refused when there are more than `max`.
pub fn all_matching(
    conn: &mut DbConn,
    filter: &ItemFilter,
    max: i64,
    public_url: &str,
) -> Result<Vec<ItemView>, AppError> {
    let (ids, total) = items::list(conn, filter, 0, max)?;
    if total > max {
        return Err(AppError::invalid(
            "filter",
            format!("matches {total} items; at most {max} at once"),
        ));
    }
    views::by_ids(conn, &ids, public_url)
}

pub fn patch(
    conn: &mut DbConn,
    actor: &Actor,
    tag: &str,
    req: &PatchItem,
    public_url: &str,
) -> Result<ItemView, AppError> {
    actor.require(Action::ManageItems)?;
    let item = row_by_tag(conn, tag)?;
    check_version(&item, req.expected_version)?;
    let mut errors = Errors::default();
    let mut changes = ItemChanges::default();
    let mut said = Vec::new();
    if let Some(serial) = &req.serial_number {
        changes.serial_number = Some(errors.optional("serial_number", serial.as_deref(), MAX_TEXT));
        said.push("serial number");
    }
    if let Some(batch) = &req.batch {
        changes.batch = Some(errors.optional("batch", batch.as_deref(), MAX_TEXT));
        said.push("batch");
    }
    if let Some(location) = req.location_id {
        if let Some(id) = location {
            if locations::get(conn, id)?.is_none() {
                errors.add("location_id", format!("no location has the id {id}"));
            }
        }
        changes.location_id = Some(location);
        said.push("location");
    }
    if let Some(made) = &req.manufactured_on {
        changes.manufactured_on = Some(manufactured(&mut errors, made.as_deref()));
        said.push("date of manufacture");
    }
    if let Some(kg) = req.safe_working_load_kg {
        changes.safe_working_load_kg = Some(load(&mut errors, kg));
        said.push("safe working load");
    }
    if let Some(worker) = req.worker_id {
        if let Some(id) = worker {
            check_worker(conn, id, "worker_id", &mut errors)?;
        }
        changes.worker_id = Some(worker);
        said.push("responsible worker");
    }
    let notes = errors.optional("notes", req.notes.as_deref(), MAX_NOTES);
    if changes.serial_number.is_some() || changes.batch.is_some() {
        let serial = changes
            .serial_number
            .clone()
            .unwrap_or(item.serial_number.clone());
        let batch = changes.batch.clone().unwrap_or(item.batch.clone());
        changes.search_key = Some(items::search_key(
            &item.asset_tag,
            serial.as_deref(),
            batch.as_deref(),
        ));
    }
    if said.is_empty() {
        errors.add("body", "names nothing to change");
    }
    errors.finish()?;
    let now = now();
    if !items::update_versioned(conn, item.id, item.version, &changes, now)? {
        return Err(stale());
    }
    audit::record(
        conn,
        Some(actor),
        "item_updated",
        Subject::Item(item.id),
        edit_details(&item, &changes),
    )?;
    events::insert(
        conn,
        &NewEvent {
            item_id: item.id,
            occurred_at: now,
            staff_id: Some(actor.id),
            action: "updated".into(),
            from_status: None,
            to_status: None,
            client_id: None,
            notes: Some(match notes {
                Some(n) => format!("changed {}: {n}", said.join(", ")),
                None => format!("changed {}", said.join(", ")),
            }),
        },
    )?;
    views::by_id(conn, item.id, public_url)
}

/// The old and new value of each field an edit names.
fn edit_details(item: &Item, changes: &ItemChanges) -> serde_json::Value {
    let mut old = serde_json::Map::new();
    let mut new = serde_json::Map::new();
    let mut pair = |field: &str, before: serde_json::Value, after: serde_json::Value| {
        old.insert(field.into(), before);
        new.insert(field.into(), after);
    };
    if let Some(v) = &changes.serial_number {
        pair("serial_number", json!(item.serial_number), json!(v));
    }
    if let Some(v) = &changes.batch {
        pair("batch", json!(item.batch), json!(v));
    }
    if let Some(v) = &changes.location_id {
        pair("location_id", json!(item.location_id), json!(v));
    }
    if let Some(v) = &changes.worker_id {
        pair("worker_id", json!(item.worker_id), json!(v));
    }
    json!({ "asset_tag": item.asset_tag, "old": old, "new": new })
}

/// A worker who can be made responsible (see `responsibility_refused`).
pub fn check_worker(conn: &mut DbConn, id: i64, field: &str, errors: &mut Errors) -> Result<(), AppError> {
    match staff::get(conn, id)? {
        None => errors.add(field, format!("no staff member has the id {id}")),
        Some(s) => {
            if let Some(why) = responsibility_refused(&s) {
                errors.add(field, why)
            }
        }
    }
    Ok(())
}

/// Why `staff` cannot be made responsible for items, or `None` if they can: active staff
/// whose role may be responsible. The one rule for the API and the desk's worker box (which
/// asks the database for it as `active` and `responsible_roles`).
pub fn responsibility_refused(staff: &staff::Staff) -> Option<String> {
    if !staff.active {
        return Some("that staff member is not active".into());
    }
    (!staff.role.may(Action::BeResponsible))
        .then(|| format!("a {} cannot be responsible for items", staff.role.as_str()))
}

/// The roles `responsibility_refused` lets through, for a query that offers only those.
pub fn responsible_roles() -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| r.may(Action::BeResponsible))
        .collect()
}

pub fn check_version(item: &Item, expected: Option<i64>) -> Result<(), AppError> {
    super::check_version_of("item", item.version, expected)
}

pub fn stale() -> AppError {
    AppError::conflict("someone else changed the item at the same moment; read it again and retry")
}

/// An item's history a page at a time, oldest first: the API's order.
pub fn history(conn: &mut DbConn, tag: &str, page: Page) -> Result<Paged<EventView>, AppError> {
    history_in(conn, tag, false, page)
}

/// An item's history a page at a time, newest first: the history page's order.
pub fn history_newest_first(conn: &mut DbConn, tag: &str, page: Page) -> Result<Paged<EventView>, AppError> {
    history_in(conn, tag, true, page)
}

fn history_in(
    conn: &mut DbConn,
    tag: &str,
    newest_first: bool,
    page: Page,
) -> Result<Paged<EventView>, AppError> {
    let item = row_by_tag(conn, tag)?;
    let (rows, total) = events::for_item(conn, item.id, newest_first, page.offset(), page.per_page)?;
    let ids: Vec<i64> = rows.iter().map(|(e, _)| e.id).collect();
    let mut handed: HashMap<i64, HandoverView> = handovers::facts_of_events(conn, &ids)?
        .into_iter()
        .map(|f| (f.event_id, f.into()))
        .collect();
    let views = rows
        .into_iter()
        .map(|(e, staff_name)| EventView {
            handover: handed.remove(&e.id),
            note_url: NoteKind::of_action(&e.action).map(|_| note_path(e.id)),
            id: e.id,
            occurred_at: e.occurred_at.and_utc(),
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            staff_id: e.staff_id,
            staff_name,
            client_id: e.client_id,
            notes: e.notes,
        })
        .collect();
    Ok(page.wrap(views, total))
}
