-- Coverage steps of the people in coverage_scope from the events of loads up to $max_load, times $sign, those from day $since on
-- (all when NULL): one row per ward, measure and first day.
-- A person counts in an age band from the day they reach its age; a dose counts from the local day it was given.
INSERT INTO coverage_delta
WITH person AS (
    SELECT person_id, ward_code, birth_date
    FROM people
    WHERE load_id <= $max_load AND person_id IN (SELECT person_id FROM coverage_scope)
),
doses AS (
    SELECT person_id,
           local_day(min(ts) - INTERVAL 1 MICROSECOND) AS first_day,
           local_day(min(ts) FILTER (dose >= $full_doses) - INTERVAL 1 MICROSECOND) AS fully_day
    FROM vaccinations
    WHERE load_id <= $max_load AND person_id IN (SELECT person_id FROM coverage_scope)
    GROUP BY person_id
),
band AS (SELECT * FROM (VALUES (18), (50), (65)) AS b(age)),
steps AS (
    SELECT p.ward_code, 'population' AS measure, DATE '0001-01-01' AS from_day FROM person AS p
    UNION ALL
    SELECT p.ward_code, 'first_all', d.first_day FROM person AS p JOIN doses AS d USING (person_id)
    UNION ALL
    SELECT p.ward_code, 'fully_all', d.fully_day FROM person AS p JOIN doses AS d USING (person_id) WHERE d.fully_day IS NOT NULL
    UNION ALL
    SELECT p.ward_code, 'pop_' || b.age, CAST(p.birth_date + to_years(b.age) AS DATE) FROM person AS p CROSS JOIN band AS b
    UNION ALL
    SELECT p.ward_code, 'first_' || b.age, greatest(CAST(p.birth_date + to_years(b.age) AS DATE), d.first_day)
    FROM person AS p JOIN doses AS d USING (person_id) CROSS JOIN band AS b
    UNION ALL
    SELECT p.ward_code, 'fully_' || b.age, greatest(CAST(p.birth_date + to_years(b.age) AS DATE), d.fully_day)
    FROM person AS p JOIN doses AS d USING (person_id) CROSS JOIN band AS b WHERE d.fully_day IS NOT NULL
)
SELECT ward_code, measure, from_day, $sign * count(*) FROM steps
WHERE $since IS NULL OR from_day >= CAST($since AS DATE)
GROUP BY ward_code, measure, from_day
