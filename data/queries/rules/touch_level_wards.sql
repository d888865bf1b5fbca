-- The wards whose weekly levels one load may change, with the first local day it may change them from: one row per ward and cause.
INSERT INTO level_scope
SELECT c.ward_code, local_day(c.confirmed_ts)
FROM cases AS c
WHERE c.person_id IN (SELECT person_id FROM tests WHERE load_id = $load_id AND result = 'positive')
UNION ALL
SELECT p.ward_code, local_day(min(x.ts) - INTERVAL 1 MICROSECOND)
FROM vaccinations AS x JOIN people AS p USING (person_id)
WHERE x.load_id = $load_id
GROUP BY p.ward_code
UNION ALL
SELECT ward_code, DATE '0001-01-01' FROM people WHERE load_id = $load_id GROUP BY ward_code
UNION ALL
SELECT p.ward_code, local_day(min(q.start_ts))
FROM quarantine AS q JOIN people AS p USING (person_id)
WHERE q.load_id = $load_id
GROUP BY p.ward_code
