-- Finding an item by any part of its tag, serial or batch, or of its holder's name,
-- reference or postcode, without reading every row (issue 14): FTS5 indexes of trigrams,
-- which answer a quoted phrase of three or more characters as a substring, in any case.
-- Triggers keep them in step inside whatever transaction writes the rows, so every path
-- (the API, imports, erasure, `equiptrack copy`) is covered without its own code.

-- Items: items.search_key (tag, serial and batch in lower case) indexed where it lies,
-- the index holding no second copy of the text.
CREATE VIRTUAL TABLE items_search USING fts5(
    search_key, content = 'items', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER items_search_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_search (rowid, search_key) VALUES (new.id, new.search_key);
END;
-- An external-content index forgets a row by being told the text it indexed.
CREATE TRIGGER items_search_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_search (items_search, rowid, search_key) VALUES ('delete', old.id, old.search_key);
END;
CREATE TRIGGER items_search_update AFTER UPDATE OF id, search_key ON items
WHEN old.id IS NOT new.id OR old.search_key IS NOT new.search_key BEGIN
    INSERT INTO items_search (items_search, rowid, search_key) VALUES ('delete', old.id, old.search_key);
    INSERT INTO items_search (rowid, search_key) VALUES (new.id, new.search_key);
END;
INSERT INTO items_search (items_search) VALUES ('rebuild');

-- Clients: name, reference and the postcode without its spaces ("ls61aa" finds "LS6 1AA"),
-- stored in the index alone. An erased client has no entry: nobody finds their items by
-- the words erasure put in place of their details.
CREATE VIRTUAL TABLE clients_search USING fts5(
    name, reference, postcode, content = '', contentless_delete = 1, tokenize = 'trigram'
);
CREATE TRIGGER clients_search_insert AFTER INSERT ON clients WHEN new.erased_at IS NULL BEGIN
    INSERT INTO clients_search (rowid, name, reference, postcode)
    VALUES (new.id, new.name, new.reference, replace(new.postcode, ' ', ''));
END;
CREATE TRIGGER clients_search_delete AFTER DELETE ON clients BEGIN
    DELETE FROM clients_search WHERE rowid = old.id;
END;
CREATE TRIGGER clients_search_update AFTER UPDATE OF id, name, reference, postcode, erased_at ON clients BEGIN
    DELETE FROM clients_search WHERE rowid = old.id;
    INSERT INTO clients_search (rowid, name, reference, postcode)
    SELECT new.id, new.name, new.reference, replace(new.postcode, ' ', '') WHERE new.erased_at IS NULL;
END;
INSERT INTO clients_search (rowid, name, reference, postcode)
SELECT id, name, reference, replace(postcode, ' ', '') FROM clients WHERE erased_at IS NULL;
