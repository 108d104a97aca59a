-- Finding an item by any part of its tag, serial or batch, or of its holder's name,
-- reference or postcode, without reading every row (issue 14): pg_trgm's GIN indexes answer
-- LIKE '%…%' on these expressions, and PostgreSQL keeps them in step with every write.
-- pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Tag, serial and batch in lower case, kept by the service.
CREATE INDEX items_search_key_trgm ON items USING gin (search_key gin_trgm_ops);
-- The postcode without its spaces: "ls61aa" finds "LS6 1AA".
CREATE INDEX clients_name_trgm ON clients USING gin (lower(name) gin_trgm_ops);
CREATE INDEX clients_reference_trgm ON clients USING gin (lower(reference) gin_trgm_ops);
CREATE INDEX clients_postcode_trgm ON clients USING gin (replace(lower(postcode), ' ', '') gin_trgm_ops);
