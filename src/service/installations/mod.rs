//! The telecare installation in a client's home: recorded or replaced whole (PUT), read, and
//! its history. Each change and its history row are written in the caller's transaction.
//! Responders are personal data, blanked when the client is erased.

mod body;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::{Deserialize, Serialize};

pub use body::{PutInstallation, ResponderInput, SwitchoverInput};

use super::Actor;
use super::clients::find;
use super::pages::{Page, Paged};
use crate::db::DbConn;
use crate::db::items as item_rows;
use crate::db::telecare::{self as rows, Installation, InstallationFields};
use crate::db::types;
use crate::domain::roles::Action;
use crate::domain::telecare::{Connection, RouterBattery, SwitchoverStatus, digital_ready};
use crate::error::AppError;

/// A person to call, as stored (JSON) and answered. Personal data: no `Debug`, so no log
/// line can print it (nor the views that hold it).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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

#[derive(Clone, Serialize, utoipa::ToSchema)]
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
#[derive(Serialize, utoipa::ToSchema)]
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
    let fields = body::read(conn, client_id, req, today)?;
    let created = write(conn, client_id, req.expected_version, &fields)?;
    let view = view_of(conn, client_id)?
        .ok_or_else(|| AppError::internal("telecare", "the installation just written is not there"))?;
    let json = serde_json::to_string(&view).map_err(|e| AppError::internal("installation as JSON", e))?;
    rows::record_change(conn, client_id, fields.updated_at, actor.id, &json)?;
    Ok(Saved { view, created })
}

/// Inserts the client's first installation, or replaces the one at `expected` version;
/// answers whether it was the first. Optimistic: a version that is not the stored one is 409.
fn write(
    conn: &mut DbConn,
    client_id: i64,
    expected: Option<i64>,
    fields: &InstallationFields,
) -> Result<bool, AppError> {
    let stored = rows::get(conn, client_id)?.map(|row| row.version);
    let written = match (stored, expected) {
        (None, None) => rows::insert(conn, client_id, fields),
        (None, Some(_)) => {
            return Err(AppError::conflict(
                "this client has no telecare installation yet: send it without expected_version",
            ));
        }
        (Some(version), None) => {
            return Err(AppError::conflict(format!(
                "this client's telecare installation exists (version {version}): send expected_version to replace it"
            )));
        }
        (Some(version), Some(expected)) if expected != version => return Err(stale(Some(version))),
        // Still at `expected` unless someone wrote it since it was read just now.
        (Some(version), Some(expected)) => match rows::replace(conn, client_id, expected, fields) {
            Ok(true) => Ok(()),
            Ok(false) => return Err(stale(Some(version))),
            Err(e) => Err(e),
        },
    };
    written.map_err(|e| match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            // SQLite names the columns in its message, PostgreSQL the index.
            let reference = info.constraint_name() == Some("telecare_installations_centre_reference")
                || info.message().contains("unit_reference");
            if reference {
                AppError::conflict(format!(
                    "another home has the unit reference {:?} at {:?}",
                    fields.unit_reference, fields.monitoring_centre
                ))
            } else {
                // Two first installations for one client at the same moment: one won.
                stale(None)
            }
        }
        e => AppError::from(e),
    })?;
    Ok(stored.is_none())
}

fn stale(stored: Option<i64>) -> AppError {
    match stored {
        Some(version) => AppError::conflict(format!(
            "the installation was changed since you read it (it is at version {version} now): read it again"
        )),
        None => AppError::conflict("the installation was changed since you read it: read it again"),
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
        changed_by: c
            .staff_id
            .zip(c.staff_name)
            .map(|(id, name)| ChangedBy { id, name }),
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
