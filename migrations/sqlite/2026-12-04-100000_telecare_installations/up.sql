-- The telecare installation in a client's home: one per client. Whether it is digital-ready
-- is not stored: it follows from the base unit's type and the connection when read.
-- Responders are people the client named (JSON array): personal data, blanked on erasure.
CREATE TABLE telecare_installations (
    client_id BIGINT PRIMARY KEY NOT NULL REFERENCES clients(id),
    monitoring_centre TEXT NOT NULL,
    -- The unit's reference at its monitoring centre: how the centre's events name it.
    unit_reference TEXT NOT NULL,
    base_unit_id BIGINT REFERENCES items(id),
    connection TEXT NOT NULL,
    provider_told BOOLEAN NOT NULL,
    router_battery TEXT NOT NULL,
    responders TEXT NOT NULL,
    key_safe BOOLEAN NOT NULL,
    switchover_status TEXT NOT NULL,
    switchover_scheduled_on DATE,
    migrated_on DATE,
    end_to_end_test_on DATE,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX telecare_installations_centre_reference
    ON telecare_installations (monitoring_centre, unit_reference);
CREATE INDEX telecare_installations_reference ON telecare_installations (unit_reference);
CREATE INDEX telecare_installations_switchover
    ON telecare_installations (connection, switchover_status);

-- Every change of an installation, for the client's history: the installation as it was
-- after the change (JSON), who made it and when. Erasing the client blanks `installation`.
CREATE TABLE telecare_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    changed_at TIMESTAMP NOT NULL,
    staff_id BIGINT REFERENCES staff(id),
    installation TEXT NOT NULL
);
CREATE INDEX telecare_changes_client ON telecare_changes (client_id, id);
