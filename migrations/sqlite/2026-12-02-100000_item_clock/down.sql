ALTER TABLE items DROP COLUMN condemn_reason;
ALTER TABLE items DROP COLUMN first_fitted_at;
ALTER TABLE check_rules DROP COLUMN due_on_fit;
ALTER TABLE check_rules DROP COLUMN kind;
ALTER TABLE check_rules DROP COLUMN lead_days;
