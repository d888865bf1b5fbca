-- The first $invalid_rows invalid ground-truth infections of the batch being loaded (file, row order) and how many are invalid in all: one row per invalid ground-truth infection shown (file, row, problem, invalid); the loader shows one, the stream refuses each.
-- Bounds ($id_min, $earliest_ts, $latest_ts…) come from rules/plausibility.toml.
WITH checked AS (
    SELECT
        s._file,
        s._row,
        CASE
            WHEN s.infectee IS NULL THEN 'infectee|missing'
            WHEN s.infectee NOT BETWEEN $id_min AND $id_max THEN 'infectee|' || s.infectee || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.copies > 1 THEN 'infectee|' || s.infectee || ' is infected ' || s.copies || ' times in the dataset'
            WHEN s.infector NOT BETWEEN $id_min AND $id_max THEN 'infector|' || s.infector || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.venue_id NOT BETWEEN $id_min AND $id_max THEN 'venue_id|' || s.venue_id || ' is not an id (' || $id_min || ' to ' || $id_max || ')'
            WHEN s.ts IS NULL THEN 'ts|missing'
            WHEN s.ts < $earliest_ts THEN 'ts|' || shown_instant(s.ts) || ' is before ' || shown_instant($earliest_ts) || ', the earliest event the platform takes'
            WHEN s.ts > $latest_ts THEN 'ts|' || shown_instant(s.ts) || ' is in the future'
            WHEN s.setting IS NULL THEN 'setting|missing'
            WHEN s.setting NOT IN ('household', 'venue', 'proximity', 'community', 'seed') THEN 'setting|' || shown(s.setting) || ' is not household, venue, proximity, community or seed'
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
LIMIT $invalid_rows
