-- Free text written about a visit lives in its own table, so that erasing a client can
-- blank it while the history itself stays append-only. A note belongs to the client whose
-- visit it describes (none for notes written in the store).
CREATE TABLE notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id BIGINT REFERENCES clients(id),
    body TEXT NOT NULL,
    erased_at TIMESTAMP
);
CREATE INDEX notes_client ON notes (client_id);

-- Erasure is the one change a note accepts.
CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes
BEGIN SELECT RAISE(ABORT, 'notes are kept; erasure blanks them'); END;
CREATE TRIGGER notes_only_erased BEFORE UPDATE ON notes
WHEN NEW.body <> '[erased]' OR NEW.id <> OLD.id OR NEW.client_id IS NOT OLD.client_id
BEGIN SELECT RAISE(ABORT, 'a note can only be erased'); END;

-- Existing notes move out. An event's note keeps the event's id, so each row finds its
-- note without a lookup; a check or a cleaning shares the note of the event written with it.
-- Checks were recorded without their client, and a cleaning follows a collection: both
-- belong to the client the item was last with.
INSERT INTO notes (id, client_id, body)
SELECT e.id,
       CASE WHEN e.client_id IS NULL AND e.action IN ('check_passed', 'check_failed', 'decontaminated')
            THEN (SELECT p.client_id FROM events p
                  WHERE p.item_id = e.item_id AND p.id < e.id AND p.client_id IS NOT NULL
                  ORDER BY p.id DESC LIMIT 1)
            ELSE e.client_id END,
       e.notes
FROM events e WHERE e.notes IS NOT NULL;

ALTER TABLE events ADD COLUMN note_id BIGINT REFERENCES notes(id);
DROP TRIGGER events_no_update;
UPDATE events SET note_id = id WHERE notes IS NOT NULL;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
ALTER TABLE events DROP COLUMN notes;

ALTER TABLE safety_checks ADD COLUMN note_id BIGINT REFERENCES notes(id);
UPDATE safety_checks SET note_id = (
    SELECT e.note_id FROM events e
    WHERE e.item_id = safety_checks.item_id AND e.occurred_at = safety_checks.recorded_at
      AND e.action IN ('check_passed', 'check_failed') AND e.note_id IS NOT NULL
    ORDER BY e.id LIMIT 1
) WHERE notes IS NOT NULL;
-- Any left over get notes of their own, numbered past every event.
INSERT INTO notes (id, client_id, body)
SELECT (SELECT COALESCE(MAX(id), 0) FROM events) + id, NULL, notes
FROM safety_checks WHERE notes IS NOT NULL AND note_id IS NULL;
UPDATE safety_checks SET note_id = (SELECT COALESCE(MAX(id), 0) FROM events) + id
WHERE notes IS NOT NULL AND note_id IS NULL;
ALTER TABLE safety_checks DROP COLUMN notes;

ALTER TABLE decontaminations ADD COLUMN note_id BIGINT REFERENCES notes(id);
UPDATE decontaminations SET note_id = (
    SELECT e.note_id FROM events e
    WHERE e.item_id = decontaminations.item_id AND e.occurred_at = decontaminations.performed_at
      AND e.action = 'decontaminated' AND e.note_id IS NOT NULL
    ORDER BY e.id LIMIT 1
) WHERE notes IS NOT NULL;
-- Left over ones are numbered past every event and every check.
INSERT INTO notes (id, client_id, body)
SELECT (SELECT COALESCE(MAX(id), 0) FROM events) + (SELECT COALESCE(MAX(id), 0) FROM safety_checks) + id,
       NULL, notes
FROM decontaminations WHERE notes IS NOT NULL AND note_id IS NULL;
UPDATE decontaminations
SET note_id = (SELECT COALESCE(MAX(id), 0) FROM events) + (SELECT COALESCE(MAX(id), 0) FROM safety_checks) + id
WHERE notes IS NOT NULL AND note_id IS NULL;
ALTER TABLE decontaminations DROP COLUMN notes;

-- A client's history is read for their export.
CREATE INDEX events_client ON events (client_id);

-- Which outbox rows speak of which client, so erasure and the export find them.
CREATE TABLE notification_clients (
    notification_id BIGINT NOT NULL REFERENCES notifications(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    PRIMARY KEY (notification_id, client_id)
);
CREATE INDEX notification_clients_client ON notification_clients (client_id);

-- Who did what to personal data and to accounts. Details are JSON, never a secret.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at TIMESTAMP NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    action TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    details TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
