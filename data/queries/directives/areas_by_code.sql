-- The areas with these codes, with their province and district and the province's and district's names: one row per
-- area found.
SELECT a.code, a.level, a.name, a.short_name, a.province_code, a.district_code, a.lat, a.lon,
       p.short_name AS province_name, d.short_name AS district_name
FROM areas AS a
LEFT JOIN areas AS p ON p.code = a.province_code AND p.level = 'province'
LEFT JOIN areas AS d ON d.code = a.district_code AND d.level = 'district'
WHERE list_contains($codes, a.code)
