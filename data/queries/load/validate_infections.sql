-- The first invalid ground-truth infection of the dataset being loaded and how many are invalid: at most one row (file, row, problem, invalid).
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.infectee IS NULL THEN 'infectee|missing'
            WHEN s.copies > 1 THEN 'infectee|' || s.infectee || ' is infected ' || s.copies || ' times in the dataset'
            WHEN s.ts IS NULL THEN 'ts|missing'
            WHEN s.setting IS NULL THEN 'setting|missing'
            WHEN s.setting NOT IN ('household', 'venue', 'proximity', 'community', 'seed') THEN 'setting|' || s.setting || ' is not household, venue, proximity, community or seed'
            WHEN p.person_id IS NULL THEN 'infectee|no person ' || s.infectee || ' in the register'
            WHEN s.infector IS NOT NULL AND q.person_id IS NULL THEN 'infector|no person ' || s.infector || ' in the register'
            WHEN s.venue_id IS NOT NULL AND v.venue_id IS NULL THEN 'venue_id|no venue ' || s.venue_id
        END AS problem
    FROM (SELECT *, count(*) OVER (PARTITION BY infectee) AS copies FROM src) AS s
    LEFT JOIN people AS p ON p.person_id = s.infectee
    LEFT JOIN people AS q ON q.person_id = s.infector
    LEFT JOIN venues AS v ON v.venue_id = s.venue_id
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT 1
