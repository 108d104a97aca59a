//! `GET /me/round`: what a worker carries to homes with no signal: every item they are
//! responsible for in a client's home, each with the verdict a scan would give now.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;

use super::scan::{self, ScanResult};
use super::views::ItemView;
use super::{Actor, now, today, views};
use crate::db::{DbConn, items};
use crate::domain::examination::defect_overdue;
use crate::error::AppError;

/// How long a phone keeps a round it could not refresh; the phone wipes it after this.
pub const KEPT_DAYS: u64 = 7;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Round {
    /// When the server read the round: the phone shows its age from this.
    pub as_of: DateTime<Utc>,
    /// Whose round it is (the phone keeps it only for this person).
    pub worker_id: i64,
    /// Each item as `GET /scan` answers it (the item with its client, every rule's dates,
    /// open defects and `version`; `safe_to_use` and its reasons; the caller's moves), in
    /// tag order.
    pub items: Vec<RoundItem>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RoundItem {
    #[serde(flatten)]
    pub scan: ScanResult,
    /// For an item safe today: the first of the next 7 days on which a check falls overdue
    /// or an open defect passes its remedy-by date, so that a phone still offline then
    /// says "Do not use" without deciding the rule itself.
    pub unsafe_from: Option<NaiveDate>,
}

/// The round of the signed-in person: items whose responsible worker they are and which a
/// client holds (issued or fitted), never condemned ones.
pub fn of(conn: &mut DbConn, actor: &Actor, public_url: &str) -> Result<Round, AppError> {
    let as_of = now().and_utc();
    let ids = items::round_of(conn, actor.id)?;
    let day = today();
    let items = views::by_ids(conn, &ids, public_url)?
        .into_iter()
        .map(|view| -> Result<RoundItem, AppError> {
            let unsafe_from = unsafe_from(&view, day);
            let scan = scan::verdict(conn, actor, view)?;
            Ok(RoundItem {
                unsafe_from: unsafe_from.filter(|_| scan.safe_to_use),
                scan,
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Round {
        as_of,
        worker_id: actor.id,
        items,
    })
}

/// The first day after `day`, within the days a phone keeps the round, on which the dates
/// alone make the item unsafe: the same rules as the scan's verdict (`overdue_on`,
/// `defect_overdue`), asked for each day.
fn unsafe_from(view: &ItemView, day: NaiveDate) -> Option<NaiveDate> {
    (1..=KEPT_DAYS)
        .filter_map(|n| day.checked_add_days(Days::new(n)))
        .find(|d| {
            !view.overdue_on(*d).is_empty()
                || view.open_defects.iter().any(|x| defect_overdue(x.remedy_by, *d))
        })
}
