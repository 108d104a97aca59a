//! Examination reports and the defects they found.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{clients, defects, equipment_types, examinations, items, locations, safety_checks};
use super::{DbConn, in_chunks};
use crate::domain::examination::{Basis, DefectFound, ExaminationReport};
use crate::domain::lifecycle::{Outcome, Status};

#[derive(Insertable)]
#[diesel(table_name = examinations)]
struct NewExamination<'a> {
    check_id: i64,
    basis: Basis,
    safe_working_load_kg: Option<i32>,
    safe_to_operate: bool,
    tests: Option<&'a str>,
    examiner_name: &'a str,
    examiner_qualifications: Option<&'a str>,
    examiner_employer: Option<&'a str>,
    examiner_address: Option<&'a str>,
    report_date: NaiveDate,
    next_examination_by: Option<NaiveDate>,
    risk_of_serious_injury: bool,
}

#[derive(Insertable)]
#[diesel(table_name = defects)]
struct NewDefect<'a> {
    item_id: i64,
    check_id: i64,
    part: &'a str,
    description: &'a str,
    dangerous: bool,
    remedy_by: Option<NaiveDate>,
    repair: Option<&'a str>,
}

/// Records the report of check `check_id` on item `item_id`, and each defect it found.
pub fn insert(conn: &mut DbConn, item_id: i64, check_id: i64, report: &ExaminationReport) -> QueryResult<()> {
    let e = &report.examiner;
    diesel::insert_into(examinations::table)
        .values(NewExamination {
            check_id,
            basis: report.basis,
            safe_working_load_kg: report.safe_working_load_kg,
            safe_to_operate: report.safe_to_operate,
            tests: report.tests.as_deref(),
            examiner_name: &e.name,
            examiner_qualifications: e.qualifications.as_deref(),
            examiner_employer: e.employer.as_deref(),
            examiner_address: e.address.as_deref(),
            report_date: report.report_date,
            next_examination_by: report.next_examination_by,
            risk_of_serious_injury: report.risk_of_serious_injury,
        })
        .execute(conn)?;
    insert_defects(conn, item_id, check_id, &report.defects)
}

/// Records the defects check `check_id` found on item `item_id`: an examination's, or what a
/// monitoring centre reported (`service::centre_events`).
pub fn insert_defects(
    conn: &mut DbConn,
    item_id: i64,
    check_id: i64,
    found: &[DefectFound],
) -> QueryResult<()> {
    for d in found {
        diesel::insert_into(defects::table)
            .values(NewDefect {
                item_id,
                check_id,
                part: &d.part,
                description: &d.description,
                dangerous: d.dangerous,
                remedy_by: d.remedy_by,
                repair: d.repair.as_deref(),
            })
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = examinations)]
pub struct ExaminationRow {
    pub check_id: i64,
    pub basis: Basis,
    pub safe_working_load_kg: Option<i32>,
    pub safe_to_operate: bool,
    pub tests: Option<String>,
    pub examiner_name: String,
    pub examiner_qualifications: Option<String>,
    pub examiner_employer: Option<String>,
    pub examiner_address: Option<String>,
    pub report_date: NaiveDate,
    pub next_examination_by: Option<NaiveDate>,
    pub risk_of_serious_injury: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = defects)]
pub struct DefectRow {
    pub id: i64,
    #[serde(skip)]
    pub item_id: i64,
    pub check_id: i64,
    pub part: String,
    pub description: String,
    pub dangerous: bool,
    pub remedy_by: Option<NaiveDate>,
    pub repair: Option<String>,
    pub remedied_on: Option<NaiveDate>,
    #[serde(skip)]
    pub remedied_by: Option<i64>,
    pub remedy_notes: Option<String>,
}

pub fn of_checks(conn: &mut DbConn, check_ids: &[i64]) -> QueryResult<Vec<ExaminationRow>> {
    in_chunks(check_ids, |chunk| {
        examinations::table
            .filter(examinations::check_id.eq_any(chunk))
            .select(ExaminationRow::as_select())
            .load(conn)
    })
}

