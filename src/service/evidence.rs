//! What the evidence PDFs print, read in one transaction: the LOLER Schedule 1 report of one
//! examination, and an item's whole record. `pdf::evidence` words them.

use chrono::{DateTime, NaiveDate, Utc};

use super::examinations::{self, CheckView};
use super::items::{EventView, history, row_by_tag};
use super::now;
use super::pages::Page;
use super::views::{self, ItemView};
use crate::db::decontaminations::{self, Cleaning};
use crate::db::recalls::{self, Recall, RecallItem};
use crate::db::{DbConn, checks, clients, types};
use crate::error::AppError;

/// Where the equipment was examined (Schedule 1, paragraph 3).
pub enum Premises {
    /// At a client's home: their address and postcode (personal data: printed, never
    /// logged).
    Home {
        address: String,
        postcode: String,
    },
    /// In store, by the store's name.
    Store(String),
    Unknown,
}

/// The equipment as the report identifies it (Schedule 1, paragraph 4).
pub struct Equipment {
    pub type_name: String,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    pub asset_tag: String,
    pub manufactured_on: Option<NaiveDate>,
    /// The item's own, or its type's.
    pub safe_working_load_kg: Option<i32>,
}

/// One examination's report.
pub struct Report {
    pub premises: Premises,
    pub equipment: Equipment,
    /// The check, with its examination record and defects.
    pub check: CheckView,
}

/// The Schedule 1 report of check `check_id`: 404 when there is no such check, 409 when it
/// is a check of a rule that is not an examination (it has no report to print).
pub fn report(conn: &mut DbConn, check_id: i64, public_url: &str) -> Result<Report, AppError> {
    let record = checks::by_id(conn, check_id)?
        .ok_or_else(|| AppError::NotFound(format!("no check has the id {check_id}")))?;
    let item = views::by_id(conn, record.item_id, public_url)?;
    let check = examinations::list_of_item(conn, record.item_id)?
        .into_iter()
        .find(|c| c.id == check_id)
        .ok_or_else(|| AppError::NotFound(format!("no check has the id {check_id}")))?;
    if check.examination.is_none() {
        return Err(AppError::conflict(format!(
            "check {check_id} ({}) is not a thorough examination: it has no Schedule 1 report; \
             the item's record ({}/record.pdf) lists it",
            check.rule, item.asset_tag
        )));
    }
    // Where the item was when the check was recorded: the client its history entry names,
    // else the store it is in (a store's items do not change stores in the register).
    let premises = match checks::client_when_recorded(conn, check_id)? {
        Some(client_id) => match clients::get(conn, client_id)? {
            Some(c) => Premises::Home {
                address: c.address,
                postcode: c.postcode,
            },
            None => Premises::Unknown,
        },
        None => item
            .location
            .as_ref()
            .map_or(Premises::Unknown, |l| Premises::Store(l.name.clone())),
    };
    let equipment_type = types::get(conn, item.type_.id)?;
    Ok(Report {
        premises,
        equipment: Equipment {
            type_name: item.type_.name,
            manufacturer: equipment_type.manufacturer,
            model: equipment_type.model,
            serial_number: item.serial_number,
            asset_tag: item.asset_tag,
            manufactured_on: item.manufactured_on,
            safe_working_load_kg: item.safe_working_load_kg,
        },
        check,
    })
}

/// A recall that has named the item, and how it stands for the item.
pub struct RecallOnItem {
    pub recall: Recall,
    pub on_item: RecallItem,
}

/// Everything held about one item.
pub struct Record {
    pub item: ItemView,
    pub manufacturer: Option<String>,
    pub model: Option<String>,
    pub checks: Vec<CheckView>,
    pub decontaminations: Vec<Cleaning>,
    pub recalls: Vec<RecallOnItem>,
    /// The whole history, oldest first.
    pub history: Vec<EventView>,
    /// When the record was read.
    pub at: DateTime<Utc>,
}

/// Most history entries a record prints: far beyond any item's life, a bound on the read.
const MAX_HISTORY: i64 = 100_000;

pub fn record(conn: &mut DbConn, tag: &str, public_url: &str) -> Result<Record, AppError> {
    let row = row_by_tag(conn, tag)?;
    let item = views::by_id(conn, row.id, public_url)?;
    let equipment_type = types::get(conn, item.type_.id)?;
    let checks = examinations::list_of_item(conn, row.id)?;
    let decontaminations = decontaminations::of_item(conn, row.id)?;
    let recalls = recalls::of_item(conn, row.id)?
        .into_iter()
        .map(|(recall, on_item)| RecallOnItem { recall, on_item })
        .collect();
    let history = history(
        conn,
        &row.asset_tag,
        Page {
            page: 1,
            per_page: MAX_HISTORY,
        },
    )?
    .items;
    Ok(Record {
        item,
        manufacturer: equipment_type.manufacturer,
        model: equipment_type.model,
        checks,
        decontaminations,
        recalls,
        history,
        at: now().and_utc(),
    })
}
