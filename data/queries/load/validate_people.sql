-- The first invalid person of the dataset being loaded and how many are invalid: at most one row (file, row, problem, invalid).
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.person_id IS NULL THEN 'person_id|missing'
            WHEN s.copies > 1 THEN 'person_id|' || s.person_id || ' appears ' || s.copies || ' times in the dataset'
            WHEN s.full_name IS NULL OR trim(s.full_name) = '' THEN 'full_name|missing'
            WHEN s.birth_date IS NULL THEN 'birth_date|missing'
            WHEN s.birth_date < DATE '1890-01-01' OR s.birth_date > current_date THEN 'birth_date|' || s.birth_date || ' is not a possible birth date'
            WHEN s.sex IS NULL THEN 'sex|missing'
            WHEN s.sex NOT IN ('M', 'F') THEN 'sex|' || s.sex || ' is not M or F'
            WHEN s.citizen_id IS NOT NULL AND NOT regexp_full_match(s.citizen_id, '[0-9]{12}') THEN 'citizen_id|' || s.citizen_id || ' is not 12 digits'
            WHEN s.phone IS NOT NULL AND NOT regexp_full_match(s.phone, '0[0-9]{9}') THEN 'phone|' || s.phone || ' is not a 10-digit number starting with 0'
            WHEN s.household_id IS NULL THEN 'household_id|missing'
            WHEN s.ward_code IS NULL THEN 'ward_code|missing'
            WHEN w.code IS NULL THEN 'ward_code|' || s.ward_code || ' is not a ward code (GSO, 2021)'
        END AS problem
    FROM (SELECT *, count(*) OVER (PARTITION BY person_id) AS copies FROM src) AS s
    LEFT JOIN areas AS w ON w.code = s.ward_code AND w.level = 'ward'
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT 1
