-- The first $invalid_rows invalid check-ins of the batch being loaded (file, row order) and how many are invalid in all: one row per invalid check-in shown (file, row, problem, invalid); the loader shows one, the stream refuses each.
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
            WHEN s.venue_id IS NULL THEN 'venue_id|missing'
            WHEN s.venue_id NOT BETWEEN $id_min AND $id_max THEN 'venue_id|' || s.venue_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.ts IS NULL THEN 'ts|missing'
            WHEN s.ts < $earliest_ts THEN 'ts|' || shown_instant(s.ts) || ' is before ' || shown_instant($earliest_ts) || ', the earliest event the platform takes'
            WHEN s.ts > $latest_ts THEN 'ts|' || shown_instant(s.ts) || ' is in the future'
            WHEN s.source IS NULL THEN 'source|missing'
            WHEN s.source NOT IN ('person_scan', 'venue_scan') THEN 'source|' || shown(s.source) || ' is not person_scan or venue_scan'
            WHEN s.direction NOT IN ('in', 'out') THEN 'direction|' || shown(s.direction) || ' is not in or out'
            WHEN p.person_id IS NULL THEN 'person_id|no person ' || s.person_id || ' in the register'
            WHEN v.venue_id IS NULL THEN 'venue_id|no venue ' || s.venue_id
        END AS problem
    FROM src AS s
    LEFT JOIN people AS p ON p.person_id = s.person_id
    LEFT JOIN venues AS v ON v.venue_id = s.venue_id
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT $invalid_rows
