-- One area and its parents' names, if the viewer may see it: at most one row.
SELECT a.code, a.level, a.name, a.short_name, a.parent_code, a.province_code, a.district_code,
       a.lat, a.lon, a.population, a.population_estimated,
       p.short_name AS province_name, d.short_name AS district_name
FROM areas AS a
LEFT JOIN areas AS p ON p.code = a.province_code AND p.level = 'province'
LEFT JOIN areas AS d ON d.code = a.district_code AND d.level = 'district'
WHERE a.code = $code
  AND area_visible(a.level, a.province_code, a.district_code, $scope_level, $scope_codes)
