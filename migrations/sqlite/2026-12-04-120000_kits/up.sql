-- A kit: items that go out and come back together (a telecare base unit with its pendant
-- and sensors, a hoist with its slings), with a tag and a label of its own (KIT- and six
-- digits, from the kit_tag counter). Its members keep their own checks and history.
CREATE TABLE kits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tag TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- An item is in at most one kit.
CREATE TABLE kit_members (
    kit_id BIGINT NOT NULL REFERENCES kits(id),
    item_id BIGINT NOT NULL UNIQUE REFERENCES items(id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kit_id, item_id)
);

-- The kit's own history: made, a member added or removed, each move of the whole kit, and
-- each member missing at a collection (item_id names the member). No free text a person
-- wrote: a move's notes are in each member's own history, where erasure finds them.
CREATE TABLE kit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kit_id BIGINT NOT NULL REFERENCES kits(id),
    occurred_at TIMESTAMP NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    action TEXT NOT NULL,
    item_id BIGINT REFERENCES items(id),
    client_id BIGINT REFERENCES clients(id)
);
CREATE INDEX kit_events_kit ON kit_events (kit_id, id);

INSERT INTO counters (name, value) VALUES ('kit_tag', 0);
