//! What the stores desk and the scan page read, so the pages never query the database
//! themselves.

use chrono::NaiveDate;

use super::items;
use super::pages::{Page, Paged};
use super::views::ItemView;
use crate::db::items::{self as item_rows, ItemFilter};
use crate::db::{DbConn, staff as staff_rows};
use crate::error::AppError;

/// Most workers offered in the issue form's list (clients are searched for instead).
const MAX_CHOICES: i64 = 1000;

/// Who may be made responsible for an item, as (id, label).
pub struct IssueChoices {
    pub workers: Vec<(i64, String)>,
}

/// Workers who may not be made responsible are never offered.
pub fn issue_choices(conn: &mut DbConn) -> Result<IssueChoices, AppError> {
    let (staff, _) = staff_rows::list(conn, 0, MAX_CHOICES)?;
    Ok(IssueChoices {
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
