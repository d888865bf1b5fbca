-- The area level in force (Decision 4800/QĐ-BYT, rule version recorded) for the last whole week before $day, per area of $child_level under $parent_code: one row per area the viewer may see that has been assessed.
WITH latest AS (
    SELECT max(week_start) AS week_start FROM area_level_week WHERE week_start + 7 <= CAST($day AS DATE)
)
SELECT w.area_code AS code, w.level_in_force AS level, w.proposed_level, w.week_start, w.rule_version
FROM area_level_week AS w
JOIN areas AS a ON a.code = w.area_code
WHERE w.week_start = (SELECT week_start FROM latest)
  AND a.level = $child_level
  AND ($parent_code IS NULL OR a.parent_code = $parent_code)
  AND area_visible(a.level, a.province_code, a.district_code, $scope_level, $scope_codes)
