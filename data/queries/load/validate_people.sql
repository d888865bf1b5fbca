-- The first $invalid_rows invalid people of the batch being loaded (file, row order) and how many are invalid in all: one row per invalid person shown (file, row, problem, invalid); the loader shows one, the stream refuses each.
-- Bounds ($id_min, $earliest_birth, $max_chars_full_name, $forbidden…) come from rules/plausibility.toml.
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.person_id IS NULL THEN 'person_id|missing'
            WHEN s.person_id NOT BETWEEN $id_min AND $id_max THEN 'person_id|' || s.person_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.copies > 1 THEN 'person_id|' || s.person_id || ' appears ' || s.copies || ' times in the dataset'
            WHEN s.full_name IS NULL THEN 'full_name|missing'
            WHEN trim(s.full_name) = '' THEN 'full_name|blank (only spaces)'
            WHEN length(s.full_name) > $max_chars_full_name THEN 'full_name|' || length(s.full_name) || ' characters, more than ' || $max_chars_full_name
            WHEN regexp_matches(s.full_name, $forbidden) THEN 'full_name|' || shown(s.full_name) || ' holds ' || printf('U+%04X', unicode(regexp_extract(s.full_name, $forbidden))) || ', a control or text-direction character'
            WHEN NOT regexp_matches(s.full_name, '\p{L}') THEN 'full_name|has no letter (only punctuation or symbols)'
            WHEN s.birth_date IS NULL THEN 'birth_date|missing'
            WHEN s.birth_date > $latest_birth THEN 'birth_date|' || shown(s.birth_date) || ' is in the future'
            WHEN s.birth_date < $earliest_birth THEN 'birth_date|' || shown(s.birth_date) || ' is more than ' || $max_age_years || ' years ago'
            WHEN s.sex IS NULL THEN 'sex|missing'
            WHEN s.sex NOT IN ('M', 'F') THEN 'sex|' || shown(s.sex) || ' is not M or F'
            WHEN s.citizen_id IS NOT NULL AND NOT regexp_full_match(s.citizen_id, '[0-9]{12}') THEN 'citizen_id|' || shown(s.citizen_id) || ' is not 12 digits'
            WHEN s.phone IS NOT NULL AND NOT regexp_full_match(s.phone, '0[0-9]{9}') THEN 'phone|' || shown(s.phone) || ' is not a 10-digit number starting with 0'
            WHEN s.household_id IS NULL THEN 'household_id|missing'
            WHEN s.household_id NOT BETWEEN $id_min AND $id_max THEN 'household_id|' || s.household_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.ward_code IS NULL THEN 'ward_code|missing'
            WHEN w.code IS NULL THEN 'ward_code|' || shown(s.ward_code) || ' is not a ward code (GSO, 2021)'
        END AS problem
    FROM (SELECT *, count(*) OVER (PARTITION BY person_id) AS copies FROM src) AS s
    LEFT JOIN areas AS w ON w.code = s.ward_code AND w.level = 'ward'
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT $invalid_rows
