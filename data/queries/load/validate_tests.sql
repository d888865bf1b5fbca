-- The first $invalid_rows invalid tests of the batch being loaded (file, row order) and how many are invalid in all: one row per invalid test shown (file, row, problem, invalid); the loader shows one, the stream refuses each.
-- Bounds ($id_min, $earliest_ts, $latest_ts, $max_result_days…) come from rules/plausibility.toml.
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.event_id IS NULL THEN 'event_id|missing'
            WHEN s.event_id NOT BETWEEN $id_min AND $id_max THEN 'event_id|' || s.event_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.person_id IS NULL THEN 'person_id|missing'
            WHEN s.person_id NOT BETWEEN $id_min AND $id_max THEN 'person_id|' || s.person_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.sample_ts IS NULL THEN 'sample_ts|missing'
            WHEN s.sample_ts < $earliest_ts THEN 'sample_ts|' || shown_instant(s.sample_ts) || ' is before ' || shown_instant($earliest_ts) || ', the earliest event the platform takes'
            WHEN s.sample_ts > $latest_ts THEN 'sample_ts|' || shown_instant(s.sample_ts) || ' is in the future'
            WHEN s.result_ts IS NULL THEN 'result_ts|missing'
            WHEN s.result_ts < s.sample_ts THEN 'result_ts|' || shown_instant(s.result_ts) || ' is before the sample was taken (' || shown_instant(s.sample_ts) || ')'
            WHEN s.result_ts > s.sample_ts + to_days(CAST($max_result_days AS INTEGER)) THEN 'result_ts|' || shown_instant(s.result_ts) || ' is more than ' || $max_result_days || ' days after the sample (' || shown_instant(s.sample_ts) || ')'
            WHEN s.result_ts > $latest_ts THEN 'result_ts|' || shown_instant(s.result_ts) || ' is in the future'
            WHEN s.kind IS NULL THEN 'kind|missing'
            WHEN s.kind NOT IN ('pcr', 'antigen') THEN 'kind|' || shown(s.kind) || ' is not pcr or antigen'
            WHEN s.result IS NULL THEN 'result|missing'
            WHEN s.result NOT IN ('positive', 'negative') THEN 'result|' || shown(s.result) || ' is not positive or negative'
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
