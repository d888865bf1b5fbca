-- Adds the steps staged in coverage_delta to coverage_ward_day for the local days $first_day..$last_day: one row per ward of coverage_delta per day (zero changes skipped unless $keep_zero).
-- Running sums are taken over the sparse steps, then each sum is spread over the days until the ward's next step.
MERGE INTO coverage_ward_day AS t
USING (
WITH steps AS (
    SELECT ward_code, greatest(from_day, CAST($first_day AS DATE)) AS day,
           sum(n) FILTER (measure = 'population') AS population, sum(n) FILTER (measure = 'first_all') AS first_all,
           sum(n) FILTER (measure = 'fully_all') AS fully_all,
           sum(n) FILTER (measure = 'pop_18') AS pop_18, sum(n) FILTER (measure = 'first_18') AS first_18,
           sum(n) FILTER (measure = 'fully_18') AS fully_18, sum(n) FILTER (measure = 'pop_50') AS pop_50,
           sum(n) FILTER (measure = 'first_50') AS first_50, sum(n) FILTER (measure = 'fully_50') AS fully_50,
           sum(n) FILTER (measure = 'pop_65') AS pop_65, sum(n) FILTER (measure = 'first_65') AS first_65,
           sum(n) FILTER (measure = 'fully_65') AS fully_65
    FROM (
        SELECT ward_code, measure, from_day, n FROM coverage_delta WHERE from_day <= CAST($last_day AS DATE)
        UNION ALL
        SELECT DISTINCT ward_code, 'population', CAST($first_day AS DATE), 0 FROM coverage_delta
    )
    GROUP BY ALL
),
running AS (
    SELECT ward_code, day,
           lead(day, 1, CAST($last_day AS DATE) + 1) OVER (PARTITION BY ward_code ORDER BY day) AS until,
           sum(coalesce(population, 0)) OVER w AS population, sum(coalesce(first_all, 0)) OVER w AS first_all,
           sum(coalesce(fully_all, 0)) OVER w AS fully_all,
           sum(coalesce(pop_18, 0)) OVER w AS pop_18, sum(coalesce(first_18, 0)) OVER w AS first_18,
           sum(coalesce(fully_18, 0)) OVER w AS fully_18, sum(coalesce(pop_50, 0)) OVER w AS pop_50,
           sum(coalesce(first_50, 0)) OVER w AS first_50, sum(coalesce(fully_50, 0)) OVER w AS fully_50,
           sum(coalesce(pop_65, 0)) OVER w AS pop_65, sum(coalesce(first_65, 0)) OVER w AS first_65,
           sum(coalesce(fully_65, 0)) OVER w AS fully_65
    FROM steps
    WINDOW w AS (PARTITION BY ward_code ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT ward_code, CAST(unnest(generate_series(day, until - 1, INTERVAL 1 DAY)) AS DATE) AS day,
       population, first_all, fully_all, pop_18, first_18, fully_18, pop_50, first_50, fully_50, pop_65, first_65, fully_65,
       $rule_version AS rule_version
FROM running
WHERE $keep_zero OR population <> 0 OR first_all <> 0 OR fully_all <> 0 OR pop_18 <> 0 OR first_18 <> 0 OR fully_18 <> 0
   OR pop_50 <> 0 OR first_50 <> 0 OR fully_50 <> 0 OR pop_65 <> 0 OR first_65 <> 0 OR fully_65 <> 0
) AS s
ON t.ward_code = s.ward_code AND t.day = s.day
WHEN MATCHED THEN UPDATE SET
    population = t.population + s.population,
    first_all = t.first_all + s.first_all,
    fully_all = t.fully_all + s.fully_all,
    pop_18 = t.pop_18 + s.pop_18,
    first_18 = t.first_18 + s.first_18,
    fully_18 = t.fully_18 + s.fully_18,
    pop_50 = t.pop_50 + s.pop_50,
    first_50 = t.first_50 + s.first_50,
    fully_50 = t.fully_50 + s.fully_50,
    pop_65 = t.pop_65 + s.pop_65,
    first_65 = t.first_65 + s.first_65,
    fully_65 = t.fully_65 + s.fully_65,
    rule_version = s.rule_version
WHEN NOT MATCHED THEN INSERT BY NAME
