//! The rows the item view is assembled from: the item joined with its type, store, client
//! and worker, and its type's rules with the item's own dates.

use diesel::prelude::*;
use serde::Serialize;

use super::examinations::DefectRow;
use super::items::{CheckDue, Item};
use super::schema::{
    check_rules, clients, defects, equipment_types, item_checks_due, items, locations, recall_items, staff,
};
use super::types::CheckRule;
use super::{DbConn, in_chunks};
use crate::domain::states::RecallItemState;

/// The item JSON's parts are read straight from their tables, only the columns shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = equipment_types)]
pub struct TypeRef {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub category: String,
    pub requires_decontamination: bool,
    /// The safe working load items of the type have unless they say otherwise; shown as
    /// the item's own `safe_working_load_kg` when it has none.
    #[serde(skip)]
    pub safe_working_load_kg: Option<i32>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = locations)]
pub struct LocationRef {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = clients)]
pub struct ClientRef {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub address: String,
    pub postcode: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema, Queryable, Selectable)]
#[diesel(table_name = staff)]
pub struct StaffRef {
    pub id: i64,
    pub name: String,
    pub email: String,
}

/// The item row with its type, store, client and worker, and whether a recall is open on it.
pub type Joined = (
    Item,
    TypeRef,
    Option<LocationRef>,
    Option<ClientRef>,
    Option<StaffRef>,
    bool,
);

/// One item's row, its type's rules, its own dates and its open defects.
pub type OneItem = (Joined, Vec<CheckRule>, Vec<CheckDue>, Vec<DefectRow>);

macro_rules! joined {
    () => {
        items::table
            .inner_join(equipment_types::table)
            .left_join(locations::table)
            .left_join(clients::table)
            .left_join(staff::table)
            .select((
                Item::as_select(),
                TypeRef::as_select(),
                Option::<LocationRef>::as_select(),
                Option::<ClientRef>::as_select(),
                Option::<StaffRef>::as_select(),
                diesel::dsl::exists(
                    recall_items::table
                        .filter(recall_items::item_id.eq(items::id))
                        .filter(recall_items::state.eq(RecallItemState::Open)),
                ),
            ))
    };
}

/// The joined rows of the given item ids, in no particular order.
pub fn rows(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Joined>> {
    in_chunks(ids, |chunk| joined!().filter(items::id.eq_any(chunk)).load(conn))
}

/// One item by its row id. Its three queries have fixed SQL and run on the concrete
/// connection, so each backend reuses its prepared statements without building the SQL
/// again (a boxed query, an `IN` list of any length or the `MultiConnection` itself would
/// not be cached): this is the path every scan and item page takes.
pub fn one_by_id(conn: &mut DbConn, item_id: i64) -> QueryResult<Option<OneItem>> {
    one(conn, Key::Id(item_id))
}

/// One item by its canonical tag, the same way as `one_by_id`.
pub fn one_by_tag(conn: &mut DbConn, tag: &str) -> QueryResult<Option<OneItem>> {
    one(conn, Key::Tag(tag))
}

enum Key<'a> {
    Id(i64),
    Tag(&'a str),
}

fn one(conn: &mut DbConn, key: Key) -> QueryResult<Option<OneItem>> {
    crate::on_backend!(conn, |c| (|| {
        let row = match key {
            Key::Id(id) => joined!().filter(items::id.eq(id)).first::<Joined>(c).optional()?,
            Key::Tag(tag) => joined!()
                .filter(items::asset_tag.eq(tag))
                .first::<Joined>(c)
                .optional()?,
        };
        let Some(row) = row else {
            return Ok(None);
        };
        let item_id = row.0.id;
        // Every rule of the type, with this item's dates where it has them.
        let rules: Vec<(CheckRule, Option<CheckDue>)> = check_rules::table
            .left_join(
                item_checks_due::table.on(item_checks_due::rule_id
                    .eq(check_rules::id)
                    .and(item_checks_due::item_id.eq(item_id))),
            )
            .filter(check_rules::type_id.eq(row.1.id))
            .filter(check_rules::retired_at.is_null())
            .order((check_rules::interval_days, check_rules::id))
            .select((CheckRule::as_select(), Option::<CheckDue>::as_select()))
            .load(c)?;
        let (rules, dues): (Vec<CheckRule>, Vec<Option<CheckDue>>) = rules.into_iter().unzip();
        let dues: Vec<CheckDue> = dues.into_iter().flatten().collect();
        let open_defects = defects::table
            .filter(defects::item_id.eq(item_id))
            .filter(defects::remedied_on.is_null())
            .order(defects::id)
            .select(DefectRow::as_select())
            .load(c)?;
        Ok(Some((row, rules, dues, open_defects)))
    })())
}
