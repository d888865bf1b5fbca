-- The green and yellow card spans of the people in rule_people under their province's rule: one row per person per span of whole local days.
-- A fact holding on [from_ts, to_ts) holds on the days whose end (next local midnight) falls inside it: [day(from - 1 µs), day(to - 1 µs)).
INSERT INTO card_spans_new
WITH person AS (
    SELECT p.person_id, p.ward_code, r.*
    FROM people AS p
    JOIN areas AS a ON a.code = p.ward_code
    JOIN card_rule_province AS r ON r.province_code = a.province_code
    WHERE p.person_id IN (SELECT person_id FROM rule_people)
),
doses AS (
    SELECT person_id, min(ts) AS first_ts, min(ts) FILTER (dose >= $full_doses) AS full_ts
    FROM vaccinations
    WHERE person_id IN (SELECT person_id FROM rule_people)
    GROUP BY person_id
),
-- Each event table narrowed to these people first (a semi join on the few people, whose ids filter the scan), so that
-- no join builds a hash table of a whole table: joined directly, the negative tests (millions) were the build side.
own_cases AS (SELECT * FROM cases WHERE person_id IN (SELECT person_id FROM rule_people)),
negative_tests AS (
    SELECT person_id, kind, sample_ts, result_ts FROM tests
    WHERE result = 'negative' AND person_id IN (SELECT person_id FROM rule_people)
),
own_quarantine AS (SELECT * FROM quarantine WHERE person_id IN (SELECT person_id FROM rule_people)),
own_exposures AS (SELECT * FROM exposures WHERE person_id IN (SELECT person_id FROM rule_people)),
facts AS (
    SELECT p.person_id, 'green' AS kind, d.full_ts + to_days(p.green_after_full_days) AS from_ts, NULL::TIMESTAMPTZ AS to_ts
    FROM person AS p JOIN doses AS d USING (person_id) WHERE d.full_ts IS NOT NULL
    UNION ALL
    SELECT p.person_id, 'yellow', d.first_ts + to_days(p.yellow_after_first_days), NULL
    FROM person AS p JOIN doses AS d USING (person_id)
    UNION ALL
    SELECT p.person_id, 'red', c.confirmed_ts, c.confirmed_ts + to_days(p.f0_active_days)
    FROM person AS p JOIN own_cases AS c USING (person_id)
    UNION ALL
    -- recovered at most N days ago: inclusive of the last instant
    SELECT p.person_id, 'green', c.confirmed_ts + to_days(p.f0_active_days),
           c.confirmed_ts + to_days(p.f0_active_days) + to_days(p.recovered_green_days) + INTERVAL 1 MICROSECOND
    FROM person AS p JOIN own_cases AS c USING (person_id)
    UNION ALL
    -- a negative test is valid from its result until N hours after its sample, inclusive
    SELECT p.person_id, 'yellow', t.result_ts, t.sample_ts + to_hours(p.negative_test_hours) + INTERVAL 1 MICROSECOND
    FROM person AS p JOIN negative_tests AS t USING (person_id)
    WHERE list_contains(p.negative_test_kinds, t.kind)
    UNION ALL
    SELECT p.person_id, 'red', q.start_ts, q.end_ts
    FROM person AS p JOIN own_quarantine AS q USING (person_id)
    UNION ALL
    SELECT p.person_id, 'no_green', e.exposure_ts, e.exposure_ts + to_days(p.close_contact_days)
    FROM person AS p JOIN own_exposures AS e USING (person_id)
    WHERE p.close_contact_days > 0
),
fact_days AS (
    SELECT person_id, kind,
           local_day(from_ts - INTERVAL 1 MICROSECOND) AS from_day,
           coalesce(local_day(to_ts - INTERVAL 1 MICROSECOND), DATE '9999-12-31') AS to_day
    FROM facts
),
held AS (SELECT * FROM fact_days WHERE from_day < to_day),
bounds AS (
    SELECT person_id, from_day AS day FROM held
    UNION
    SELECT person_id, to_day FROM held
),
segments AS (
    SELECT person_id, day AS from_day, lead(day) OVER (PARTITION BY person_id ORDER BY day) AS to_day FROM bounds
),
coloured AS (
    SELECT s.person_id, s.from_day, s.to_day,
           CASE WHEN bool_or(h.kind = 'red') THEN 'red'
                WHEN bool_or(h.kind = 'green') AND NOT bool_or(h.kind = 'no_green') THEN 'green'
                WHEN bool_or(h.kind = 'yellow') THEN 'yellow'
                ELSE 'red' END AS colour
    FROM segments AS s
    JOIN held AS h ON h.person_id = s.person_id AND h.from_day <= s.from_day AND s.from_day < h.to_day
    WHERE s.to_day IS NOT NULL
    GROUP BY s.person_id, s.from_day, s.to_day
),
islands AS (
    SELECT *, sum(CASE WHEN starts THEN 1 ELSE 0 END) OVER (PARTITION BY person_id ORDER BY from_day) AS island
    FROM (
        SELECT *, colour IS DISTINCT FROM lag(colour) OVER w OR from_day <> lag(to_day) OVER w AS starts
        FROM coloured WINDOW w AS (PARTITION BY person_id ORDER BY from_day)
    )
)
SELECT i.person_id, p.ward_code, i.colour, min(i.from_day), max(i.to_day), p.rule_version
FROM islands AS i JOIN person AS p USING (person_id)
WHERE i.colour IN ('green', 'yellow')
GROUP BY i.person_id, p.ward_code, i.colour, i.island, p.rule_version
