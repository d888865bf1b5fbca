-- The first $invalid_rows invalid vaccinations of the batch being loaded (file, row order) and how many are invalid in all: one row per invalid vaccination shown (file, row, problem, invalid); the loader shows one, the stream refuses each.
-- Bounds ($id_min, $earliest_ts, $dose_min, $max_chars_vaccine, $forbidden…) come from rules/plausibility.toml.
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
            WHEN s.dose IS NULL OR s.dose NOT BETWEEN $dose_min AND $dose_max THEN 'dose|' || coalesce(s.dose::VARCHAR, 'missing') || ' is not a dose number (1, 2, 3…)'
            WHEN s.vaccine IS NULL THEN 'vaccine|missing'
            WHEN trim(s.vaccine) = '' THEN 'vaccine|blank (only spaces)'
            WHEN length(s.vaccine) > $max_chars_vaccine THEN 'vaccine|' || length(s.vaccine) || ' characters, more than ' || $max_chars_vaccine
            WHEN regexp_matches(s.vaccine, $forbidden) THEN 'vaccine|' || shown(s.vaccine) || ' holds ' || printf('U+%04X', unicode(regexp_extract(s.vaccine, $forbidden))) || ', a control or text-direction character'
            WHEN NOT regexp_matches(s.vaccine, '[\p{L}\p{N}]') THEN 'vaccine|has no letter or digit (only punctuation or symbols)'
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
