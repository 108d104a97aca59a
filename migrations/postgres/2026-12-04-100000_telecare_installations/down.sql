DROP TABLE telecare_changes;
DROP TABLE telecare_installations;
