-- The first invalid vaccination of the dataset being loaded and how many are invalid: at most one row (file, row, problem, invalid).
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.event_id IS NULL THEN 'event_id|missing'
            WHEN s.person_id IS NULL THEN 'person_id|missing'
            WHEN s.ts IS NULL THEN 'ts|missing'
            WHEN s.dose IS NULL OR s.dose < 1 OR s.dose > 10 THEN 'dose|' || coalesce(s.dose::VARCHAR, 'missing') || ' is not a dose number (1, 2, 3…)'
            WHEN s.vaccine IS NULL OR trim(s.vaccine) = '' THEN 'vaccine|missing'
            WHEN p.person_id IS NULL THEN 'person_id|no person ' || s.person_id || ' in the register'
        END AS problem
    FROM src AS s
    LEFT JOIN people AS p ON p.person_id = s.person_id
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT 1
