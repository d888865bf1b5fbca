-- The first invalid check-in of the dataset being loaded and how many are invalid: at most one row (file, row, problem, invalid).
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.event_id IS NULL THEN 'event_id|missing'
            WHEN s.person_id IS NULL THEN 'person_id|missing'
            WHEN s.venue_id IS NULL THEN 'venue_id|missing'
            WHEN s.ts IS NULL THEN 'ts|missing'
            WHEN s.source IS NULL THEN 'source|missing'
            WHEN s.source NOT IN ('person_scan', 'venue_scan') THEN 'source|' || s.source || ' is not person_scan or venue_scan'
            WHEN s.direction NOT IN ('in', 'out') THEN 'direction|' || s.direction || ' is not in or out'
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
LIMIT 1
