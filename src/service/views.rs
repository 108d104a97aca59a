//! What the API answers for an item, assembled from a few batched queries.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::items::not_found;
use crate::db::DbConn;
use crate::db::clients::Client;
use crate::db::examinations::{self, DefectRow};
use crate::db::item_view::{self, Joined, OneItem};
pub use crate::db::item_view::{ClientRef, LocationRef, StaffRef, TypeRef};
use crate::db::items::{self, CheckDue};
use crate::db::staff::Staff;
use crate::db::types::{self, CheckRule, EquipmentType};
use crate::domain::asset_tag::{AssetTag, item_url};
use crate::domain::checks::{self, CheckKind, OverdueCheck};
use crate::domain::lifecycle::{CondemnReason, ItemState, Status};
use crate::error::AppError;

/// One check rule of the item's type and where the item stands with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckDueView {
    pub rule: String,
    pub interval_days: i32,
    pub kind: CheckKind,
    /// The rule's own lead time; null: `reminders.lead_days`.
    pub lead_days: Option<i32>,
    pub due_on_fit: bool,
    /// The last passed check of this rule, wherever the item was.
    pub last_checked_at: Option<NaiveDate>,
    pub next_due: Option<NaiveDate>,
}

#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct ItemView {
    /// The row id, for the server's own follow-up queries; clients use the tag.
    #[serde(skip)]
    pub id: i64,
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
    /// The current fit; cleared when the item comes back.
    pub fitted_at: Option<NaiveDate>,
    /// The item's first fit, from which each rule's first check runs; never cleared.
    pub first_fitted_at: Option<NaiveDate>,
    pub last_checked_at: Option<NaiveDate>,
    /// The earliest of `checks_due`.
    pub next_check_due: Option<NaiveDate>,
    pub checks_due: Vec<CheckDueView>,
    pub under_open_recall: bool,
    pub manufactured_on: Option<NaiveDate>,
    /// Its own safe working load, else its type's.
    pub safe_working_load_kg: Option<i32>,
    /// Defects found by examinations and not yet remedied; one past its `remedy_by` makes
    /// the item unsafe.
    pub open_defects: Vec<DefectRow>,
    /// Why it was condemned, once it is.
    pub condemn_reason_code: Option<CondemnReason>,
    pub version: i64,
    /// What the item's QR label encodes.
    pub qr_payload: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
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

    /// The rules whose check was due before `day`, soonest first.
    pub fn overdue_on(&self, day: NaiveDate) -> Vec<OverdueCheck> {
        checks::overdue_on(self.checks_due.iter().map(|d| (d.rule.as_str(), d.next_due)), day)
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
            id: t.id,
            code: t.code.clone(),
            name: t.name.clone(),
            category: t.category.clone(),
            requires_decontamination: t.requires_decontamination,
            safe_working_load_kg: t.safe_working_load_kg,
        }
    }
}

/// Views of the given item ids, in the order given, from a few batched queries: the
/// lists' way, for the service functions that page or gather items.
pub(super) fn by_ids(conn: &mut DbConn, ids: &[i64], public_url: &str) -> Result<Vec<ItemView>, AppError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = item_view::rows(conn, ids)?;
    let type_ids: Vec<i64> = rows
        .iter()
        .map(|r| r.1.id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let rules = types::rules_for(conn, &type_ids)?;
    let dues = items::dues_for(conn, ids)?;
    let mut by_id: HashMap<i64, ItemView> = rows
        .into_iter()
        .map(|row| {
            let id = row.0.id;
            let type_id = row.1.id;
            let own_rules: Vec<&CheckRule> = rules.iter().filter(|r| r.type_id == type_id).collect();
            let own_dues: Vec<&CheckDue> = dues.iter().filter(|d| d.item_id == id).collect();
            (id, assemble(row, &own_rules, &own_dues, public_url))
        })
        .collect();
    let mut views: Vec<ItemView> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    with_defects(conn, &mut views)?;
    Ok(views)
}

/// Each view's open defects, read for all at once.
fn with_defects(conn: &mut DbConn, views: &mut [ItemView]) -> Result<(), AppError> {
    let ids: Vec<i64> = views.iter().map(|v| v.id).collect();
    let mut open = examinations::open_of_items(conn, &ids)?;
    for view in views.iter_mut() {
        let (mine, rest): (Vec<DefectRow>, Vec<DefectRow>) =
            open.into_iter().partition(|d| d.item_id == view.id);
        view.open_defects = mine;
        open = rest;
    }
    Ok(())
}

/// The view of one item the service has just read or written, by its row id.
pub(super) fn by_id(conn: &mut DbConn, item_id: i64, public_url: &str) -> Result<ItemView, AppError> {
    one(item_view::one_by_id(conn, item_id)?, public_url).ok_or_else(|| AppError::not_found("item not found"))
}

/// The one way to read an item's view: by what a person or a scanner typed as its tag, the
/// path every scan and item page takes.
pub fn by_tag(conn: &mut DbConn, raw_tag: &str, public_url: &str) -> Result<ItemView, AppError> {
    let tag = AssetTag::parse(raw_tag).map_err(|_| not_found(raw_tag))?;
    one(item_view::one_by_tag(conn, tag.as_str())?, public_url).ok_or_else(|| not_found(tag.as_str()))
}

fn one(found: Option<OneItem>, public_url: &str) -> Option<ItemView> {
    found.map(|(row, rules, dues, open_defects)| {
        let rules: Vec<&CheckRule> = rules.iter().collect();
        let dues: Vec<&CheckDue> = dues.iter().collect();
        ItemView {
            open_defects,
            ..assemble(row, &rules, &dues, public_url)
        }
    })
}

fn assemble(
    (item, equipment_type, location, client, worker, under_open_recall): Joined,
    rules: &[&CheckRule],
    dues: &[&CheckDue],
    public_url: &str,
) -> ItemView {
    let checks_due = rules
        .iter()
        .map(|rule| {
            let due = dues.iter().find(|d| d.rule_id == rule.id);
            CheckDueView {
                rule: rule.name.clone(),
                interval_days: rule.interval_days,
                kind: rule.kind,
                lead_days: rule.lead_days,
                due_on_fit: rule.due_on_fit,
                last_checked_at: due.and_then(|d| d.last_checked_at),
                next_due: due.and_then(|d| d.next_due),
            }
        })
        .collect();
    let safe_working_load_kg = item.safe_working_load_kg.or(equipment_type.safe_working_load_kg);
    ItemView {
        id: item.id,
        qr_payload: item_url(public_url, &item.asset_tag),
        asset_tag: item.asset_tag,
        type_: equipment_type,
        serial_number: item.serial_number,
        batch: item.batch,
        status: item.status,
        location,
        client,
        worker,
        fitted_at: item.fitted_at,
        first_fitted_at: item.first_fitted_at,
        last_checked_at: item.last_checked_at,
        next_check_due: item.next_check_due,
        checks_due,
        under_open_recall,
        manufactured_on: item.manufactured_on,
        safe_working_load_kg,
        open_defects: Vec::new(),
        condemn_reason_code: item.condemn_reason,
        version: item.version,
        created_at: item.created_at.and_utc(),
        updated_at: item.updated_at.and_utc(),
    }
}
