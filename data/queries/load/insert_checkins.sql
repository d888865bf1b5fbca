-- Appends the dataset's check-ins not yet in the store (idempotent by event_id): one row per new check-in.
-- The stored keys are found from the batch's side (a semi join builds on the few rows sent and their key range skips
-- the stored row groups around them); an anti join straight against the stored table built a hash table of all of it,
-- half a second per batch against 69 M encounters.
INSERT INTO checkins
WITH stored AS (SELECT t.event_id FROM checkins AS t SEMI JOIN src AS s ON s.event_id = t.event_id)
SELECT s.event_id, s.person_id, s.venue_id, s.ts, s.source, s.direction, $load_id
FROM src AS s
ANTI JOIN stored AS t ON t.event_id = s.event_id
