-- Checks belong to the item, not to a loan (issue 12).

-- A rule's own shape: its lead time (NULL: reminders.lead_days), its kind (examination,
-- inspection or test_call), and whether its first check falls due on the fit date itself.
ALTER TABLE check_rules ADD COLUMN lead_days INTEGER;
ALTER TABLE check_rules ADD COLUMN kind TEXT NOT NULL DEFAULT 'inspection';
ALTER TABLE check_rules ADD COLUMN due_on_fit BOOLEAN NOT NULL DEFAULT FALSE;

-- The first fit starts every rule's clock before its first check; a return never clears it.
-- Why an item was condemned, as a code beside the reason's words in its history.
ALTER TABLE items ADD COLUMN first_fitted_at DATE;
ALTER TABLE items ADD COLUMN condemn_reason TEXT;

-- Existing items move onto the new clock. The first fit is the earliest of the current fit
-- date and the day each earlier fit was recorded (a return used to clear the date itself).
UPDATE items SET first_fitted_at = (
    SELECT MIN(d) FROM (
        SELECT items.fitted_at AS d
        UNION ALL
        SELECT e.occurred_at::date FROM events e WHERE e.item_id = items.id AND e.action = 'fitted'
    ) AS fits
);

-- Every rule of every item gets a row; its last check is the latest passed check of that
-- rule ever recorded (every recorded check is kept: none is lost by a return).
INSERT INTO item_checks_due (item_id, rule_id)
SELECT i.id, r.id FROM items i JOIN check_rules r ON r.type_id = i.type_id
WHERE NOT EXISTS (
    SELECT 1 FROM item_checks_due d WHERE d.item_id = i.id AND d.rule_id = r.id
);
UPDATE item_checks_due SET last_checked_at = (
    SELECT MAX(d) FROM (
        SELECT item_checks_due.last_checked_at AS d
        UNION ALL
        SELECT c.performed_at FROM safety_checks c
        WHERE c.item_id = item_checks_due.item_id AND c.rule_id = item_checks_due.rule_id
          AND c.outcome = 'pass'
    ) AS checks
);

-- The next due date, as domain::checks::next_due_of computes it: one interval after the
-- last check; before any, one interval after the first fit (the fit date itself for a
-- due_on_fit rule); none for stock never fitted nor checked, nor for a condemned item.
UPDATE item_checks_due SET next_due = (
    SELECT CASE
        WHEN i.status = 'condemned' THEN NULL
        WHEN item_checks_due.last_checked_at IS NOT NULL
            THEN item_checks_due.last_checked_at + r.interval_days
        WHEN i.first_fitted_at IS NULL THEN NULL
        WHEN r.due_on_fit THEN i.first_fitted_at
        ELSE i.first_fitted_at + r.interval_days
    END
    FROM items i, check_rules r
    WHERE i.id = item_checks_due.item_id AND r.id = item_checks_due.rule_id
);
DELETE FROM item_checks_due WHERE last_checked_at IS NULL AND next_due IS NULL;

UPDATE items SET
    last_checked_at = (SELECT MAX(d.last_checked_at) FROM item_checks_due d WHERE d.item_id = items.id),
    next_check_due = (SELECT MIN(d.next_due) FROM item_checks_due d WHERE d.item_id = items.id);
