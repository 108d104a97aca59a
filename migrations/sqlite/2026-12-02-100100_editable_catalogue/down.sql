ALTER TABLE equipment_types DROP COLUMN safe_working_load_kg;
ALTER TABLE check_rules DROP COLUMN retired_at;
