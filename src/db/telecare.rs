//! Telecare installations (one per client's home), each change of one, and the switchover
//! report's counts and list. Responders are personal data: nothing here is ever logged.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text};

use super::DbConn;
use super::schema::{clients, equipment_types, items, staff, telecare_changes, telecare_installations};
use crate::domain::telecare::{Connection, RouterBattery, SwitchoverStatus};
use crate::on_backend;

/// What `telecare_changes.installation` holds once the client is erased.
pub const ERASED_CHANGE: &str = "null";

#[derive(Clone, Queryable, Selectable)]
#[diesel(table_name = telecare_installations)]
pub struct Installation {
    pub client_id: i64,
    pub monitoring_centre: String,
    pub unit_reference: String,
    pub base_unit_id: Option<i64>,
    pub connection: Connection,
    pub provider_told: bool,
    pub router_battery: RouterBattery,
    /// A JSON array of responders.
    pub responders: String,
    pub key_safe: bool,
    pub switchover_status: SwitchoverStatus,
    pub switchover_scheduled_on: Option<NaiveDate>,
    pub migrated_on: Option<NaiveDate>,
    pub end_to_end_test_on: Option<NaiveDate>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Responders are personal data: an installation printed by mistake shows only whose it is.
impl std::fmt::Debug for Installation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Installation#{}", self.client_id)
    }
}

/// Every column a PUT sets, the same for a new installation and a replaced one; a `None`
/// is written as NULL (a base unit or a date taken away).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = telecare_installations, treat_none_as_null = true)]
pub struct InstallationFields {
    pub monitoring_centre: String,
    pub unit_reference: String,
    pub base_unit_id: Option<i64>,
    pub connection: Connection,
    pub provider_told: bool,
    pub router_battery: RouterBattery,
    pub responders: String,
    pub key_safe: bool,
    pub switchover_status: SwitchoverStatus,
    pub switchover_scheduled_on: Option<NaiveDate>,
    pub migrated_on: Option<NaiveDate>,
    pub end_to_end_test_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
}

pub fn get(conn: &mut DbConn, client_id: i64) -> QueryResult<Option<Installation>> {
    telecare_installations::table
        .find(client_id)
        .select(Installation::as_select())
        .first(conn)
        .optional()
}

/// A client's first installation, at version 1.
pub fn insert(conn: &mut DbConn, client_id: i64, fields: &InstallationFields) -> QueryResult<()> {
    let row = (
        telecare_installations::client_id.eq(client_id),
        fields,
        telecare_installations::version.eq(1_i64),
        telecare_installations::created_at.eq(fields.updated_at),
    );
    on_backend!(conn, |c| diesel::insert_into(telecare_installations::table)
        .values(row)
        .execute(c))
    .map(|_| ())
}

