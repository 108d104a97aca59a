//! The record of reminder sweeps as staff see it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::Actor;
use super::pages::{Page, Paged};
use crate::db::DbConn;
use crate::db::sweeps::{self, Sweep};
use crate::domain::roles::Action;
use crate::domain::states::SweepOutcome;
use crate::error::AppError;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SweepView {
    pub id: i64,
    /// The day swept for.
    pub as_of: NaiveDate,
    pub started_at: DateTime<Utc>,
    /// Empty while running, or when the sweep died half way.
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: SweepOutcome,
    pub due_checks: i32,
    /// Digests found to send, and of those how many this sweep queued.
    pub digests: i32,
    pub queued: i32,
    /// Why a failed sweep failed.
    pub error: Option<String>,
}

impl From<Sweep> for SweepView {
    fn from(s: Sweep) -> Self {
        Self {
            id: s.id,
            as_of: s.as_of,
            started_at: s.started_at.and_utc(),
            finished_at: s.finished_at.map(|t| t.and_utc()),
            outcome: s.outcome,
            due_checks: s.due_checks,
            digests: s.digests,
            queued: s.queued,
            error: s.error,
        }
    }
}

pub fn list(conn: &mut DbConn, actor: &Actor, page: Page) -> Result<Paged<SweepView>, AppError> {
    actor.require(Action::ViewSweeps)?;
    let (rows, total) = sweeps::list(conn, page.offset(), page.per_page)?;
    Ok(page.wrap(rows.into_iter().map(SweepView::from).collect(), total))
}
