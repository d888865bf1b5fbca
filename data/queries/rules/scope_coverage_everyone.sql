-- Everyone in the register, for days new to the calendar before its first day (or a first fill): one row per person.
CREATE OR REPLACE TEMP TABLE coverage_scope AS SELECT person_id FROM people
