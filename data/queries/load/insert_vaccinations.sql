-- Appends the dataset's vaccinations not yet in the store (idempotent by event_id): one row per new dose.
INSERT INTO vaccinations
SELECT s.event_id, s.person_id, s.ts, s.dose, trim(s.vaccine), $load_id
FROM src AS s
ANTI JOIN vaccinations AS t ON t.event_id = s.event_id
