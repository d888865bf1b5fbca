-- The first invalid test of the dataset being loaded and how many are invalid: at most one row (file, row, problem, invalid).
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.event_id IS NULL THEN 'event_id|missing'
            WHEN s.person_id IS NULL THEN 'person_id|missing'
            WHEN s.sample_ts IS NULL THEN 'sample_ts|missing'
            WHEN s.result_ts IS NULL THEN 'result_ts|missing'
            WHEN s.result_ts < s.sample_ts THEN 'result_ts|' || s.result_ts || ' is before the sample was taken (' || s.sample_ts || ')'
            WHEN s.kind IS NULL THEN 'kind|missing'
            WHEN s.kind NOT IN ('pcr', 'antigen') THEN 'kind|' || s.kind || ' is not pcr or antigen'
            WHEN s.result IS NULL THEN 'result|missing'
            WHEN s.result NOT IN ('positive', 'negative') THEN 'result|' || s.result || ' is not positive or negative'
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
