-- The first $invalid_rows invalid health declarations of the batch being loaded (file, row order) and how many are invalid in all: one row per invalid health declaration shown (file, row, problem, invalid); the loader shows one, the stream refuses each.
-- Bounds ($id_min, $earliest_ts, $latest_ts…) come from rules/plausibility.toml.
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.event_id IS NULL THEN 'event_id|missing'
            WHEN s.event_id NOT BETWEEN $id_min AND $id_max THEN 'event_id|' || s.event_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.person_id IS NULL THEN 'person_id|missing'
            WHEN s.person_id NOT BETWEEN $id_min AND $id_max THEN 'person_id|' || s.person_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.ts IS NULL THEN 'ts|missing'
            WHEN s.ts < $earliest_ts THEN 'ts|' || shown_instant(s.ts) || ' is before ' || shown_instant($earliest_ts) || ', the earliest event the platform takes'
            WHEN s.ts > $latest_ts THEN 'ts|' || shown_instant(s.ts) || ' is in the future'
            WHEN s.fever IS NULL THEN 'fever|missing'
            WHEN s.cough IS NULL THEN 'cough|missing'
            WHEN s.breathless IS NULL THEN 'breathless|missing'
            WHEN s.lost_taste IS NULL THEN 'lost_taste|missing'
            WHEN s.contact_with_case IS NULL THEN 'contact_with_case|missing'
            WHEN p.person_id IS NULL THEN 'person_id|no person ' || s.person_id || ' in the register'
        END AS problem
    FROM src AS s
    LEFT JOIN people AS p ON p.person_id = s.person_id
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT $invalid_rows
