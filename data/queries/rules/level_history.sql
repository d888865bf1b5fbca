-- The weekly levels of area $area_code with the criteria behind each: one row per assessed week, oldest first (none when the viewer may not see the area).
SELECT w.area_code, a.name, w.level, w.week_start, w.cases_7d, w.population, w.rate_per_100k,
       w.adults_first_dose_share, w.older_fully_share, w.all_fully_share, w.coverage_met, w.capacity_met,
       w.proposed_level, w.level_in_force, w.computed_ts, w.effective_ts, w.rule_version
FROM area_level_week AS w
JOIN areas AS a ON a.code = w.area_code
WHERE w.area_code = $area_code
  AND area_visible(a.level, a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY w.week_start
