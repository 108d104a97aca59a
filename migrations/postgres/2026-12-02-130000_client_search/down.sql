DROP INDEX clients_postcode;
DROP INDEX clients_reference_lower;
