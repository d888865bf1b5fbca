-- The level of each area in level_areas for each week of level_weeks from one week before its from_week: one row per area per week.
-- An area's figures are the totals of its wards (districts and provinces are assessed on their own totals, as 4800 does).
INSERT INTO area_level_new
WITH area_wards AS (
    SELECT la.area_code, la.level, la.from_week, w.code AS ward_code, w.province_code
    FROM level_areas AS la JOIN areas AS w ON w.code = la.area_code
    WHERE la.level = 'ward' AND w.level = 'ward'
    UNION ALL
    SELECT la.area_code, la.level, la.from_week, w.code, w.province_code
    FROM level_areas AS la JOIN areas AS w ON w.district_code = la.area_code
    WHERE la.level = 'district' AND w.level = 'ward'
    UNION ALL
    SELECT la.area_code, la.level, la.from_week, w.code, w.province_code
    FROM level_areas AS la JOIN areas AS w ON w.province_code = la.area_code
    WHERE la.level = 'province' AND w.level = 'ward'
),
community_cases AS (
    SELECT c.ward_code, CAST(date_trunc('week', local_day(c.confirmed_ts)) AS DATE) AS week_start, count(*) AS cases
    FROM cases AS c
    WHERE c.ward_code IN (SELECT ward_code FROM area_wards)
      AND NOT EXISTS (
          SELECT 1 FROM quarantine AS q
          WHERE q.person_id = c.person_id AND q.start_ts <= c.confirmed_ts AND c.confirmed_ts < q.end_ts
      )
    GROUP BY ALL
),
totals AS (
    SELECT aw.area_code, aw.level, aw.from_week, wk.week_start, wk.rule_version, any_value(aw.province_code) AS province_code,
           sum(coalesce(cc.cases, 0)) AS cases_7d,
           sum(cv.population) AS population, sum(cv.fully_all) AS fully_all,
           sum(cv.pop_18) AS pop_18, sum(cv.first_18) AS first_18, sum(cv.pop_50) AS pop_50, sum(cv.fully_50) AS fully_50
    FROM area_wards AS aw
    JOIN level_weeks AS wk ON wk.week_start >= aw.from_week - 7
    JOIN coverage_ward_day AS cv ON cv.ward_code = aw.ward_code AND cv.day = wk.week_start + 6
    LEFT JOIN community_cases AS cc ON cc.ward_code = aw.ward_code AND cc.week_start = wk.week_start
    GROUP BY aw.area_code, aw.level, aw.from_week, wk.week_start, wk.rule_version
    HAVING sum(cv.population) > 0
),
capacity AS (
    SELECT t.area_code, t.week_start, arg_max(tc.capacity_met, tc.from_day) AS capacity_met
    FROM totals AS t JOIN treatment_capacity AS tc ON tc.province_code = t.province_code AND tc.from_day <= t.week_start + 6
    GROUP BY ALL
),
criteria AS (
    SELECT t.*, r.*,
           1e5 * t.cases_7d / t.population AS rate_per_100k,
           t.first_18 / nullif(t.pop_18, 0) AS adults_first_dose_share,
           t.fully_50 / nullif(t.pop_50, 0) AS older_fully_share,
           t.fully_all / t.population AS all_fully_share,
           coalesce(cap.capacity_met, true) AS capacity_met
    FROM totals AS t
    JOIN level_rule AS r USING (rule_version)
    LEFT JOIN capacity AS cap USING (area_code, week_start)
),
judged AS (
    SELECT c.*,
           CASE WHEN c.coverage = '4800'
                THEN coalesce(c.adults_first_dose_share >= c.adults_first_dose_min, true)
                     AND coalesce(c.older_fully_share >= c.older_fully_min, true)
                ELSE coalesce(c.all_fully_share >= c.all_fully_min, true)
                     AND coalesce(c.older_fully_share >= c.older_fully_min, true) END AS coverage_met
    FROM criteria AS c
),
levelled AS (
    SELECT j.*,
           CASE WHEN j.cases_7d = 0 THEN j.zero_case_level
                ELSE least(4, CASE WHEN j.coverage_met THEN b.met ELSE b.not_met END
                              + CASE WHEN j.capacity_met THEN 0 ELSE j.capacity_raise END) END AS proposed_level,
           timezone('Asia/Ho_Chi_Minh', CAST(j.week_start + 7 AS TIMESTAMP)) AS computed_ts
    FROM judged AS j
    JOIN level_band AS b ON b.rule_version = j.rule_version
     AND (j.rate_per_100k > b.lower OR (b.lower_inclusive AND j.rate_per_100k = b.lower))
     AND (j.rate_per_100k < b.upper OR (b.upper_inclusive AND j.rate_per_100k = b.upper))
)
SELECT area_code, level, week_start, cases_7d, population, rate_per_100k,
       adults_first_dose_share, older_fully_share, all_fully_share, coverage_met, capacity_met, proposed_level,
       coalesce(lag(proposed_level) OVER (PARTITION BY area_code ORDER BY week_start), proposed_level) AS level_in_force,
       computed_ts, computed_ts + to_hours(in_force_after_hours) AS effective_ts, rule_version, from_week
FROM levelled
