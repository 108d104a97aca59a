-- The extension stays: something else may have come to use it.
DROP INDEX clients_postcode_trgm;
DROP INDEX clients_reference_trgm;
DROP INDEX clients_name_trgm;
DROP INDEX items_search_key_trgm;
