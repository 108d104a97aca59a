-- The office pages find a client by the start of their reference or postcode: a range
-- query in byte order ("C") whatever the database's collation, which these indexes answer.
CREATE INDEX clients_reference_lower ON clients ((lower(reference) COLLATE "C"));
CREATE INDEX clients_postcode ON clients ((postcode COLLATE "C"));
