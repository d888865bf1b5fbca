-- The overview's headline figures on $day and a week earlier, inside the viewer's jurisdiction and the chosen area: one row.
WITH wards AS (
    SELECT code FROM areas
    WHERE level = 'ward' AND in_scope(province_code, district_code, $scope_level, $scope_codes)
      AND in_area(code, province_code, district_code, $area_code)
),
days AS (
    SELECT d.* FROM ward_day AS d
    WHERE d.ward_code IN (SELECT code FROM wards)
      AND d.day > CAST($day AS DATE) - 21 AND d.day <= CAST($day AS DATE)
),
windows AS (
    SELECT
        sum(new_cases) FILTER (day = CAST($day AS DATE)) AS new_cases_today,
        sum(new_cases) FILTER (day = CAST($day AS DATE) - 7) AS new_cases_today_before,
        sum(new_cases) FILTER (day > CAST($day AS DATE) - 7) AS new_cases_7d,
        sum(new_cases) FILTER (day > CAST($day AS DATE) - 14 AND day <= CAST($day AS DATE) - 7) AS new_cases_7d_before,
        sum(new_cases) FILTER (day > CAST($day AS DATE) - 14) AS active_cases,
        sum(new_cases) FILTER (day > CAST($day AS DATE) - 21 AND day <= CAST($day AS DATE) - 7) AS active_cases_before,
        sum(tests) FILTER (day > CAST($day AS DATE) - 7) AS tests_7d,
        sum(tests) FILTER (day > CAST($day AS DATE) - 14 AND day <= CAST($day AS DATE) - 7) AS tests_7d_before,
        sum(positives) FILTER (day > CAST($day AS DATE) - 7) AS positives_7d,
        sum(positives) FILTER (day > CAST($day AS DATE) - 14 AND day <= CAST($day AS DATE) - 7) AS positives_7d_before,
        sum(doses) FILTER (day > CAST($day AS DATE) - 7) AS doses_7d,
        sum(doses) FILTER (day > CAST($day AS DATE) - 14 AND day <= CAST($day AS DATE) - 7) AS doses_7d_before,
        sum(checkins) FILTER (day = CAST($day AS DATE)) AS checkins_today,
        sum(checkins) FILTER (day = CAST($day AS DATE) - 7) AS checkins_today_before
    FROM days
)
SELECT
    coalesce(new_cases_today, 0)::BIGINT AS new_cases_today,
    coalesce(new_cases_today_before, 0)::BIGINT AS new_cases_today_before,
    coalesce(new_cases_7d, 0)::BIGINT AS new_cases_7d,
    coalesce(new_cases_7d_before, 0)::BIGINT AS new_cases_7d_before,
    coalesce(active_cases, 0)::BIGINT AS active_cases,
    coalesce(active_cases_before, 0)::BIGINT AS active_cases_before,
    coalesce(tests_7d, 0)::BIGINT AS tests_7d,
    coalesce(tests_7d_before, 0)::BIGINT AS tests_7d_before,
    CASE WHEN tests_7d > 0 THEN positives_7d / tests_7d END AS positivity_7d,
    CASE WHEN tests_7d_before > 0 THEN positives_7d_before / tests_7d_before END AS positivity_7d_before,
    coalesce(doses_7d, 0)::BIGINT AS doses_7d,
    coalesce(doses_7d_before, 0)::BIGINT AS doses_7d_before,
    coalesce(checkins_today, 0)::BIGINT AS checkins_today,
    coalesce(checkins_today_before, 0)::BIGINT AS checkins_today_before
FROM windows
