DROP TABLE handovers;
DROP FUNCTION handovers_only_erased();
