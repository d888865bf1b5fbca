-- The epidemic level in force of each given area in its latest assessed week (rules/area_level.toml): one row per
-- area that has one.
SELECT area_code AS code, arg_max(level_in_force, week_start) AS level_in_force, max(week_start) AS week_start
FROM area_level_week
WHERE list_contains($codes, area_code)
GROUP BY area_code
