//! The body of `PUT /clients/{id}/telecare` and how it is read: each field checked, the
//! switchover's stages by `domain::telecare`, the base unit looked up among what the client
//! holds.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::openapi::schema::Object;

use super::Responder;
use crate::db::DbConn;
use crate::db::items::{self as item_rows, Item};
use crate::db::telecare::InstallationFields;
use crate::db::types;
use crate::domain::asset_tag::AssetTag;
use crate::domain::field_schema::{date, one_of, optional_text, required_text};
use crate::domain::lifecycle::Status;
use crate::domain::telecare::{Connection, MAX_RESPONDERS, RouterBattery, Switchover, SwitchoverStatus};
use crate::domain::validate::{self, Errors};
use crate::error::AppError;
use crate::service::now;

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
#[derive(Default, Deserialize, utoipa::ToSchema)]
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

#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
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
        scheduled_on: day(
            errors,
            "switchover.scheduled_on",
            given.scheduled_on.as_deref(),
            None,
        ),
        migrated_on: day(
            errors,
            "switchover.migrated_on",
            given.migrated_on.as_deref(),
            Some(today),
        ),
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
        errors.add(
            "base_unit",
            format!("{} is not held by this client", item.asset_tag),
        );
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

/// The body checked and read into the row a PUT writes: every problem named at once.
pub(super) fn read(
    conn: &mut DbConn,
    client_id: i64,
    req: &PutInstallation,
    today: NaiveDate,
) -> Result<InstallationFields, AppError> {
    let mut errors = Errors::default();
    let monitoring_centre =
        errors.required("monitoring_centre", req.monitoring_centre.as_deref(), MAX_CENTRE);
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
        raw => word(
            &mut errors,
            "connection",
            raw,
            Connection::parse,
            &Connection::WORDS,
        ),
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
    Ok(InstallationFields {
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
    })
}
