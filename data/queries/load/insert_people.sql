-- Appends the dataset's people not yet in the register (idempotent by person_id): one row per new person.
INSERT INTO people
SELECT s.person_id, s.citizen_id, trim(s.full_name), s.birth_date, s.sex, s.phone, s.household_id, s.ward_code, $load_id
FROM src AS s
ANTI JOIN people AS t ON t.person_id = s.person_id
