-- The first invalid Bluetooth encounter of the dataset being loaded and how many are invalid: at most one row (file, row, problem, invalid).
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.event_id IS NULL THEN 'event_id|missing'
            WHEN s.person_a IS NULL THEN 'person_a|missing'
            WHEN s.person_b IS NULL THEN 'person_b|missing'
            WHEN s.person_a = s.person_b THEN 'person_b|the same person as person_a'
            WHEN s.start_ts IS NULL THEN 'start_ts|missing'
            WHEN s.duration_s IS NULL OR s.duration_s < 0 THEN 'duration_s|' || coalesce(s.duration_s::VARCHAR, 'missing') || ' is not a duration in seconds'
            WHEN s.distance_m IS NULL OR s.distance_m < 0 OR isnan(s.distance_m) THEN 'distance_m|' || coalesce(s.distance_m::VARCHAR, 'missing') || ' is not a distance in metres'
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
LIMIT 1
