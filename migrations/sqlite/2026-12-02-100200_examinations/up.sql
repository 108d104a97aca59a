-- The equipment's own particulars a LOLER report names.
ALTER TABLE items ADD COLUMN manufactured_on DATE;
ALTER TABLE items ADD COLUMN safe_working_load_kg INTEGER;

-- A thorough examination's report (LOLER 1998, Schedule 1), one per check of an
-- examination rule.
CREATE TABLE examinations (
    check_id BIGINT PRIMARY KEY NOT NULL REFERENCES safety_checks(id),
    basis TEXT NOT NULL,
    safe_working_load_kg INTEGER,
    safe_to_operate BOOLEAN NOT NULL,
    tests TEXT,
    examiner_name TEXT NOT NULL,
    examiner_qualifications TEXT,
    examiner_employer TEXT,
    examiner_address TEXT,
    report_date DATE NOT NULL,
    next_examination_by DATE,
    risk_of_serious_injury BOOLEAN NOT NULL
);

-- Each defect an examination found. One not yet dangerous stays open until remedied; past
-- its remedy_by date it makes the item unsafe.
CREATE TABLE defects (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id BIGINT NOT NULL REFERENCES items(id),
    check_id BIGINT NOT NULL REFERENCES safety_checks(id),
    part TEXT NOT NULL,
    description TEXT NOT NULL,
    dangerous BOOLEAN NOT NULL,
    remedy_by DATE,
    repair TEXT,
    remedied_on DATE,
    remedied_by BIGINT REFERENCES staff(id),
    remedy_notes TEXT
);
CREATE INDEX defects_item ON defects (item_id, remedied_on);
CREATE INDEX defects_check ON defects (check_id);
