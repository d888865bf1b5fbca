-- Headline totals inside the viewer's jurisdiction and the chosen area: one row (people, venues, checkins, tests, positives, doses, cases, first_day, last_day).
WITH wards AS (
    SELECT code FROM areas
    WHERE level = 'ward' AND in_scope(province_code, district_code, $scope_level, $scope_codes)
      AND in_area(code, province_code, district_code, $area_code)
),
days AS (
    SELECT sum(checkins)::BIGINT AS checkins, sum(tests)::BIGINT AS tests, sum(positives)::BIGINT AS positives,
           sum(doses)::BIGINT AS doses, sum(new_cases)::BIGINT AS cases, min(day) AS first_day, max(day) AS last_day
    FROM ward_day WHERE ward_code IN (SELECT code FROM wards)
)
SELECT
    (SELECT count(*) FROM people WHERE ward_code IN (SELECT code FROM wards)) AS people,
    (SELECT count(*) FROM venues WHERE ward_code IN (SELECT code FROM wards)) AS venues,
    coalesce(days.checkins, 0) AS checkins,
    coalesce(days.tests, 0) AS tests,
    coalesce(days.positives, 0) AS positives,
    coalesce(days.doses, 0) AS doses,
    coalesce(days.cases, 0) AS cases,
    days.first_day,
    days.last_day
FROM days
