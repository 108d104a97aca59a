//! Where a recall, an item under it and an outgoing email stand. Stored as these words.

use super::stored::stored_words;

stored_words! {
    /// A recall is open until every affected item is resolved.
    pub enum RecallStatus {
        Open => "open",
        Closed => "closed",
    }
}

stored_words! {
    /// One affected item of a recall: open, or resolved one of two ways.
    pub enum RecallItemState {
        Open => "open",
        /// Taken back from where it was.
        Retrieved => "retrieved",
        /// Inspected and found not to be affected.
        Safe => "safe",
    }
}

stored_words! {
    /// An email in the outbox.
    pub enum OutboxStatus {
        Pending => "pending",
        /// Claimed by a dispatcher until its claim runs out.
        Sending => "sending",
        Sent => "sent",
        /// Out of attempts; stays so until someone retries it.
        Failed => "failed",
    }
}

impl OutboxStatus {
    /// Not yet handed to the mail server.
    pub fn still_to_go(self) -> bool {
        matches!(self, Self::Pending | Self::Sending)
    }
}

stored_words! {
    /// How a reminder sweep ended, or that it is still running.
    pub enum SweepOutcome {
        /// Started and not finished: still going, or died half way.
        Running => "running",
        Ok => "ok",
        Failed => "failed",
        /// Another instance held the sweep's lease.
        Skipped => "skipped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_state_is_stored_as_its_serde_name() {
        for s in RecallStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in RecallItemState::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in SweepOutcome::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for s in OutboxStatus::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
            assert_eq!(OutboxStatus::parse(s.as_str()), Some(s));
        }
    }
}
