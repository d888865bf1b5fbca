-- The areas directly under $parent_code (the provinces when NULL) that the viewer may see: one row per area, by name.
SELECT a.code, a.level, a.name, a.short_name, a.lat, a.lon, a.population
FROM areas AS a
WHERE (($parent_code IS NULL AND a.level = 'province') OR a.parent_code = $parent_code)
  AND area_visible(a.level, a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY a.name_ascii