pub fn defects_of_checks(conn: &mut DbConn, check_ids: &[i64]) -> QueryResult<Vec<DefectRow>> {
    in_chunks(check_ids, |chunk| {
        defects::table
            .filter(defects::check_id.eq_any(chunk))
            .order(defects::id)
            .select(DefectRow::as_select())
            .load(conn)
    })
}

/// The defects not yet remedied on the given items.
pub fn open_of_items(conn: &mut DbConn, item_ids: &[i64]) -> QueryResult<Vec<DefectRow>> {
    in_chunks(item_ids, |chunk| {
        defects::table
            .filter(defects::item_id.eq_any(chunk))
            .filter(defects::remedied_on.is_null())
            .order(defects::id)
            .select(DefectRow::as_select())
            .load(conn)
    })
}

pub fn defect(conn: &mut DbConn, id: i64) -> QueryResult<Option<DefectRow>> {
    defects::table
        .find(id)
        .select(DefectRow::as_select())
        .first(conn)
        .optional()
}

/// The report of the examination `staff_id` recorded last, on any item.
pub fn last_recorded_by(conn: &mut DbConn, staff_id: i64) -> QueryResult<Option<ExaminationRow>> {
    examinations::table
        .inner_join(safety_checks::table)
        .filter(safety_checks::performed_by.eq(staff_id))
        .order(safety_checks::id.desc())
        .select(ExaminationRow::as_select())
        .first(conn)
        .optional()
}

/// Closes an open defect; false when someone closed it first.
pub fn remedy(conn: &mut DbConn, id: i64, on: NaiveDate, by: i64, notes: Option<&str>) -> QueryResult<bool> {
    let touched = diesel::update(
        defects::table
            .filter(defects::id.eq(id))
            .filter(defects::remedied_on.is_null()),
    )
    .set((
        defects::remedied_on.eq(Some(on)),
        defects::remedied_by.eq(Some(by)),
        defects::remedy_notes.eq(notes),
    ))
    .execute(conn)?;
    Ok(touched == 1)
}

/// For one rule: each passed examination's item, day and the date its examiner set for the
/// next one, where they set one.
pub fn examiners_dates(conn: &mut DbConn, rule_id: i64) -> QueryResult<Vec<(i64, NaiveDate, NaiveDate)>> {
    examinations::table
        .inner_join(safety_checks::table)
        .filter(safety_checks::rule_id.eq(rule_id))
        .filter(safety_checks::outcome.eq(Outcome::Pass))
        .filter(examinations::next_examination_by.is_not_null())
        .select((
            safety_checks::item_id,
            safety_checks::performed_at,
            examinations::next_examination_by.assume_not_null(),
        ))
        .load(conn)
}

/// An open defect to remedy, with where its item is: what the stores digest lists.
#[derive(Debug, Clone, Queryable)]
pub struct DefectDue {
    pub asset_tag: String,
    pub status: Status,
    pub location: Option<String>,
    pub type_name: String,
    pub part: String,
    pub description: String,
    pub remedy_by: NaiveDate,
    pub client_name: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub client_id: Option<i64>,
}

/// Every open defect on an item not condemned whose remedy-by date falls on or before
/// `horizon`.
pub fn to_remedy_by(conn: &mut DbConn, horizon: NaiveDate) -> QueryResult<Vec<DefectDue>> {
    defects::table
        .inner_join(items::table.on(items::id.eq(defects::item_id)))
        .inner_join(equipment_types::table.on(equipment_types::id.eq(items::type_id)))
        .left_join(locations::table.on(locations::id.nullable().eq(items::location_id)))
        .left_join(clients::table.on(clients::id.nullable().eq(items::client_id)))
        .filter(defects::remedied_on.is_null())
        .filter(defects::remedy_by.le(horizon))
        .filter(items::status.ne(Status::Condemned))
        .order((defects::remedy_by, defects::id))
        .select((
            items::asset_tag,
            items::status,
            locations::name.nullable(),
            equipment_types::name,
            defects::part,
            defects::description,
            defects::remedy_by.assume_not_null(),
            clients::name.nullable(),
            clients::address.nullable(),
            clients::postcode.nullable(),
            items::client_id,
        ))
        .load(conn)
}
