DELETE FROM counters WHERE name = 'kit_tag';
DROP TABLE kit_events;
DROP TABLE kit_members;
DROP TABLE kits;
