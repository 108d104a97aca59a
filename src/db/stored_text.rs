//! States stored as their names in `Text` columns, on both backends and on the
//! `MultiConnection` over them. The stored words are the serde names, so no data moves;
//! a word no variant has is a decoding error, never a default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::centre_events::CentreEventKind;
use crate::domain::checks::CheckKind;
use crate::domain::examination::Basis;
use crate::domain::handover::Relation;
use crate::domain::lifecycle::{CondemnReason, Outcome, Status};
use crate::domain::roles::Role;
use crate::domain::states::{OutboxStatus, RecallItemState, RecallStatus, SweepOutcome};
use crate::domain::telecare::{Connection, RouterBattery, SwitchoverStatus};

/// Implements the column traits for an enum declared with `domain::stored::stored_words!`; `what` names it in
/// the error a corrupt row raises.
macro_rules! stored_as_text {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl<DB: Backend> FromSql<Text, DB> for $ty
        where
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let raw = String::from_sql(bytes)?;
                <$ty>::parse(&raw).ok_or_else(|| format!("{raw:?} is not {}", $what).into())
            }
        }

        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                self.as_str().to_sql(out)
            }
        }
    )*};
}

stored_as_text! {
    Status => "an item status",
    Role => "a role",
    Outcome => "a check outcome",
    RecallStatus => "a recall status",
    RecallItemState => "a recalled item's state",
    OutboxStatus => "an outbox status",
    SweepOutcome => "a sweep outcome",
    CheckKind => "a check rule's kind",
    CondemnReason => "a reason code for condemning",
    Basis => "an examination's basis",
    Relation => "a hand-over relation",
    CentreEventKind => "a monitoring centre's event kind",
    Connection => "a telecare connection",
    RouterBattery => "a router battery answer",
    SwitchoverStatus => "a switchover status",
}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    use diesel::sqlite::SqliteConnection;

    use super::*;

    diesel::define_sql_function! { fn lower(x: Text) -> Text; }

    #[test]
    fn a_state_round_trips_as_its_word_and_an_unknown_word_is_an_error() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        let back: Status = diesel::select(lower(Status::AwaitingDecontamination))
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(back, Status::AwaitingDecontamination);
        let word: String = diesel::select(lower(Role::Viewer)).get_result(&mut conn).unwrap();
        assert_eq!(word, "viewer");
        let corrupt = diesel::select(lower("lost")).get_result::<Status>(&mut conn);
        // The row's own word is in the error, under the field it was read for.
        let err = format!("{:?}", corrupt.unwrap_err());
        assert!(
            err.contains("lost") && err.contains("is not an item status"),
            "{err}"
        );
    }
}
