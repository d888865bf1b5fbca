-- Appends the dataset's tests not yet in the store (idempotent by event_id): one row per new test.
INSERT INTO tests
SELECT s.event_id, s.person_id, s.sample_ts, s.result_ts, s.kind, s.result, $load_id
FROM src AS s
ANTI JOIN tests AS t ON t.event_id = s.event_id
