-- The people whose coverage can change on the days $first_day to $last_day, after the calendar's last day: a dose on
-- one of those days, or an age band (18, 50, 65) reached on one: one row per person. Everyone else is carried forward.
CREATE OR REPLACE TEMP TABLE coverage_scope AS
SELECT person_id FROM vaccinations
WHERE local_day(ts - INTERVAL 1 MICROSECOND) BETWEEN CAST($first_day AS DATE) AND CAST($last_day AS DATE)
UNION
SELECT p.person_id
FROM people AS p, (VALUES (18), (50), (65)) AS b(age)
-- the cheap range first (a day wider each side: 29 February), then the exact birthday
WHERE p.birth_date BETWEEN CAST($first_day AS DATE) - to_years(b.age) - INTERVAL 1 DAY
                       AND CAST($last_day AS DATE) - to_years(b.age) + INTERVAL 1 DAY
    AND CAST(p.birth_date + to_years(b.age) AS DATE) BETWEEN CAST($first_day AS DATE) AND CAST($last_day AS DATE)
