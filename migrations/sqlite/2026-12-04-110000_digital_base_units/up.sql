-- Whether a type is a digital telecare base unit (IP or SIM, not the analogue line): a home
-- is digital-ready only with one of these and a connection that is not `pstn`.
ALTER TABLE equipment_types ADD COLUMN digital_unit BOOLEAN NOT NULL DEFAULT FALSE;
