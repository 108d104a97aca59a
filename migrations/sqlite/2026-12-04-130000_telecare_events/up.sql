-- Every event a monitoring centre reported (a test call, a heartbeat, a low battery, a
-- fault), kept as evidence for the item it resolved to: one row per item, so an event
-- named by a home's unit reference that reaches its pendant and its base unit is two rows.
-- The same event twice (same item, kind and time, to the second) is kept once.
CREATE TABLE telecare_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES items(id),
    kind TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    -- How the centre named it: its monitoring centre, if it said, and the unit reference
    -- (null when it named the item by serial).
    centre TEXT,
    unit_reference TEXT,
    received_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX telecare_events_once ON telecare_events (item_id, kind, occurred_at);
