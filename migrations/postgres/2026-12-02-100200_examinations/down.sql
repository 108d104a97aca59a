DROP TABLE defects;
DROP TABLE examinations;
ALTER TABLE items DROP COLUMN safe_working_load_kg;
ALTER TABLE items DROP COLUMN manufactured_on;
