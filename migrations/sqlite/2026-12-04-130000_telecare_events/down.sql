DROP TABLE telecare_events;
