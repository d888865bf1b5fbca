-- Appends the dataset's check-ins not yet in the store (idempotent by event_id): one row per new check-in.
INSERT INTO checkins
SELECT s.event_id, s.person_id, s.venue_id, s.ts, s.source, s.direction, $load_id
FROM src AS s
ANTI JOIN checkins AS t ON t.event_id = s.event_id
