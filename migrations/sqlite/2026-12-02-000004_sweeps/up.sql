-- One row per reminder sweep, written when it starts and again when it ends, so that an
-- operator can see whether today's reminders went out, and the scheduler whether today
-- still needs a sweep. outcome: running, ok, failed or skipped (another instance swept).
CREATE TABLE sweeps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    as_of DATE NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    outcome TEXT NOT NULL,
    due_checks INTEGER NOT NULL DEFAULT 0,
    digests INTEGER NOT NULL DEFAULT 0,
    queued INTEGER NOT NULL DEFAULT 0,
    error TEXT
);
CREATE INDEX sweeps_as_of ON sweeps (as_of, outcome);
