-- Evaluation only (reads the scenario's ground truth): infections by a confirmed case whose setting the data could
-- reveal, one row per infection (infector, infectee, setting, ts in seconds since $base).
-- Revealable: household = same household; proximity = an encounter of the two recorded within a day of the
-- infection; venue = both checked in at that venue within the day before the infection.
WITH traced AS (
    SELECT i.infector, i.infectee, i.setting, i.ts, i.venue_id
    FROM infections AS i
    SEMI JOIN cases AS c ON c.person_id = i.infector
    WHERE i.setting IN ('household', 'proximity', 'venue')
),
household AS (
    SELECT t.*
    FROM traced AS t
    JOIN people AS a ON a.person_id = t.infector
    JOIN people AS b ON b.person_id = t.infectee
    WHERE t.setting = 'household' AND a.household_id = b.household_id
),
encounters AS (
    SELECT t.infector, t.infectee, e.start_ts
    FROM traced AS t JOIN contacts AS e ON e.person_a = t.infector AND e.person_b = t.infectee
    WHERE t.setting = 'proximity'
    UNION ALL
    SELECT t.infector, t.infectee, e.start_ts
    FROM traced AS t JOIN contacts AS e ON e.person_a = t.infectee AND e.person_b = t.infector
    WHERE t.setting = 'proximity'
),
proximity AS (
    SELECT t.*
    FROM traced AS t
    SEMI JOIN encounters AS e
        ON e.infector = t.infector AND e.infectee = t.infectee
        AND e.start_ts BETWEEN t.ts - INTERVAL 1 DAY AND t.ts + INTERVAL 1 DAY
    WHERE t.setting = 'proximity'
),
venue AS (
    SELECT t.*
    FROM traced AS t
    SEMI JOIN checkins AS k
        ON k.person_id = t.infector AND k.venue_id = t.venue_id AND k.direction = 'in'
        AND k.ts BETWEEN t.ts - INTERVAL 1 DAY AND t.ts
    SEMI JOIN checkins AS m
        ON m.person_id = t.infectee AND m.venue_id = t.venue_id AND m.direction = 'in'
        AND m.ts BETWEEN t.ts - INTERVAL 1 DAY AND t.ts
    WHERE t.setting = 'venue'
)
SELECT infector, infectee, setting, CAST(epoch_ms(ts) // 1000 - $base AS INTEGER) AS ts
FROM (SELECT * FROM household UNION ALL SELECT * FROM proximity UNION ALL SELECT * FROM venue)
ORDER BY infector, infectee