/// Replaces the installation if it is still at `version`; answers whether it was.
pub fn replace(
    conn: &mut DbConn,
    client_id: i64,
    version: i64,
    fields: &InstallationFields,
) -> QueryResult<bool> {
    let changed = diesel::update(
        telecare_installations::table
            .filter(telecare_installations::client_id.eq(client_id))
            .filter(telecare_installations::version.eq(version)),
    )
    .set((fields, telecare_installations::version.eq(version + 1)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// One change for the client's history: the installation as it was after it (JSON).
pub fn record_change(
    conn: &mut DbConn,
    client_id: i64,
    at: NaiveDateTime,
    staff_id: i64,
    installation: &str,
) -> QueryResult<()> {
    let row = (
        telecare_changes::client_id.eq(client_id),
        telecare_changes::changed_at.eq(at),
        telecare_changes::staff_id.eq(Some(staff_id)),
        telecare_changes::installation.eq(installation),
    );
    on_backend!(conn, |c| diesel::insert_into(telecare_changes::table)
        .values(row)
        .execute(c))
    .map(|_| ())
}

/// A change as the history shows it, with the name of who made it.
#[derive(Debug, Queryable)]
pub struct Change {
    pub id: i64,
    pub changed_at: NaiveDateTime,
    pub staff_id: Option<i64>,
    pub staff_name: Option<String>,
    pub installation: String,
}

/// The client's changes, newest first, `limit` of them from `offset`, and how many in all.
pub fn changes(
    conn: &mut DbConn,
    client_id: i64,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Change>, i64)> {
    let total = telecare_changes::table
        .filter(telecare_changes::client_id.eq(client_id))
        .count()
        .get_result(conn)?;
    let rows = telecare_changes::table
        .left_join(staff::table.on(staff::id.nullable().eq(telecare_changes::staff_id)))
        .filter(telecare_changes::client_id.eq(client_id))
        .order(telecare_changes::id.desc())
        .offset(offset)
        .limit(limit)
        .select((
            telecare_changes::id,
            telecare_changes::changed_at,
            telecare_changes::staff_id,
            staff::name.nullable(),
            telecare_changes::installation,
        ))
        .load(conn)?;
    Ok((rows, total))
}

/// The responders as stored (JSON), for the words an erasure redacts elsewhere.
pub fn responders_of(conn: &mut DbConn, client_id: i64) -> QueryResult<Option<String>> {
    telecare_installations::table
        .find(client_id)
        .select(telecare_installations::responders)
        .first(conn)
        .optional()
}

/// Erasing the client: no responders, and no copy of the installation in its history.
/// The rest (centre, connection, switchover) says nothing about the person.
pub fn erase_client(conn: &mut DbConn, client_id: i64) -> QueryResult<usize> {
    diesel::update(telecare_installations::table.find(client_id))
        .set(telecare_installations::responders.eq("[]"))
        .execute(conn)?;
    diesel::update(telecare_changes::table.filter(telecare_changes::client_id.eq(client_id)))
        .set(telecare_changes::installation.eq(ERASED_CHANGE))
        .execute(conn)
}

/// Homes counted by every fact the switchover report sorts them by; the domain's rules
/// (digital-ready, analogue left, untested) are applied to these few groups, so the
/// database counts and the rules live once, in `domain::telecare`.
#[derive(Debug, QueryableByName)]
pub struct Group {
    #[diesel(sql_type = Text)]
    pub connection: Connection,
    #[diesel(sql_type = Text)]
    pub status: SwitchoverStatus,
    /// The base unit type's flag; none without a base unit.
    #[diesel(sql_type = Nullable<Bool>)]
    pub digital_unit: Option<bool>,
    #[diesel(sql_type = Bool)]
    pub provider_told: bool,
    /// 1 when an end-to-end test call is recorded.
    #[diesel(sql_type = Integer)]
    pub tested: i32,
    #[diesel(sql_type = BigInt)]
    pub homes: i64,
}

/// Erased clients' homes are no longer served and are not counted.
const GROUPS: &str = "\
    SELECT t.connection AS connection, t.switchover_status AS status, \
           et.digital_unit AS digital_unit, t.provider_told AS provider_told, \
           CASE WHEN t.end_to_end_test_on IS NULL THEN 0 ELSE 1 END AS tested, \
           COUNT(*) AS homes \
    FROM telecare_installations t \
    JOIN clients c ON c.id = t.client_id \
    LEFT JOIN items i ON i.id = t.base_unit_id \
    LEFT JOIN equipment_types et ON et.id = i.type_id \
    WHERE c.erased_at IS NULL \
    GROUP BY t.connection, t.switchover_status, et.digital_unit, t.provider_told, \
             CASE WHEN t.end_to_end_test_on IS NULL THEN 0 ELSE 1 END";

pub fn groups(conn: &mut DbConn) -> QueryResult<Vec<Group>> {
    on_backend!(conn, |c| diesel::sql_query(GROUPS).load::<Group>(c))
}

/// Which homes the list shows; every filter narrows it in SQL.
#[derive(Debug, Clone, Default)]
pub struct HomeFilter {
    pub status: Option<SwitchoverStatus>,
    pub connection: Option<Connection>,
    pub provider_not_told: bool,
    /// Only homes still on analogue: `domain::telecare::analogue_left` written as SQL.
    pub analogue_left: bool,
    /// Only homes migrated with no end-to-end test: `domain::telecare::untested` as SQL.
    pub untested: bool,
}

/// One home in the list (a client's reference and postcode: no `Debug`).
pub struct Home {
    pub installation: Installation,
    pub reference: String,
    pub postcode: String,
    pub base_unit: Option<String>,
    pub digital_unit: Option<bool>,
}

/// The homes `filter` matches, by client reference, `limit` from `offset` (all with
/// `None`), and how many match.
pub fn homes(
    conn: &mut DbConn,
    filter: &HomeFilter,
    page: Option<(i64, i64)>,
) -> QueryResult<(Vec<Home>, i64)> {
    let moved: Vec<SwitchoverStatus> = SwitchoverStatus::ALL.into_iter().filter(|s| s.moved()).collect();
    let query = || {
        let mut q = telecare_installations::table
            .inner_join(clients::table)
            .left_join(items::table.on(items::id.nullable().eq(telecare_installations::base_unit_id)))
            .left_join(equipment_types::table.on(equipment_types::id.eq(items::type_id)))
            .filter(clients::erased_at.is_null())
            .into_boxed();
        if let Some(status) = filter.status {
            q = q.filter(telecare_installations::switchover_status.eq(status));
        }
        if let Some(connection) = filter.connection {
            q = q.filter(telecare_installations::connection.eq(connection));
        }
        if filter.provider_not_told {
            q = q.filter(telecare_installations::provider_told.eq(false));
        }
        if filter.analogue_left {
            // Not digital-ready: on the analogue line, or no base unit, or not a digital one.
            q = q
                .filter(telecare_installations::switchover_status.ne_all(moved.clone()))
                .filter(
                    telecare_installations::connection
                        .eq(Connection::Pstn)
                        .or(equipment_types::id.nullable().is_null())
                        .or(equipment_types::digital_unit.eq(false)),
                );
        }
        if filter.untested {
            q = q
                .filter(telecare_installations::switchover_status.eq_any(moved.clone()))
                .filter(telecare_installations::end_to_end_test_on.is_null());
        }
        q
    };
    let total = query().count().get_result(conn)?;
    let mut rows = query()
        .order((clients::reference, telecare_installations::client_id))
        .select((
            Installation::as_select(),
            clients::reference,
            clients::postcode,
            items::asset_tag.nullable(),
            equipment_types::digital_unit.nullable(),
        ));
    if let Some((offset, limit)) = page {
        rows = rows.offset(offset).limit(limit);
    }
    type Row = (Installation, String, String, Option<String>, Option<bool>);
    let homes = rows
        .load::<Row>(conn)?
        .into_iter()
        .map(
            |(installation, reference, postcode, base_unit, digital_unit)| Home {
                installation,
                reference,
                postcode,
                base_unit,
                digital_unit,
            },
        )
        .collect();
    Ok((homes, total))
}
