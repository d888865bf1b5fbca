-- Daily totals inside the viewer's jurisdiction and the chosen area: one row per local day from the first to the last day with data.
WITH wards AS (
    SELECT code FROM areas
    WHERE level = 'ward' AND in_scope(province_code, district_code, $scope_level, $scope_codes)
      AND in_area(code, province_code, district_code, $area_code)
),
daily AS (
    SELECT day, sum(new_cases)::BIGINT AS new_cases, sum(tests)::BIGINT AS tests, sum(positives)::BIGINT AS positives,
           sum(checkins)::BIGINT AS checkins, sum(doses)::BIGINT AS doses
    FROM ward_day WHERE ward_code IN (SELECT code FROM wards)
    GROUP BY day
),
calendar AS (
    SELECT CAST(unnest(generate_series(min(day), max(day), INTERVAL 1 DAY)) AS DATE) AS day FROM daily
)
SELECT c.day,
       coalesce(d.new_cases, 0) AS new_cases,
       coalesce(d.tests, 0) AS tests,
       coalesce(d.positives, 0) AS positives,
       coalesce(d.checkins, 0) AS checkins,
       coalesce(d.doses, 0) AS doses
FROM calendar AS c LEFT JOIN daily AS d USING (day)
ORDER BY c.day
