//! The item lifecycle: which move each status allows and where it leads.

use serde::{Deserialize, Serialize};

use super::stored::stored_words;

stored_words! {
    pub enum Status {
        InStore => "in_store",
        Issued => "issued",
        InUse => "in_use",
        AwaitingDecontamination => "awaiting_decontamination",
        Quarantined => "quarantined",
        Condemned => "condemned",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Move {
    Issue,
    Fit,
    /// Record a safety check (`POST …/checks`); named like its path.
    #[serde(rename = "checks")]
    Check,
    Return,
    Decontaminate,
    Quarantine,
    Release,
    Condemn,
}

impl Move {
    pub const ALL: [Move; 8] = [
        Move::Issue,
        Move::Fit,
        Move::Check,
        Move::Return,
        Move::Decontaminate,
        Move::Quarantine,
        Move::Release,
        Move::Condemn,
    ];

    /// The moves a whole kit makes (`POST /kits/{tag}/{move}`): going out and coming back
    /// together. Checks, quarantine and condemning stay each item's own.
    pub const KIT: [Move; 4] = [Move::Issue, Move::Fit, Move::Return, Move::Decontaminate];

    /// The last segment of the move's path.
    pub fn path(self) -> &'static str {
        match self {
            Self::Issue => "issue",
            Self::Fit => "fit",
            Self::Check => "checks",
            Self::Return => "return",
            Self::Decontaminate => "decontaminate",
            Self::Quarantine => "quarantine",
            Self::Release => "release",
            Self::Condemn => "condemn",
        }
    }
}

stored_words! {
    /// Why an item was condemned, beside the reason's own words.
    pub enum CondemnReason {
        BeyondRepair => "beyond_repair",
        Lost => "lost",
        /// Left in the client's home for good (a stairlift the household keeps).
        LeftInPlace => "left_in_place",
        NotEconomicToCollect => "not_economic_to_collect",
        Recalled => "recalled",
        Other => "other",
    }
}

/// What the lifecycle needs to know of an item beyond its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemState {
    pub status: Status,
    /// The item is with a client (issued for them, fitted, or failed in their home).
    pub at_client: bool,
    pub fitted: bool,
    pub under_open_recall: bool,
    pub requires_decontamination: bool,
}

stored_words! {
    /// The outcome a check records, which decides where a `checks` move leads.
    pub enum Outcome {
        Pass => "pass",
        Fail => "fail",
    }
}

impl ItemState {
    /// Where `mv` leads from here, or `None` when this state does not allow it.
    /// A check's outcome is needed only for `Check`; others ignore it.
    pub fn after(&self, mv: Move, outcome: Outcome) -> Option<Status> {
        use Status::*;
        let back_in_store = if self.requires_decontamination {
            AwaitingDecontamination
        } else {
            InStore
        };
        match (mv, self.status) {
            (Move::Issue, InStore) if !self.under_open_recall => Some(Issued),
            (Move::Fit, Issued) if !self.under_open_recall => Some(InUse),
            // A check is recorded wherever the item is; a fail quarantines it where it stands,
            // a pass leaves it where it was (a quarantined item stays so until released).
            (Move::Check, s) if s != Condemned => {
                Some(if outcome == Outcome::Pass { s } else { Quarantined })
            }
            (Move::Return, Issued | InUse) => Some(back_in_store),
            // Collecting a failed item from a home: it stays quarantined until released.
            (Move::Return, Quarantined) if self.at_client => Some(Quarantined),
            (Move::Decontaminate, AwaitingDecontamination) => Some(InStore),
            (Move::Quarantine, s) if s != Quarantined && s != Condemned => Some(Quarantined),
            // Repaired where it stands in a home, or inspected back at the store.
            (Move::Release, Quarantined) if !self.under_open_recall => {
                Some(match (self.at_client, self.fitted) {
                    (true, true) => InUse,
                    (true, false) => Issued,
                    (false, _) => back_in_store,
                })
            }
            (Move::Condemn, s) if s != InUse && s != Condemned => Some(Condemned),
            _ => None,
        }
    }

    pub fn allowed(&self) -> Vec<Move> {
        Move::ALL
            .into_iter()
            .filter(|mv| self.after(*mv, Outcome::Pass).is_some())
            .collect()
    }

