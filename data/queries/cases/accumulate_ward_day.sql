-- Adds one load's events to the per-ward, per-local-day summary: one row per ward and day touched by the load.
-- Check-ins count where the venue is, everything else where the person lives; tests by sample day.
INSERT INTO ward_day (ward_code, day, checkins, tests, positives, doses, first_doses, second_doses, declarations, symptomatic)
SELECT ward_code, day, sum(checkins), sum(tests), sum(positives), sum(doses), sum(first_doses), sum(second_doses), sum(declarations), sum(symptomatic)
FROM (
    SELECT v.ward_code, local_day(c.ts) AS day, count(*) AS checkins,
           0 AS tests, 0 AS positives, 0 AS doses, 0 AS first_doses, 0 AS second_doses, 0 AS declarations, 0 AS symptomatic
    FROM checkins AS c JOIN venues AS v ON v.venue_id = c.venue_id
    WHERE c.load_id = $load_id AND c.direction = 'in'
    GROUP BY ALL
    UNION ALL
    SELECT p.ward_code, local_day(t.sample_ts), 0, count(*), count(*) FILTER (t.result = 'positive'), 0, 0, 0, 0, 0
    FROM tests AS t JOIN people AS p ON p.person_id = t.person_id
    WHERE t.load_id = $load_id
    GROUP BY ALL
    UNION ALL
    SELECT p.ward_code, local_day(x.ts), 0, 0, 0, count(*), count(*) FILTER (x.dose = 1), count(*) FILTER (x.dose = 2), 0, 0
    FROM vaccinations AS x JOIN people AS p ON p.person_id = x.person_id
    WHERE x.load_id = $load_id
    GROUP BY ALL
    UNION ALL
    SELECT p.ward_code, local_day(d.ts), 0, 0, 0, 0, 0, 0, count(*),
           count(*) FILTER (d.fever OR d.cough OR d.breathless OR d.lost_taste)
    FROM declarations AS d JOIN people AS p ON p.person_id = d.person_id
    WHERE d.load_id = $load_id
    GROUP BY ALL
)
GROUP BY ward_code, day
ON CONFLICT (ward_code, day) DO UPDATE SET
    checkins = ward_day.checkins + excluded.checkins,
    tests = ward_day.tests + excluded.tests,
    positives = ward_day.positives + excluded.positives,
    doses = ward_day.doses + excluded.doses,
    first_doses = ward_day.first_doses + excluded.first_doses,
    second_doses = ward_day.second_doses + excluded.second_doses,
    declarations = ward_day.declarations + excluded.declarations,
    symptomatic = ward_day.symptomatic + excluded.symptomatic
