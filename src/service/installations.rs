//! The telecare installation in a client's home: recorded or replaced whole (PUT), read, and
//! its history. Each change and its history row are written in the caller's transaction.
//! Responders are personal data, blanked when the client is erased.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::Object;

use super::clients::find;
use super::pages::{Page, Paged};
use super::{Actor, now};
use crate::db::DbConn;
use crate::db::items::{self as item_rows, Item};
use crate::db::telecare::{self as rows, Installation, InstallationFields};
use crate::db::types;
use crate::domain::asset_tag::AssetTag;
use crate::domain::field_schema::{date, one_of, optional_text, required_text};
use crate::domain::lifecycle::Status;
use crate::domain::roles::Action;
use crate::domain::telecare::{
    Connection, MAX_RESPONDERS, RouterBattery, Switchover, SwitchoverStatus, digital_ready,
};
use crate::domain::validate::{self, Errors};
use crate::error::AppError;

/// The longest monitoring centre's name and unit reference.
const MAX_CENTRE: usize = 100;
const MAX_UNIT_REFERENCE: usize = 64;
const MAX_NAME: usize = 200;
const MAX_PHONE: usize = 40;
const MAX_RELATION: usize = 100;

fn connection_words() -> Object {
    one_of(&Connection::WORDS, false)
}

fn router_battery_words() -> Object {
    one_of(&RouterBattery::WORDS, true)
}

fn status_words() -> Object {
    one_of(&SwitchoverStatus::WORDS, false)
}

