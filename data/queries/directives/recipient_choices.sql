-- The areas an issuer may address, one level down from its jurisdiction as rules/directives.toml's chain says: the
-- provinces for the national committee, a province's districts and wards for it. One row per area, by name.
SELECT a.code, a.level, a.short_name, a.name, a.province_code, a.district_code, d.short_name AS district_name
FROM areas AS a
LEFT JOIN areas AS d ON d.code = a.district_code AND d.level = 'district'
WHERE list_contains($levels, a.level)
  AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY a.province_code, coalesce(a.district_code, ''), a.level = 'ward', a.name_ascii
