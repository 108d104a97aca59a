CREATE TABLE staff (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    password_hash TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    staff_id BIGINT NOT NULL REFERENCES staff(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE equipment_types (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    manufacturer TEXT,
    model TEXT,
    requires_decontamination BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE check_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type_id BIGINT NOT NULL REFERENCES equipment_types(id),
    name TEXT NOT NULL,
    interval_days INTEGER NOT NULL,
    UNIQUE (type_id, name)
);

CREATE TABLE locations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    address TEXT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    phone TEXT,
    erased_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asset_tag TEXT NOT NULL UNIQUE,
    type_id BIGINT NOT NULL REFERENCES equipment_types(id),
    serial_number TEXT,
    batch TEXT,
    status TEXT NOT NULL,
    location_id BIGINT REFERENCES locations(id),
    client_id BIGINT REFERENCES clients(id),
    worker_id BIGINT REFERENCES staff(id),
    fitted_at DATE,
    last_checked_at DATE,
    next_check_due DATE,
    -- Lower-case tag, serial and batch, kept by the application: one column to search.
    search_key TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX items_status ON items (status);
CREATE INDEX items_type ON items (type_id);
CREATE INDEX items_client ON items (client_id);
CREATE INDEX items_worker ON items (worker_id);
CREATE INDEX items_next_check_due ON items (next_check_due);
CREATE INDEX items_serial ON items (serial_number);
CREATE INDEX items_batch ON items (batch);

CREATE TABLE item_checks_due (
    item_id BIGINT NOT NULL REFERENCES items(id),
    rule_id BIGINT NOT NULL REFERENCES check_rules(id),
    last_checked_at DATE,
    next_due DATE,
    PRIMARY KEY (item_id, rule_id)
);
CREATE INDEX item_checks_due_next ON item_checks_due (next_due);

CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES items(id),
    occurred_at TIMESTAMP NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    client_id BIGINT REFERENCES clients(id),
    notes TEXT
);
CREATE INDEX events_item ON events (item_id, id);

-- The history is append-only: the database itself refuses to rewrite it.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE safety_checks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES items(id),
    rule_id BIGINT NOT NULL REFERENCES check_rules(id),
    outcome TEXT NOT NULL,
    performed_at DATE NOT NULL,
    performed_by BIGINT NOT NULL REFERENCES staff(id),
    notes TEXT,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX safety_checks_item ON safety_checks (item_id);

CREATE TABLE decontaminations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES items(id),
    method TEXT NOT NULL,
    notes TEXT,
    performed_by BIGINT NOT NULL REFERENCES staff(id),
    performed_at TIMESTAMP NOT NULL
);
CREATE INDEX decontaminations_item ON decontaminations (item_id);

CREATE TABLE recalls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    type_id BIGINT NOT NULL REFERENCES equipment_types(id),
    serial_from TEXT,
    serial_to TEXT,
    batch TEXT,
    status TEXT NOT NULL,
    opened_by BIGINT NOT NULL REFERENCES staff(id),
    opened_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);

CREATE TABLE recall_items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recall_id BIGINT NOT NULL REFERENCES recalls(id),
    item_id BIGINT NOT NULL REFERENCES items(id),
    status_at_open TEXT NOT NULL,
    client_id BIGINT REFERENCES clients(id),
    worker_id BIGINT REFERENCES staff(id),
    state TEXT NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES staff(id),
    notes TEXT,
    UNIQUE (recall_id, item_id)
);
CREATE INDEX recall_items_item ON recall_items (item_id, state);

CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('asset_tag', 0);
