-- Adds the changes staged in card_delta to card_ward_day for the local days $first_day..$last_day: one row per ward of card_delta per day (zero changes skipped unless $keep_zero).
-- A span adds n from its first day and takes n back from its end day; a running sum per ward turns steps into counts.
INSERT INTO card_ward_day (ward_code, day, green, yellow, red, rule_version)
SELECT g.ward_code, g.day, g.green, g.yellow, g.people - g.green - g.yellow, r.rule_version
FROM (
    SELECT k.ward_code, k.day,
           sum(coalesce(s.green, 0)) OVER w AS green,
           sum(coalesce(s.yellow, 0)) OVER w AS yellow,
           sum(coalesce(s.people, 0)) OVER w AS people
    FROM (
        SELECT ward_code, CAST(d AS DATE) AS day
        FROM (SELECT DISTINCT ward_code FROM card_delta)
        CROSS JOIN range(CAST($first_day AS TIMESTAMP), CAST($last_day AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)
    ) AS k
    LEFT JOIN (
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
        )
        GROUP BY ward_code, day
    ) AS s USING (ward_code, day)
    WINDOW w AS (PARTITION BY k.ward_code ORDER BY k.day)
) AS g
JOIN areas AS a ON a.code = g.ward_code
JOIN card_rule_province AS r ON r.province_code = a.province_code
WHERE $keep_zero OR g.green <> 0 OR g.yellow <> 0 OR g.people <> 0
ON CONFLICT (ward_code, day) DO UPDATE SET
    green = card_ward_day.green + excluded.green,
    yellow = card_ward_day.yellow + excluded.yellow,
    red = card_ward_day.red + excluded.red,
    rule_version = excluded.rule_version
