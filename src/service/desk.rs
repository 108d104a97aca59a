//! What the stores desk and the scan page read, so the pages never query the database
//! themselves.

use chrono::NaiveDate;

use super::items;
use super::pages::{Page, Paged};
use super::views::ItemView;
use crate::db::items::{self as item_rows, ItemFilter};
use crate::db::staff::Staff;
use crate::db::{DbConn, staff as staff_rows};
use crate::domain::validate::canonical_email;
use crate::error::AppError;

/// Most workers the desk's worker box offers at once.
const SUGGESTIONS: i64 = 20;

/// The staff who may be made responsible for items whose name or address contains `q`, as
/// the worker box offers them.
pub fn responsible_matching(conn: &mut DbConn, q: &str) -> Result<Vec<Staff>, AppError> {
    let q: String = q.trim().chars().take(100).collect();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    Ok(staff_rows::active_matching(
        conn,
        &q,
        &items::responsible_roles(),
        SUGGESTIONS,
    )?)
}

/// The id of the worker the box names by address, if they may be made responsible.
pub fn responsible_by_email(conn: &mut DbConn, email: &str) -> Result<i64, AppError> {
    let found = staff_rows::by_email(conn, &canonical_email(email))?;
    match found.map(|s| (items::responsibility_refused(&s), s.id)) {
        Some((None, id)) => Ok(id),
        Some((Some(why), _)) => Err(AppError::invalid(
            "worker",
            format!("no active worker with that email ({why})"),
        )),
        None => Err(AppError::invalid("worker", "no active worker with that email")),
    }
}

/// The items with a check due before `today`, a page at a time.
pub fn overdue(
    conn: &mut DbConn,
    today: NaiveDate,
    page: Page,
    public_url: &str,
) -> Result<Paged<ItemView>, AppError> {
    let filter = ItemFilter {
        due_before: Some(today),
        ..Default::default()
    };
    items::list(conn, &filter, page, public_url)
}

/// Whether some item carries `tag`, for the scan page to send the person on or say no.
pub fn tag_exists(conn: &mut DbConn, tag: &str) -> Result<bool, AppError> {
    Ok(item_rows::tag_exists(conn, tag)?)
}
