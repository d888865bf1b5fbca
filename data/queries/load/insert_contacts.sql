-- Appends the dataset's Bluetooth encounters not yet in the store (idempotent by event_id): one row per new encounter.
INSERT INTO contacts
SELECT s.event_id, s.person_a, s.person_b, s.start_ts, s.duration_s, s.distance_m, $load_id
FROM src AS s
ANTI JOIN contacts AS t ON t.event_id = s.event_id
