CREATE INDEX items_status ON items (status);
CREATE INDEX items_type ON items (type_id);
DROP INDEX items_status_tag;
DROP INDEX items_type_tag;
