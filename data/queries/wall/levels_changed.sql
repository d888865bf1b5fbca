-- Provinces whose level changed in the last assessed week (in force vs the week before, and the proposal): one row per such province the viewer may see.
WITH latest AS (SELECT max(week_start) AS week_start FROM area_level_week WHERE level = 'province')
SELECT a.code, a.short_name, prev.level_in_force AS level_before, cur.level_in_force AS level_now,
       cur.proposed_level, cur.rate_per_100k, cur.week_start, cur.effective_ts, cur.rule_version
FROM area_level_week AS cur
JOIN area_level_week AS prev ON prev.area_code = cur.area_code AND prev.week_start = cur.week_start - 7
JOIN areas AS a ON a.code = cur.area_code
WHERE cur.week_start = (SELECT week_start FROM latest)
  AND cur.level = 'province'
  AND (cur.level_in_force <> prev.level_in_force OR cur.proposed_level <> cur.level_in_force)
  AND area_visible(a.level, a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY greatest(cur.level_in_force, cur.proposed_level) DESC, a.name_ascii
