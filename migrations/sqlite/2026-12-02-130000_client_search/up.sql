-- The office pages find a client by the start of their reference or postcode: indexes on
-- the lower-cased reference and the postcode (stored upper case) answer a range query.
CREATE INDEX clients_reference_lower ON clients (lower(reference));
CREATE INDEX clients_postcode ON clients (postcode);
