-- Evaluation only (reads the scenario's ground truth): infections by a confirmed case whose setting the data could
-- reveal, one row per infection (infector, infectee, setting, ts in seconds since $base, inside_window).
-- Revealable: household = same household; proximity = an encounter of the two recorded within a day of the
-- infection; venue = both checked in at that venue within the day before the infection.
SELECT
    i.infector,
    i.infectee,
    i.setting,
    CAST(epoch_ms(i.ts) // 1000 - $base AS INTEGER) AS ts
FROM infections AS i
JOIN cases AS c ON c.person_id = i.infector
WHERE
    (i.setting = 'household' AND (SELECT household_id FROM people WHERE person_id = i.infector)
                               = (SELECT household_id FROM people WHERE person_id = i.infectee))
    OR (i.setting = 'proximity' AND EXISTS (
        SELECT 1 FROM contacts AS e
        WHERE ((e.person_a = i.infector AND e.person_b = i.infectee) OR (e.person_a = i.infectee AND e.person_b = i.infector))
          AND e.start_ts BETWEEN i.ts - INTERVAL 1 DAY AND i.ts + INTERVAL 1 DAY))
    OR (i.setting = 'venue'
        AND EXISTS (
            SELECT 1 FROM checkins AS k
            WHERE k.person_id = i.infector AND k.venue_id = i.venue_id AND k.direction = 'in'
              AND k.ts BETWEEN i.ts - INTERVAL 1 DAY AND i.ts)
        AND EXISTS (
            SELECT 1 FROM checkins AS k
            WHERE k.person_id = i.infectee AND k.venue_id = i.venue_id AND k.direction = 'in'
              AND k.ts BETWEEN i.ts - INTERVAL 1 DAY AND i.ts))
ORDER BY i.infector, i.infectee
