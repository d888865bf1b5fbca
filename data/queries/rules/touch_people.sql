-- The people whose card or coverage one load may change (their events, their case, their quarantine or contacts, or new to the register): one row per person.
INSERT INTO rule_people
SELECT person_id FROM people WHERE load_id = $load_id
UNION SELECT person_id FROM vaccinations WHERE load_id = $load_id
UNION SELECT person_id FROM tests WHERE load_id = $load_id
UNION SELECT person_id FROM quarantine WHERE load_id = $load_id
UNION SELECT person_id FROM exposures WHERE load_id = $load_id
