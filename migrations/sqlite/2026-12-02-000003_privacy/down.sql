-- SQLite cannot drop a column that references another table: the note_id columns stay, empty.
DROP TABLE audit_log;
DROP TABLE notification_clients;
DROP INDEX events_client;

ALTER TABLE decontaminations ADD COLUMN notes TEXT;
UPDATE decontaminations SET notes = (SELECT body FROM notes WHERE notes.id = decontaminations.note_id),
                            note_id = NULL;

ALTER TABLE safety_checks ADD COLUMN notes TEXT;
UPDATE safety_checks SET notes = (SELECT body FROM notes WHERE notes.id = safety_checks.note_id),
                         note_id = NULL;

ALTER TABLE events ADD COLUMN notes TEXT;
DROP TRIGGER events_no_update;
UPDATE events SET notes = (SELECT body FROM notes WHERE notes.id = events.note_id), note_id = NULL;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

DROP TABLE notes;
