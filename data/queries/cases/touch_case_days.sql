-- Remembers the (ward, day) of the cases that one load's positive tests may change: one row per case person.
INSERT INTO touched_case_days
SELECT c.ward_code, local_day(c.confirmed_ts)
FROM cases AS c
WHERE c.person_id IN (SELECT person_id FROM tests WHERE load_id = $load_id AND result = 'positive')
