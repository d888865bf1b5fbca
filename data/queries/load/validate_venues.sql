-- The first invalid venue of the dataset being loaded and how many are invalid: at most one row (file, row, problem, invalid).
-- Viet Nam's box includes the Trường Sa (Spratly) and Hoàng Sa (Paracel) island districts: 6–23.5 °N, 102–117.9 °E.
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.venue_id IS NULL THEN 'venue_id|missing'
            WHEN s.copies > 1 THEN 'venue_id|' || s.venue_id || ' appears ' || s.copies || ' times in the dataset'
            WHEN s.name IS NULL OR trim(s.name) = '' THEN 'name|missing'
            WHEN s.kind IS NULL THEN 'kind|missing'
            WHEN NOT list_contains($venue_kinds, s.kind) THEN 'kind|' || s.kind || ' is not one of ' || array_to_string($venue_kinds, ', ')
            WHEN s.ward_code IS NULL THEN 'ward_code|missing'
            WHEN w.code IS NULL THEN 'ward_code|' || s.ward_code || ' is not a ward code (GSO, 2021)'
            WHEN s.lat IS NULL OR s.lat NOT BETWEEN 6.0 AND 23.5 THEN 'lat|' || coalesce(s.lat::VARCHAR, 'missing') || ' is not a latitude in Viet Nam'
            WHEN s.lon IS NULL OR s.lon NOT BETWEEN 102.0 AND 117.9 THEN 'lon|' || coalesce(s.lon::VARCHAR, 'missing') || ' is not a longitude in Viet Nam'
        END AS problem
    FROM (SELECT *, count(*) OVER (PARTITION BY venue_id) AS copies FROM src) AS s
    LEFT JOIN areas AS w ON w.code = s.ward_code AND w.level = 'ward'
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT 1
