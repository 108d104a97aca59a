//! What the stores desk and the scan page read, so the pages never query the database
//! themselves.

use chrono::NaiveDate;

use super::clients::receiving_refused;
use super::items;
use super::pages::{Page, Paged};
use super::views::ItemView;
use crate::db::items::{self as item_rows, ItemFilter};
use crate::db::{DbConn, clients as client_rows, staff as staff_rows};
use crate::error::AppError;

/// Most clients and workers offered in the issue form's lists.
const MAX_CHOICES: i64 = 1000;

/// Who an item may be issued to and who may be made responsible for it, as (id, label).
pub struct IssueChoices {
    pub clients: Vec<(i64, String)>,
    pub workers: Vec<(i64, String)>,
}

/// Erased clients and workers who may not be made responsible are never offered.
pub fn issue_choices(conn: &mut DbConn) -> Result<IssueChoices, AppError> {
    let (clients, _) = client_rows::list(conn, None, 0, MAX_CHOICES)?;
    let (staff, _) = staff_rows::list(conn, 0, MAX_CHOICES)?;
    Ok(IssueChoices {
        clients: clients
            .into_iter()
            .filter(|x| receiving_refused(x).is_none())
            .map(|x| (x.id, format!("{} ({}, {})", x.name, x.reference, x.postcode)))
            .collect(),
        workers: staff
            .into_iter()
            .filter(|s| items::responsibility_refused(s).is_none())
            .map(|s| (s.id, s.name))
            .collect(),
    })
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
