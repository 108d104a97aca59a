//! The checks falling due: what the reminder sweep reads.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{check_rules, clients, equipment_types, item_checks_due, items, staff};
use crate::domain::lifecycle::Status;

#[derive(Debug, Clone, Queryable)]
pub struct DueRow {
    pub asset_tag: String,
    pub type_name: String,
    pub rule: String,
    pub due: NaiveDate,
    pub client_name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub client_id: Option<i64>,
    pub worker_id: Option<i64>,
    pub worker_name: Option<String>,
    pub worker_email: Option<String>,
    pub worker_active: Option<bool>,
}

/// Every rule of every item in use in a home whose next check falls on or before `horizon`.
pub fn due_by(conn: &mut DbConn, horizon: NaiveDate) -> QueryResult<Vec<DueRow>> {
    item_checks_due::table
        .inner_join(items::table)
        .inner_join(check_rules::table)
        .inner_join(equipment_types::table.on(equipment_types::id.eq(items::type_id)))
        .left_join(clients::table.on(clients::id.nullable().eq(items::client_id)))
        .left_join(staff::table.on(staff::id.nullable().eq(items::worker_id)))
        .filter(item_checks_due::next_due.le(horizon))
        .filter(items::status.eq(Status::InUse))
        .filter(items::client_id.is_not_null())
        .select((
            items::asset_tag,
            equipment_types::name,
            check_rules::name,
            item_checks_due::next_due.assume_not_null(),
            clients::name.nullable(),
            clients::address.nullable(),
            clients::postcode.nullable(),
            items::client_id,
            staff::id.nullable(),
            staff::name.nullable(),
            staff::email.nullable(),
            staff::active.nullable(),
        ))
        .load(conn)
}
