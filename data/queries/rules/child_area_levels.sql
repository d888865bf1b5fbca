-- The weekly level of each area directly under $parent_code (the provinces when NULL) for the week starting $week_start (the latest assessed week when NULL): one row per area the viewer may see.
SELECT w.area_code, a.name, w.level, w.week_start, w.cases_7d, w.population, w.rate_per_100k,
       w.adults_first_dose_share, w.older_fully_share, w.all_fully_share, w.coverage_met, w.capacity_met,
       w.proposed_level, w.level_in_force, w.computed_ts, w.effective_ts, w.rule_version
FROM area_level_week AS w
JOIN areas AS a ON a.code = w.area_code
WHERE (($parent_code IS NULL AND a.level = 'province') OR a.parent_code = $parent_code)
  AND w.week_start = coalesce(CAST($week_start AS DATE), (SELECT max(week_start) FROM area_level_week))
  AND area_visible(a.level, a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY a.name_ascii
