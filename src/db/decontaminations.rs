//! Cleanings recorded when an item comes back, so a later reader can see how it was cleaned.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::decontaminations;

#[derive(Insertable)]
#[diesel(table_name = decontaminations)]
pub struct NewDecontamination<'a> {
    pub item_id: i64,
    pub method: &'a str,
    pub note_id: Option<i64>,
    pub performed_by: i64,
    pub performed_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, cleaning: &NewDecontamination<'_>) -> QueryResult<()> {
    diesel::insert_into(decontaminations::table)
        .values(cleaning)
        .execute(conn)?;
    Ok(())
}
