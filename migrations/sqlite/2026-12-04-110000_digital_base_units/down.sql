ALTER TABLE equipment_types DROP COLUMN digital_unit;
