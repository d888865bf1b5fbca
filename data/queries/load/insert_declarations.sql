-- Appends the dataset's health declarations not yet in the store (idempotent by event_id): one row per new declaration.
INSERT INTO declarations
SELECT s.event_id, s.person_id, s.ts, s.fever, s.cough, s.breathless, s.lost_taste, s.contact_with_case, $load_id
FROM src AS s
ANTI JOIN declarations AS t ON t.event_id = s.event_id
