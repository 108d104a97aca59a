//! Kits, their members and their own history.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{items, kit_events, kit_members, kits, staff};
use crate::on_backend;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = kits)]
pub struct Kit {
    pub id: i64,
    pub tag: String,
    pub name: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = kits)]
struct NewKit<'a> {
    tag: &'a str,
    name: &'a str,
    version: i64,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A member as a kit lists it: the item's id and tag.
#[derive(Debug, Clone, Queryable)]
pub struct Member {
    pub item_id: i64,
    pub tag: String,
}

/// An entry of a kit's history to write.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = kit_events)]
pub struct NewKitEvent<'a> {
    pub kit_id: i64,
    pub occurred_at: NaiveDateTime,
    pub staff_id: Option<i64>,
    pub action: &'a str,
    pub item_id: Option<i64>,
    pub client_id: Option<i64>,
}

/// An entry of a kit's history as read: the member's tag and the staff member's name joined in.
#[derive(Debug, Clone, Queryable)]
pub struct KitEvent {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub action: String,
    pub item_tag: Option<String>,
    pub staff_name: Option<String>,
    pub client_id: Option<i64>,
}

pub fn insert(conn: &mut DbConn, tag: &str, name: &str, now: NaiveDateTime) -> QueryResult<Kit> {
    let row = NewKit {
        tag,
        name,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    on_backend!(conn, |c| diesel::insert_into(kits::table)
        .values(&row)
        .returning(Kit::as_returning())
        .get_result(c))
}

pub fn by_tag(conn: &mut DbConn, tag: &str) -> QueryResult<Option<Kit>> {
    kits::table
        .filter(kits::tag.eq(tag))
        .select(Kit::as_select())
        .first(conn)
        .optional()
}

pub fn tag_exists(conn: &mut DbConn, tag: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(kits::table.filter(kits::tag.eq(tag)))).get_result(conn)
}

/// A page of kits, by tag, and how many there are.
pub fn list(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<Kit>, i64)> {
    let total = kits::table.count().get_result(conn)?;
    let rows = kits::table
        .order(kits::tag.asc())
        .offset(offset)
        .limit(limit)
        .select(Kit::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The members of a kit, by tag.
pub fn members(conn: &mut DbConn, kit_id: i64) -> QueryResult<Vec<Member>> {
    kit_members::table
        .inner_join(items::table)
        .filter(kit_members::kit_id.eq(kit_id))
        .order(items::asset_tag.asc())
        .select((items::id, items::asset_tag))
        .load(conn)
}

/// The members of many kits at once: (kit id, member tag), by tag.
pub fn member_tags_of(conn: &mut DbConn, kit_ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    kit_members::table
        .inner_join(items::table)
        .filter(kit_members::kit_id.eq_any(kit_ids))
        .order(items::asset_tag.asc())
        .select((kit_members::kit_id, items::asset_tag))
        .load(conn)
}

/// The tag of the kit an item is in, if any.
pub fn kit_of_item(conn: &mut DbConn, item_id: i64) -> QueryResult<Option<String>> {
    kit_members::table
        .inner_join(kits::table)
        .filter(kit_members::item_id.eq(item_id))
        .select(kits::tag)
        .first(conn)
        .optional()
}

pub fn add_member(conn: &mut DbConn, kit_id: i64, item_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(kit_members::table)
        .values((
            kit_members::kit_id.eq(kit_id),
            kit_members::item_id.eq(item_id),
            kit_members::added_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Answers whether the item was a member.
pub fn remove_member(conn: &mut DbConn, kit_id: i64, item_id: i64) -> QueryResult<bool> {
    let gone = diesel::delete(
        kit_members::table
            .filter(kit_members::kit_id.eq(kit_id))
            .filter(kit_members::item_id.eq(item_id)),
    )
    .execute(conn)?;
    Ok(gone > 0)
}

/// Moves the kit's version on, if it is still `version`: false when someone else got there first.
pub fn bump_version(conn: &mut DbConn, kit_id: i64, version: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(
        kits::table
            .filter(kits::id.eq(kit_id))
            .filter(kits::version.eq(version)),
    )
    .set((kits::version.eq(version + 1), kits::updated_at.eq(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn insert_events(conn: &mut DbConn, entries: &[NewKitEvent]) -> QueryResult<()> {
    // A kit has a handful of members: one statement each is plenty.
    for entry in entries {
        diesel::insert_into(kit_events::table)
            .values(entry)
            .execute(conn)?;
    }
    Ok(())
}

/// A page of a kit's history, oldest first (newest first with `newest_first`), and how many
/// entries it has.
pub fn events(
    conn: &mut DbConn,
    kit_id: i64,
    newest_first: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<KitEvent>, i64)> {
    let total = kit_events::table
        .filter(kit_events::kit_id.eq(kit_id))
        .count()
        .get_result(conn)?;
    let mut query = kit_events::table
        .left_join(items::table)
        .left_join(staff::table)
        .filter(kit_events::kit_id.eq(kit_id))
        .into_boxed();
    query = if newest_first {
        query.order(kit_events::id.desc())
    } else {
        query.order(kit_events::id.asc())
    };
    let rows = query
        .offset(offset)
        .limit(limit)
        .select((
            kit_events::id,
            kit_events::occurred_at,
            kit_events::action,
            items::asset_tag.nullable(),
            staff::name.nullable(),
            kit_events::client_id,
        ))
        .load(conn)?;
    Ok((rows, total))
}
