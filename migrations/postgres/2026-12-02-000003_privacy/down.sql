DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE notification_clients;
DROP INDEX events_client;

ALTER TABLE decontaminations ADD COLUMN notes TEXT;
UPDATE decontaminations SET notes = (SELECT body FROM notes WHERE notes.id = decontaminations.note_id);
ALTER TABLE decontaminations DROP COLUMN note_id;

ALTER TABLE safety_checks ADD COLUMN notes TEXT;
UPDATE safety_checks SET notes = (SELECT body FROM notes WHERE notes.id = safety_checks.note_id);
ALTER TABLE safety_checks DROP COLUMN note_id;

ALTER TABLE events ADD COLUMN notes TEXT;
ALTER TABLE events DISABLE TRIGGER events_no_rewrite;
UPDATE events SET notes = (SELECT body FROM notes WHERE notes.id = events.note_id);
ALTER TABLE events ENABLE TRIGGER events_no_rewrite;
ALTER TABLE events DROP COLUMN note_id;

DROP TABLE notes;
DROP FUNCTION notes_only_erased();
