-- The first $invalid_rows invalid venues of the batch being loaded (file, row order) and how many are invalid in all: one row per invalid venue shown (file, row, problem, invalid); the loader shows one, the stream refuses each.
-- Bounds ($id_min, $lat_min…, $max_chars_venue_name, $forbidden) come from rules/plausibility.toml; NaN passes
-- BETWEEN in DuckDB, hence isfinite.
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.venue_id IS NULL THEN 'venue_id|missing'
            WHEN s.venue_id NOT BETWEEN $id_min AND $id_max THEN 'venue_id|' || s.venue_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.copies > 1 THEN 'venue_id|' || s.venue_id || ' appears ' || s.copies || ' times in the dataset'
            WHEN s.name IS NULL THEN 'name|missing'
            WHEN trim(s.name) = '' THEN 'name|blank (only spaces)'
            WHEN length(s.name) > $max_chars_venue_name THEN 'name|' || length(s.name) || ' characters, more than ' || $max_chars_venue_name
            WHEN regexp_matches(s.name, $forbidden) THEN 'name|' || shown(s.name) || ' holds ' || printf('U+%04X', unicode(regexp_extract(s.name, $forbidden))) || ', a control or text-direction character'
            WHEN NOT regexp_matches(s.name, '[\p{L}\p{N}]') THEN 'name|has no letter or digit (only punctuation or symbols)'
            WHEN s.kind IS NULL THEN 'kind|missing'
            WHEN NOT list_contains($venue_kinds, s.kind) THEN 'kind|' || shown(s.kind) || ' is not one of ' || array_to_string($venue_kinds, ', ')
            WHEN s.ward_code IS NULL THEN 'ward_code|missing'
            WHEN w.code IS NULL THEN 'ward_code|' || shown(s.ward_code) || ' is not a ward code (GSO, 2021)'
            WHEN s.lat IS NULL THEN 'lat|missing'
            WHEN NOT isfinite(s.lat) OR s.lat NOT BETWEEN $lat_min AND $lat_max THEN 'lat|' || shown(s.lat) || ' is not a latitude in Viet Nam (' || $lat_min || ' to ' || $lat_max || ')'
            WHEN s.lon IS NULL THEN 'lon|missing'
            WHEN NOT isfinite(s.lon) OR s.lon NOT BETWEEN $lon_min AND $lon_max THEN 'lon|' || shown(s.lon) || ' is not a longitude in Viet Nam (' || $lon_min || ' to ' || $lon_max || ')'
        END AS problem
    FROM (SELECT *, count(*) OVER (PARTITION BY venue_id) AS copies FROM src) AS s
    LEFT JOIN areas AS w ON w.code = s.ward_code AND w.level = 'ward'
)
SELECT _file, _row, problem, count(*) OVER () AS invalid
FROM checked
WHERE problem IS NOT NULL
ORDER BY _file, _row
LIMIT $invalid_rows
