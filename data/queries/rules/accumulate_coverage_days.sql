-- Adds the steps staged in coverage_delta to coverage_ward_day for the local days $first_day..$last_day: one row per ward of coverage_delta per day (zero changes skipped unless $keep_zero).
INSERT INTO coverage_ward_day
SELECT g.*, $rule_version
FROM (
    SELECT k.ward_code, k.day,
           sum(coalesce(s.population, 0)) OVER w, sum(coalesce(s.fully_all, 0)) OVER w,
           sum(coalesce(s.pop_18, 0)) OVER w, sum(coalesce(s.first_18, 0)) OVER w, sum(coalesce(s.fully_18, 0)) OVER w,
           sum(coalesce(s.pop_50, 0)) OVER w, sum(coalesce(s.first_50, 0)) OVER w, sum(coalesce(s.fully_50, 0)) OVER w,
           sum(coalesce(s.pop_65, 0)) OVER w, sum(coalesce(s.first_65, 0)) OVER w, sum(coalesce(s.fully_65, 0)) OVER w
    FROM (
        SELECT ward_code, CAST(d AS DATE) AS day
        FROM (SELECT DISTINCT ward_code FROM coverage_delta)
        CROSS JOIN range(CAST($first_day AS TIMESTAMP), CAST($last_day AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(d)
    ) AS k
    LEFT JOIN (
        PIVOT (
            SELECT ward_code, greatest(from_day, CAST($first_day AS DATE)) AS day, measure, n
            FROM coverage_delta WHERE from_day <= CAST($last_day AS DATE)
        ) ON measure IN ('population', 'fully_all', 'pop_18', 'first_18', 'fully_18', 'pop_50', 'first_50', 'fully_50', 'pop_65', 'first_65', 'fully_65')
        USING sum(n) GROUP BY ward_code, day
    ) AS s USING (ward_code, day)
    WINDOW w AS (PARTITION BY k.ward_code ORDER BY k.day)
) AS g (ward_code, day, population, fully_all, pop_18, first_18, fully_18, pop_50, first_50, fully_50, pop_65, first_65, fully_65)
WHERE $keep_zero OR population <> 0 OR fully_all <> 0 OR pop_18 <> 0 OR first_18 <> 0 OR fully_18 <> 0
   OR pop_50 <> 0 OR first_50 <> 0 OR fully_50 <> 0 OR pop_65 <> 0 OR first_65 <> 0 OR fully_65 <> 0
ON CONFLICT (ward_code, day) DO UPDATE SET
    population = coverage_ward_day.population + excluded.population,
    fully_all = coverage_ward_day.fully_all + excluded.fully_all,
    pop_18 = coverage_ward_day.pop_18 + excluded.pop_18,
    first_18 = coverage_ward_day.first_18 + excluded.first_18,
    fully_18 = coverage_ward_day.fully_18 + excluded.fully_18,
    pop_50 = coverage_ward_day.pop_50 + excluded.pop_50,
    first_50 = coverage_ward_day.first_50 + excluded.first_50,
    fully_50 = coverage_ward_day.fully_50 + excluded.fully_50,
    pop_65 = coverage_ward_day.pop_65 + excluded.pop_65,
    first_65 = coverage_ward_day.first_65 + excluded.first_65,
    fully_65 = coverage_ward_day.fully_65 + excluded.fully_65,
    rule_version = excluded.rule_version
