-- The first $invalid_rows invalid Bluetooth encounters of the batch being loaded (file, row order) and how many are invalid in all: one row per invalid Bluetooth encounter shown (file, row, problem, invalid); the loader shows one, the stream refuses each.
-- Bounds ($id_min, $earliest_ts, $max_duration_s, $max_distance_m…) come from rules/plausibility.toml; NaN passes
-- comparisons in DuckDB, hence isfinite.
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.event_id IS NULL THEN 'event_id|missing'
            WHEN s.event_id NOT BETWEEN $id_min AND $id_max THEN 'event_id|' || s.event_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.person_a IS NULL THEN 'person_a|missing'
            WHEN s.person_a NOT BETWEEN $id_min AND $id_max THEN 'person_a|' || s.person_a || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.person_b IS NULL THEN 'person_b|missing'
            WHEN s.person_b NOT BETWEEN $id_min AND $id_max THEN 'person_b|' || s.person_b || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.person_a = s.person_b THEN 'person_b|the same person as person_a'
            WHEN s.start_ts IS NULL THEN 'start_ts|missing'
            WHEN s.start_ts < $earliest_ts THEN 'start_ts|' || shown_instant(s.start_ts) || ' is before ' || shown_instant($earliest_ts) || ', the earliest event the platform takes'
            WHEN s.start_ts > $latest_ts THEN 'start_ts|' || shown_instant(s.start_ts) || ' is in the future'
            WHEN s.duration_s IS NULL THEN 'duration_s|missing'
            WHEN s.duration_s NOT BETWEEN 0 AND $max_duration_s THEN 'duration_s|' || s.duration_s || ' is not a duration in seconds (0 to ' || $max_duration_s || ')'
            WHEN s.distance_m IS NULL THEN 'distance_m|missing'
            WHEN NOT isfinite(s.distance_m) OR s.distance_m NOT BETWEEN 0 AND $max_distance_m THEN 'distance_m|' || shown(s.distance_m) || ' is not a distance in metres (0 to ' || $max_distance_m || ')'
            WHEN a.person_id IS NULL THEN 'person_a|no person ' || s.person_a || ' in the register'
            WHEN b.person_id IS NULL THEN 'person_b|no person ' || s.person_b || ' in the register'
        END AS problem
    FROM src AS s
    LEFT JOIN people AS a ON a.person_id = s.person_a
    LEFT JOIN people AS b ON b.person_id = s.person_b
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT $invalid_rows
