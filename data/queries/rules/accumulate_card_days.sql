-- Adds the changes staged in card_delta to card_ward_day for the local days $first_day..$last_day: one row per ward of card_delta per day (zero changes skipped unless $keep_zero).
-- A span adds n from its first day and takes n back from its end day; running sums over these sparse steps are
-- then spread over the days until the ward's next step.
MERGE INTO card_ward_day AS t
USING (
WITH steps AS (
    SELECT ward_code, day,
           sum(n) FILTER (measure = 'green') AS green,
           sum(n) FILTER (measure = 'yellow') AS yellow,
           sum(n) FILTER (measure = 'person') AS people
    FROM (
        SELECT ward_code, measure, greatest(from_day, CAST($first_day AS DATE)) AS day, n
        FROM card_delta WHERE from_day <= CAST($last_day AS DATE)
        UNION ALL
        SELECT ward_code, measure, greatest(to_day, CAST($first_day AS DATE)), -n
        FROM card_delta WHERE to_day <= CAST($last_day AS DATE)
        UNION ALL
        SELECT DISTINCT ward_code, 'person', CAST($first_day AS DATE), 0 FROM card_delta
    )
    GROUP BY ward_code, day
),
running AS (
    SELECT ward_code, day,
           lead(day, 1, CAST($last_day AS DATE) + 1) OVER (PARTITION BY ward_code ORDER BY day) AS until,
           sum(coalesce(green, 0)) OVER w AS green,
           sum(coalesce(yellow, 0)) OVER w AS yellow,
           sum(coalesce(people, 0)) OVER w AS people
    FROM steps
    WINDOW w AS (PARTITION BY ward_code ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT g.ward_code, CAST(unnest(generate_series(g.day, g.until - 1, INTERVAL 1 DAY)) AS DATE) AS day,
       g.green, g.yellow, g.people - g.green - g.yellow AS red, r.rule_version
FROM running AS g
JOIN areas AS a ON a.code = g.ward_code
JOIN card_rule_province AS r ON r.province_code = a.province_code
WHERE $keep_zero OR g.green <> 0 OR g.yellow <> 0 OR g.people <> 0
) AS s
ON t.ward_code = s.ward_code AND t.day = s.day
WHEN MATCHED THEN UPDATE SET
    green = t.green + s.green, yellow = t.yellow + s.yellow, red = t.red + s.red, rule_version = s.rule_version
WHEN NOT MATCHED THEN INSERT VALUES (s.ward_code, s.day, s.green, s.yellow, s.red, s.rule_version)