/// The installation as a PUT sends it: the whole of it (what is left out takes its default).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutInstallation {
    /// The monitoring centre that answers the home's calls.
    #[schema(required = true, schema_with = required_text::<100>)]
    pub monitoring_centre: Option<String>,
    /// The unit's reference at that centre (unique at the centre: 409 if another home has it).
    #[schema(required = true, schema_with = required_text::<64>)]
    pub unit_reference: Option<String>,
    /// The asset tag of the base unit: an item of a `telecare` type the client holds (422
    /// otherwise). Absent or null: none recorded, and the home is not digital-ready.
    #[schema(schema_with = optional_text::<64>)]
    pub base_unit: Option<String>,
    #[schema(required = true, schema_with = connection_words)]
    pub connection: Option<String>,
    /// Whether the phone provider has been told the person relies on telecare (default false).
    pub provider_told: Option<bool>,
    /// Router battery back-up: `yes`, `no` or `unknown` (default).
    #[schema(schema_with = router_battery_words)]
    pub router_battery: Option<String>,
    /// People to call, at most 10 (default none).
    #[schema(max_items = 10)]
    pub responders: Option<Vec<ResponderInput>>,
    /// Whether there is a key safe (default false). Its code is never recorded: there is no
    /// field for it, and a field this body does not name is refused.
    pub key_safe: Option<bool>,
    /// Default: `not_started` with no dates.
    pub switchover: Option<SwitchoverInput>,
    /// The installation's version as last read: required to replace one that exists (409
    /// when missing or stale), and refused (409) when the client has none yet.
    #[schema(minimum = 1)]
    pub expected_version: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponderInput {
    #[schema(required = true, schema_with = required_text::<200>)]
    pub name: Option<String>,
    #[schema(schema_with = optional_text::<40>)]
    pub phone: Option<String>,
    /// Who they are to the person: daughter, neighbour, warden...
    #[schema(schema_with = optional_text::<100>)]
    pub relation: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchoverInput {
    /// `scheduled` needs `scheduled_on`; `migrated` needs `migrated_on`; `verified` needs
    /// `migrated_on` and `end_to_end_test_on` (422 naming the missing date).
    #[schema(required = true, schema_with = status_words)]
    pub status: Option<String>,
    #[schema(schema_with = nullable_day)]
    pub scheduled_on: Option<String>,
    /// Not in the future.
    #[schema(schema_with = nullable_day)]
    pub migrated_on: Option<String>,
    /// The end-to-end test call after migration: not before `migrated_on`, not in the future.
    #[schema(schema_with = nullable_day)]
    pub end_to_end_test_on: Option<String>,
}

fn nullable_day() -> Object {
    date(true)
}

/// A person to call, as stored (JSON) and answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Responder {
    pub name: String,
    pub phone: Option<String>,
    pub relation: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SwitchoverView {
    pub status: SwitchoverStatus,
    pub scheduled_on: Option<NaiveDate>,
    pub migrated_on: Option<NaiveDate>,
    pub end_to_end_test_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InstallationView {
    pub client_id: i64,
    pub monitoring_centre: String,
    pub unit_reference: String,
    /// The base unit's asset tag, if recorded.
    pub base_unit: Option<String>,
    /// The base unit's equipment type code.
    pub base_unit_type: Option<String>,
    pub connection: Connection,
    /// Read-only: the connection is not `pstn` and the base unit's type is a digital unit.
    pub digital_ready: bool,
    pub provider_told: bool,
    pub router_battery: RouterBattery,
    pub responders: Vec<Responder>,
    pub key_safe: bool,
    pub switchover: SwitchoverView,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChangedBy {
    pub id: i64,
    pub name: String,
}

/// One change of the installation in the client's history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InstallationChange {
    pub id: i64,
    pub changed_at: DateTime<Utc>,
    pub changed_by: Option<ChangedBy>,
    /// The installation as it was after the change (as `InstallationView`); null once the
    /// client is erased.
    #[schema(value_type = Option<Object>)]
    pub installation: serde_json::Value,
}

/// What a PUT did: the installation as it is now, and whether it is new.
pub struct Saved {
    pub view: InstallationView,
    pub created: bool,
}

/// The client's installation, or 404 when the client has none (or does not exist).
pub fn get(conn: &mut DbConn, client_id: i64) -> Result<InstallationView, AppError> {
    find(conn, client_id)?;
    view_of(conn, client_id)?
        .ok_or_else(|| AppError::NotFound(format!("client {client_id} has no telecare installation")))
}

/// The installation, or none; for the client's page.
pub fn of_client(conn: &mut DbConn, client_id: i64) -> Result<Option<InstallationView>, AppError> {
    view_of(conn, client_id)
}

pub(super) fn view_of(conn: &mut DbConn, client_id: i64) -> Result<Option<InstallationView>, AppError> {
    let Some(row) = rows::get(conn, client_id)? else {
        return Ok(None);
    };
    let unit = match row.base_unit_id {
        Some(id) => {
            let item = item_rows::get_many(conn, &[id])?.into_iter().next();
            match item {
                Some(item) => Some((item.asset_tag, types::get(conn, item.type_id)?)),
                None => None,
            }
        }
        None => None,
    };
    Ok(Some(view(row, unit)))
}

fn view(row: Installation, unit: Option<(String, types::EquipmentType)>) -> InstallationView {
    // Stored by `put` from checked values: a row that does not read is shown with none.
    let responders: Vec<Responder> = serde_json::from_str(&row.responders).unwrap_or_default();
    let digital = unit.as_ref().map(|(_, t)| t.digital_unit);
    InstallationView {
        client_id: row.client_id,
        monitoring_centre: row.monitoring_centre,
        unit_reference: row.unit_reference,
        digital_ready: digital_ready(row.connection, digital),
        base_unit_type: unit.as_ref().map(|(_, t)| t.code.clone()),
        base_unit: unit.map(|(tag, _)| tag),
        connection: row.connection,
        provider_told: row.provider_told,
        router_battery: row.router_battery,
        responders,
        key_safe: row.key_safe,
        switchover: SwitchoverView {
            status: row.switchover_status,
            scheduled_on: row.switchover_scheduled_on,
            migrated_on: row.migrated_on,
            end_to_end_test_on: row.end_to_end_test_on,
        },
        version: row.version,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

/// A word of `W` from a request; `None` when absent.
fn word<W: Copy>(
    errors: &mut Errors,
    field: &str,
    raw: Option<&str>,
    parse: fn(&str) -> Option<W>,
    words: &[&str],
) -> Option<W> {
    let raw = raw?;
    let found = parse(raw.trim());
    if found.is_none() {
        errors.add(field, format!("must be one of {}", words.join(", ")));
    }
    found
}

/// A date of the switchover: null or absent is none; anything else must read as a date
/// (blank too, as the document's pattern says).
fn day(errors: &mut Errors, field: &str, raw: Option<&str>, done_by: Option<NaiveDate>) -> Option<NaiveDate> {
    let raw = raw?;
    let parsed = match done_by {
        Some(today) => validate::day_done(raw, today),
        None => validate::date(raw),
    };
    parsed.map_err(|m| errors.add(field, m)).ok()
}

fn responders_of(errors: &mut Errors, list: &[ResponderInput]) -> Vec<Responder> {
    if list.len() > MAX_RESPONDERS {
        errors.add("responders", format!("must list at most {MAX_RESPONDERS}"));
    }
    list.iter()
        .enumerate()
        .map(|(i, r)| Responder {
            name: errors.required(&format!("responders[{i}].name"), r.name.as_deref(), MAX_NAME),
            phone: errors.optional(&format!("responders[{i}].phone"), r.phone.as_deref(), MAX_PHONE),
            relation: errors.optional(
                &format!("responders[{i}].relation"),
                r.relation.as_deref(),
                MAX_RELATION,
            ),
        })
        .collect()
}

fn switchover_of(errors: &mut Errors, req: Option<&SwitchoverInput>, today: NaiveDate) -> Switchover {
    let given = req.cloned().unwrap_or_default();
    let status = match &given.status {
        None if req.is_some() => {
            errors.add("switchover.status", "is required");
            None
        }
        None => Some(SwitchoverStatus::NotStarted),
        raw => word(
            errors,
            "switchover.status",
            raw.as_deref(),
            SwitchoverStatus::parse,
            &SwitchoverStatus::WORDS,
        ),
    };
    let before = errors.count();
    let switchover = Switchover {
        status: status.unwrap_or(SwitchoverStatus::NotStarted),
        scheduled_on: day(errors, "switchover.scheduled_on", given.scheduled_on.as_deref(), None),
        migrated_on: day(errors, "switchover.migrated_on", given.migrated_on.as_deref(), Some(today)),
        end_to_end_test_on: day(
            errors,
            "switchover.end_to_end_test_on",
            given.end_to_end_test_on.as_deref(),
            Some(today),
        ),
    };
    // The stage's rules only once every part of it reads.
    if status.is_some() && errors.count() == before {
        for (field, message) in switchover.problems() {
            errors.add(&format!("switchover.{field}"), message);
        }
    }
    switchover
}

/// The base unit a tag names: an item of a telecare type that the client holds.
fn base_unit_of(
    conn: &mut DbConn,
    errors: &mut Errors,
    client_id: i64,
    raw: Option<&str>,
) -> Result<Option<Item>, AppError> {
    let Some(raw) = errors.optional("base_unit", raw, 64) else {
        return Ok(None);
    };
    let item = match AssetTag::parse(&raw) {
        Ok(tag) => item_rows::by_tag(conn, tag.as_str())?,
        Err(_) => None,
    };
    let Some(item) = item else {
        errors.add("base_unit", format!("no item has the tag {raw:?}"));
        return Ok(None);
    };
    if item.client_id != Some(client_id) || item.status == Status::Condemned {
        errors.add("base_unit", format!("{} is not held by this client", item.asset_tag));
        return Ok(None);
    }
    let kind = types::get(conn, item.type_id)?;
    if kind.category != "telecare" {
        errors.add(
            "base_unit",
            format!("{} is a {}, not a telecare unit", item.asset_tag, kind.name),
        );
        return Ok(None);
    }
    Ok(Some(item))
}

/// Records the client's installation or replaces it whole, with its history row, in the
/// caller's transaction. `today`: the day dates of things done may not pass.
pub fn put(
    conn: &mut DbConn,
    actor: &Actor,
    client_id: i64,
    req: &PutInstallation,
    today: NaiveDate,
) -> Result<Saved, AppError> {
    actor.require(Action::ManageTelecare)?;
    let client = find(conn, client_id)?;
    if client.erased_at.is_some() {
        return Err(AppError::conflict("this client has been erased"));
    }
    let mut errors = Errors::default();
    let monitoring_centre = errors.required("monitoring_centre", req.monitoring_centre.as_deref(), MAX_CENTRE);
    let unit_reference = errors.required(
        "unit_reference",
        req.unit_reference.as_deref(),
        MAX_UNIT_REFERENCE,
    );
    let base_unit = base_unit_of(conn, &mut errors, client_id, req.base_unit.as_deref())?;
    let connection = match req.connection.as_deref() {
        None => {
            errors.add("connection", "is required");
            None
        }
        raw => word(&mut errors, "connection", raw, Connection::parse, &Connection::WORDS),
    };
    let router_battery = word(
        &mut errors,
        "router_battery",
        req.router_battery.as_deref(),
        RouterBattery::parse,
        &RouterBattery::WORDS,
    )
    .unwrap_or(RouterBattery::Unknown);
    let responders = responders_of(&mut errors, req.responders.as_deref().unwrap_or_default());
    let switchover = switchover_of(&mut errors, req.switchover.as_ref(), today);
    if req.expected_version.is_some_and(|v| v < 1) {
        errors.add("expected_version", "must be 1 or more");
    }
    errors.finish()?;
    let Some(connection) = connection else {
        return Err(AppError::invalid("connection", "is required"));
    };
    let fields = InstallationFields {
        unit_reference,
        base_unit_id: base_unit.map(|i| i.id),
        connection,
        provider_told: req.provider_told.unwrap_or(false),
        router_battery,
        responders: serde_json::to_string(&responders)
            .map_err(|e| AppError::internal("responders as JSON", e))?,
        key_safe: req.key_safe.unwrap_or(false),
        switchover_status: switchover.status,
        switchover_scheduled_on: switchover.scheduled_on,
        migrated_on: switchover.migrated_on,
        end_to_end_test_on: switchover.end_to_end_test_on,
        updated_at: now(),
        monitoring_centre,
    };
    let existing = rows::get(conn, client_id)?;
    let written = match (existing, req.expected_version) {
        (None, None) => rows::insert(conn, client_id, &fields),
        (None, Some(_)) => {
            return Err(AppError::conflict(
                "this client has no telecare installation yet: send it without expected_version",
            ));
        }
        (Some(row), None) => {
            return Err(AppError::conflict(format!(
                "this client's telecare installation exists (version {}): send expected_version to replace it",
                row.version
            )));
        }
        (Some(row), Some(expected)) if expected != row.version => {
            return Err(stale(row.version));
        }
        (Some(_), Some(expected)) => rows::replace(conn, client_id, expected, &fields).and_then(|done| {
            if done {
                Ok(())
            } else {
                Err(diesel::result::Error::RollbackTransaction)
            }
        }),
    };
    let created = req.expected_version.is_none();
    written.map_err(|e| {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::RollbackTransaction => stale(0),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => AppError::conflict(format!(
                "another home has the unit reference {:?} at {:?}",
                fields.unit_reference, fields.monitoring_centre
            )),
            e => AppError::from(e),
        }
    })?;
    let view = view_of(conn, client_id)?
        .ok_or_else(|| AppError::conflict("the installation was changed by someone else; try again"))?;
    let json = serde_json::to_string(&view).map_err(|e| AppError::internal("installation as JSON", e))?;
    rows::record_change(conn, client_id, fields.updated_at, actor.id, &json)?;
    Ok(Saved { view, created })
}

fn stale(now_at: i64) -> AppError {
    if now_at > 0 {
        AppError::conflict(format!(
            "the installation was changed since you read it (it is at version {now_at} now): read it again"
        ))
    } else {
        AppError::conflict("the installation was changed since you read it: read it again")
    }
}

/// The installation's changes, newest first (404 for no such client).
pub fn history(conn: &mut DbConn, client_id: i64, page: Page) -> Result<Paged<InstallationChange>, AppError> {
    find(conn, client_id)?;
    let (list, total) = rows::changes(conn, client_id, page.offset(), page.per_page)?;
    Ok(page.wrap(list.into_iter().map(change_view).collect(), total))
}

/// Every change, for the subject access export.
pub fn all_changes(conn: &mut DbConn, client_id: i64) -> Result<Vec<InstallationChange>, AppError> {
    let (list, _) = rows::changes(conn, client_id, 0, i64::MAX)?;
    Ok(list.into_iter().map(change_view).collect())
}

fn change_view(c: rows::Change) -> InstallationChange {
    InstallationChange {
        id: c.id,
        changed_at: c.changed_at.and_utc(),
        changed_by: c.staff_id.zip(c.staff_name).map(|(id, name)| ChangedBy { id, name }),
        installation: serde_json::from_str(&c.installation).unwrap_or(serde_json::Value::Null),
    }
}

/// The responders' names and phones, for the words an erasure redacts from mail.
pub fn responder_words(conn: &mut DbConn, client_id: i64) -> Result<Vec<String>, AppError> {
    let stored = rows::responders_of(conn, client_id)?.unwrap_or_default();
    let list: Vec<Responder> = serde_json::from_str(&stored).unwrap_or_default();
    Ok(list
        .into_iter()
        .flat_map(|r| std::iter::once(r.name).chain(r.phone))
        .collect())
}
