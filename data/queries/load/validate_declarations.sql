-- The first invalid health declaration of the dataset being loaded and how many are invalid: at most one row (file, row, problem, invalid).
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.event_id IS NULL THEN 'event_id|missing'
            WHEN s.person_id IS NULL THEN 'person_id|missing'
            WHEN s.ts IS NULL THEN 'ts|missing'
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
LIMIT 1
