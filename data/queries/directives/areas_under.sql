-- The areas inside the given areas (each area itself, and every district and ward under it) that the viewer may see:
-- one row per area, with its province's and district's names, by province, district, then name.
SELECT a.code, a.level, a.name, a.short_name, a.province_code, a.district_code, a.lat, a.lon,
       p.short_name AS province_name, d.short_name AS district_name
FROM areas AS a
LEFT JOIN areas AS p ON p.code = a.province_code AND p.level = 'province'
LEFT JOIN areas AS d ON d.code = a.district_code AND d.level = 'district'
WHERE (list_contains($codes, a.code) OR list_contains($codes, a.province_code) OR list_contains($codes, a.district_code))
  AND area_visible(a.level, a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY a.province_code, coalesce(a.district_code, ''), a.level = 'ward', a.name_ascii
