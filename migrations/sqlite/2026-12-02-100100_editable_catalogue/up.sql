-- A retired rule keeps its history (its checks still name it) but no item is reminded of
-- it or held back by it any more.
ALTER TABLE check_rules ADD COLUMN retired_at TIMESTAMP;
-- The type's safe working load, in kilograms, where it has one.
ALTER TABLE equipment_types ADD COLUMN safe_working_load_kg INTEGER;
