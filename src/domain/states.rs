//! Where a recall, an item under it and an outgoing email stand. Stored as these words.

use serde::{Deserialize, Serialize};

/// A recall is open until every affected item is resolved.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum RecallStatus {
    Open,
    Closed,
}

impl RecallStatus {
    pub const ALL: [Self; 2] = [Self::Open, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// One affected item of a recall: open, or resolved one of two ways.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum RecallItemState {
    Open,
    /// Taken back from where it was.
    Retrieved,
    /// Inspected and found not to be affected.
    Safe,
}

impl RecallItemState {
    pub const ALL: [Self; 3] = [Self::Open, Self::Retrieved, Self::Safe];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Retrieved => "retrieved",
            Self::Safe => "safe",
        }
    }
}

/// An email in the outbox.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    /// Claimed by a dispatcher until its claim runs out.
    Sending,
    Sent,
    /// Out of attempts; stays so until someone retries it.
    Failed,
}

impl OutboxStatus {
    pub const ALL: [Self; 4] = [Self::Pending, Self::Sending, Self::Sent, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Not yet handed to the mail server.
    pub fn still_to_go(self) -> bool {
        matches!(self, Self::Pending | Self::Sending)
    }
}

/// How a reminder sweep ended, or that it is still running.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
    diesel::expression::AsExpression,
    diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum SweepOutcome {
    /// Started and not finished: still going, or died half way.
    Running,
    Ok,
    Failed,
    /// Another instance held the sweep's lease.
    Skipped,
}

impl SweepOutcome {
    pub const ALL: [Self; 4] = [Self::Running, Self::Ok, Self::Failed, Self::Skipped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

impl std::fmt::Display for SweepOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for OutboxStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for RecallItemState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
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
