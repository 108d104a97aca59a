DROP TRIGGER clients_search_update;
DROP TRIGGER clients_search_delete;
DROP TRIGGER clients_search_insert;
DROP TABLE clients_search;
DROP TRIGGER items_search_update;
DROP TRIGGER items_search_delete;
DROP TRIGGER items_search_insert;
DROP TABLE items_search;