    /// The status `mv` leads to, or the refusal that names the current status and what it
    /// allows.
    pub fn require(&self, mv: Move, outcome: Outcome) -> Result<Status, NotAllowed> {
        self.after(mv, outcome).ok_or_else(|| NotAllowed {
            attempted: mv,
            status: self.status,
            allowed: self.allowed(),
            // Only these three are stopped by a recall; naming it elsewhere would mislead.
            because_of_recall: self.under_open_recall
                && matches!(mv, Move::Issue | Move::Fit | Move::Release),
        })
    }
}

/// A move the item's state does not allow: the status it is in and the moves it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAllowed {
    pub attempted: Move,
    pub status: Status,
    pub allowed: Vec<Move>,
    /// The move would be allowed but for an open recall.
    pub because_of_recall: bool,
}

impl NotAllowed {
    /// The allowed moves as their path segments, as clients send them.
    pub fn allowed_paths(&self) -> Vec<&'static str> {
        self.allowed.iter().map(|m| m.path()).collect()
    }
}

impl std::fmt::Display for NotAllowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let why = if self.because_of_recall {
            " (the item is under an open recall)"
        } else {
            ""
        };
        let allowed = self.allowed_paths();
        write!(
            f,
            "cannot {} an item that is {}{why}; allowed now: {}",
            self.attempted.path(),
            self.status.as_str(),
            if allowed.is_empty() {
                "nothing".to_string()
            } else {
                allowed.join(", ")
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: Status) -> ItemState {
        ItemState {
            status,
            at_client: matches!(status, Status::Issued | Status::InUse),
            fitted: status == Status::InUse,
            under_open_recall: false,
            requires_decontamination: true,
        }
    }

    #[test]
    fn the_diagram_holds() {
        let s = state(Status::InStore);
        assert_eq!(
            s.allowed(),
            vec![Move::Issue, Move::Check, Move::Quarantine, Move::Condemn]
        );
        assert_eq!(
            state(Status::Issued).after(Move::Fit, Outcome::Pass),
            Some(Status::InUse)
        );
        assert_eq!(
            state(Status::InUse).after(Move::Check, Outcome::Fail),
            Some(Status::Quarantined)
        );
        assert_eq!(
            state(Status::InUse).after(Move::Return, Outcome::Pass),
            Some(Status::AwaitingDecontamination)
        );
        let no_decon = ItemState {
            requires_decontamination: false,
            ..state(Status::InUse)
        };
        assert_eq!(no_decon.after(Move::Return, Outcome::Pass), Some(Status::InStore));
        assert_eq!(state(Status::InUse).after(Move::Condemn, Outcome::Pass), None);
        assert!(state(Status::Condemned).allowed().is_empty());
    }

    #[test]
    fn an_open_recall_stops_issue_fit_and_release() {
        let s = ItemState {
            under_open_recall: true,
            ..state(Status::InStore)
        };
        assert_eq!(s.after(Move::Issue, Outcome::Pass), None);
        let err = s.require(Move::Issue, Outcome::Pass).unwrap_err();
        assert!(err.because_of_recall);
        assert_eq!(
            err.to_string(),
            "cannot issue an item that is in_store (the item is under an open recall); \
             allowed now: checks, quarantine, condemn"
        );
        let condemned = state(Status::Condemned)
            .require(Move::Issue, Outcome::Pass)
            .unwrap_err();
        assert_eq!(
            condemned,
            NotAllowed {
                attempted: Move::Issue,
                status: Status::Condemned,
                allowed: vec![],
                because_of_recall: false,
            }
        );
        assert_eq!(
            condemned.to_string(),
            "cannot issue an item that is condemned; allowed now: nothing"
        );
    }

    #[test]
    fn a_check_is_recorded_wherever_the_item_is_but_condemned() {
        for status in Status::ALL {
            let s = state(status);
            let pass = s.after(Move::Check, Outcome::Pass);
            let fail = s.after(Move::Check, Outcome::Fail);
            if status == Status::Condemned {
                assert_eq!((pass, fail), (None, None));
            } else {
                assert_eq!(pass, Some(status), "a pass leaves it {status}");
                assert_eq!(fail, Some(Status::Quarantined), "a fail on {status} quarantines");
            }
        }
    }

    #[test]
    fn release_returns_a_repaired_item_to_use_in_the_home() {
        let s = ItemState {
            status: Status::Quarantined,
            ..state(Status::InUse)
        };
        assert_eq!(s.after(Move::Release, Outcome::Pass), Some(Status::InUse));
        let at_store = ItemState {
            at_client: false,
            fitted: false,
            ..s
        };
        assert_eq!(
            at_store.after(Move::Release, Outcome::Pass),
            Some(Status::AwaitingDecontamination)
        );
    }
}
