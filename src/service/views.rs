//! What the API answers for an item, assembled from a few batched queries.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConn;
use crate::db::clients::Client;
use crate::db::items::{self, Item};
use crate::db::locations::Location;
use crate::db::schema::{clients, equipment_types, items as items_table, locations, staff};
use crate::db::staff::Staff;
use crate::db::types::{self, CheckRule, EquipmentType};
use crate::domain::lifecycle::{ItemState, Status};
use crate::error::AppError;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TypeRef {
    pub code: String,
    pub name: String,
    pub category: String,
    pub requires_decontamination: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocationRef {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct ClientRef {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StaffRef {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// One check rule of the item's type and where the item stands with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckDueView {
    pub rule: String,
    pub interval_days: i32,
    pub last_checked_at: Option<NaiveDate>,
    pub next_due: Option<NaiveDate>,
}

#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub asset_tag: String,
    #[serde(rename = "type")]
    pub type_: TypeRef,
    pub serial_number: Option<String>,
    pub batch: Option<String>,
    pub status: Status,
    /// The store it belongs to; where it is, unless it is with a client.
    pub location: Option<LocationRef>,
    /// The client who holds it, when it is issued to or fitted in a home.
    pub client: Option<ClientRef>,
    /// The responsible worker.
    pub worker: Option<StaffRef>,
    pub fitted_at: Option<NaiveDate>,
    pub last_checked_at: Option<NaiveDate>,
    /// The earliest of `checks_due`.
    pub next_check_due: Option<NaiveDate>,
    pub checks_due: Vec<CheckDueView>,
    pub under_open_recall: bool,
    pub version: i64,
    /// What the item's QR label encodes.
    pub qr_payload: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ItemView {
    pub fn lifecycle(&self) -> ItemState {
        ItemState {
            status: self.status,
            at_client: self.client.is_some(),
            fitted: self.fitted_at.is_some(),
            under_open_recall: self.under_open_recall,
            requires_decontamination: self.type_.requires_decontamination,
        }
    }
}

impl From<&Location> for LocationRef {
    fn from(l: &Location) -> Self {
        Self {
            id: l.id,
            name: l.name.clone(),
        }
    }
}

impl From<&Client> for ClientRef {
    fn from(c: &Client) -> Self {
        Self {
            id: c.id,
            reference: c.reference.clone(),
            name: c.name.clone(),
            address: c.address.clone(),
            postcode: c.postcode.clone(),
            phone: c.phone.clone(),
        }
    }
}

impl From<&Staff> for StaffRef {
    fn from(s: &Staff) -> Self {
        Self {
            id: s.id,
            name: s.name.clone(),
            email: s.email.clone(),
        }
    }
}

impl From<&EquipmentType> for TypeRef {
    fn from(t: &EquipmentType) -> Self {
        Self {
            code: t.code.clone(),
            name: t.name.clone(),
            category: t.category.clone(),
            requires_decontamination: t.requires_decontamination,
        }
    }
}

pub fn qr_payload(public_url: &str, tag: &str) -> String {
    format!("{}/s/{tag}", public_url.trim_end_matches('/'))
}

type Joined = (
    Item,
    EquipmentType,
    Option<Location>,
    Option<Client>,
    Option<Staff>,
);

/// The item row with its type, store, client and worker, in one query.
macro_rules! joined {
    () => {
        items_table::table
            .inner_join(equipment_types::table)
            .left_join(locations::table)
            .left_join(clients::table)
            .left_join(staff::table)
            .select((
                Item::as_select(),
                EquipmentType::as_select(),
                Option::<Location>::as_select(),
                Option::<Client>::as_select(),
                Option::<Staff>::as_select(),
            ))
    };
}

/// Views of the given item ids, in the order given, from four queries whatever their number.
pub fn load(conn: &mut DbConn, ids: &[i64], public_url: &str) -> Result<Vec<ItemView>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<Joined> = joined!().filter(items_table::id.eq_any(ids)).load(conn)?;
    let type_ids: Vec<i64> = rows
        .iter()
        .map(|r| r.1.id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let rules = types::rules_for(conn, &type_ids)?;
    let dues = items::dues_for(conn, ids)?;
    let recalled: HashSet<i64> = items::under_open_recall(conn, ids)?.into_iter().collect();
    let mut by_id: HashMap<i64, ItemView> = rows
        .into_iter()
        .map(|row| {
            let id = row.0.id;
            let type_id = row.1.id;
            let own_rules: Vec<&CheckRule> = rules.iter().filter(|r| r.type_id == type_id).collect();
            let own_dues: Vec<&items::CheckDue> = dues.iter().filter(|d| d.item_id == id).collect();
            (
                id,
                assemble(row, &own_rules, &own_dues, recalled.contains(&id), public_url),
            )
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The view of one item. Every query here has fixed SQL, so each backend reuses its
/// prepared statements: this is the path every scan and item page takes.
pub fn load_one(conn: &mut DbConn, item_id: i64, public_url: &str) -> Result<ItemView, AppError> {
    let row: Joined = joined!()
        .filter(items_table::id.eq(item_id))
        .first(conn)
        .optional()?
        .ok_or_else(|| AppError::not_found("item not found"))?;
    let rules = types::rules_of(conn, row.1.id)?;
    let dues = items::dues_of(conn, item_id)?;
    let recalled = items::is_under_open_recall(conn, item_id)?;
    let rules: Vec<&CheckRule> = rules.iter().collect();
    let dues: Vec<&items::CheckDue> = dues.iter().collect();
    Ok(assemble(row, &rules, &dues, recalled, public_url))
}

fn assemble(
    (item, kind, location, client, worker): Joined,
    rules: &[&CheckRule],
    dues: &[&items::CheckDue],
    under_open_recall: bool,
    public_url: &str,
) -> ItemView {
    let checks_due = rules
        .iter()
        .map(|rule| {
            let due = dues.iter().find(|d| d.rule_id == rule.id);
            CheckDueView {
                rule: rule.name.clone(),
                interval_days: rule.interval_days,
                last_checked_at: due.and_then(|d| d.last_checked_at),
                next_due: due.and_then(|d| d.next_due),
            }
        })
        .collect();
    ItemView {
        qr_payload: qr_payload(public_url, &item.asset_tag),
        asset_tag: item.asset_tag,
        type_: TypeRef::from(&kind),
        serial_number: item.serial_number,
        batch: item.batch,
        status: Status::parse(&item.status).unwrap_or(Status::Quarantined),
        location: location.as_ref().map(LocationRef::from),
        client: client.as_ref().map(ClientRef::from),
        worker: worker.as_ref().map(StaffRef::from),
        fitted_at: item.fitted_at,
        last_checked_at: item.last_checked_at,
        next_check_due: item.next_check_due,
        checks_due,
        under_open_recall,
        version: item.version,
        created_at: item.created_at,
        updated_at: item.updated_at,
    }
}
