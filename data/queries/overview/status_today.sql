-- People by card colour, vaccine coverage by age band and F1 in quarantine at the end of $day and a week earlier, inside the viewer's jurisdiction and the chosen area: one row.
WITH wards AS (
    SELECT code FROM areas
    WHERE level = 'ward' AND in_scope(province_code, district_code, $scope_level, $scope_codes)
      AND in_area(code, province_code, district_code, $area_code)
),
cards AS (
    SELECT sum(green) FILTER (day = CAST($day AS DATE)) AS green,
           sum(yellow) FILTER (day = CAST($day AS DATE)) AS yellow,
           sum(red) FILTER (day = CAST($day AS DATE)) AS red,
           sum(red) FILTER (day = CAST($day AS DATE) - 7) AS red_before
    FROM card_ward_day WHERE ward_code IN (SELECT code FROM wards) AND day IN (CAST($day AS DATE), CAST($day AS DATE) - 7)
),
coverage AS (
    SELECT sum(first_18) / nullif(sum(pop_18), 0) AS first_dose_18,
           sum(fully_18) / nullif(sum(pop_18), 0) AS fully_18,
           sum(fully_50) / nullif(sum(pop_50), 0) AS fully_50,
           sum(fully_65) / nullif(sum(pop_65), 0) AS fully_65
    FROM coverage_ward_day WHERE ward_code IN (SELECT code FROM wards) AND day = CAST($day AS DATE)
),
coverage_before AS (
    SELECT sum(first_18) / nullif(sum(pop_18), 0) AS first_dose_18,
           sum(fully_18) / nullif(sum(pop_18), 0) AS fully_18,
           sum(fully_50) / nullif(sum(pop_50), 0) AS fully_50,
           sum(fully_65) / nullif(sum(pop_65), 0) AS fully_65
    FROM coverage_ward_day WHERE ward_code IN (SELECT code FROM wards) AND day = CAST($day AS DATE) - 7
),
quarantined AS (
    SELECT count(DISTINCT q.person_id) FILTER (q.start_ts <= end_of_day AND q.end_ts > end_of_day) AS f1_quarantined,
           count(DISTINCT q.person_id) FILTER (q.start_ts <= end_of_day - INTERVAL 7 DAY AND q.end_ts > end_of_day - INTERVAL 7 DAY) AS f1_quarantined_before
    FROM quarantine AS q JOIN people AS p ON p.person_id = q.person_id,
         (SELECT timezone('Asia/Ho_Chi_Minh', CAST(CAST($day AS DATE) + 1 AS TIMESTAMP)) AS end_of_day)
    WHERE p.ward_code IN (SELECT code FROM wards)
)
SELECT cards.green::BIGINT AS green, cards.yellow::BIGINT AS yellow, cards.red::BIGINT AS red, cards.red_before::BIGINT AS red_before,
       coverage.first_dose_18, coverage.fully_18, coverage.fully_50, coverage.fully_65,
       coverage_before.first_dose_18 AS first_dose_18_before, coverage_before.fully_18 AS fully_18_before,
       coverage_before.fully_50 AS fully_50_before, coverage_before.fully_65 AS fully_65_before,
       quarantined.f1_quarantined, quarantined.f1_quarantined_before
FROM cards, coverage, coverage_before, quarantined
