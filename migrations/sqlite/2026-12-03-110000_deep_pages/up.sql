-- A filtered list's deep page walks an index in tag order and never the table: status's
-- and type's indexes carry the tag after them (and, on SQLite, every index the row id).
-- They replace the indexes on status and type alone, which they also serve.
CREATE INDEX items_status_tag ON items (status, asset_tag);
CREATE INDEX items_type_tag ON items (type_id, asset_tag);
DROP INDEX items_status;
DROP INDEX items_type;
