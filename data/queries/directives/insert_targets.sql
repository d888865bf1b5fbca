-- Stores the areas a directive acts on, one row per area code given: no rows returned.
INSERT INTO directive_areas (directive_id, area_code, area_level, province_code, district_code)
SELECT $directive_id, a.code, a.level, a.province_code, a.district_code
FROM areas AS a
WHERE list_contains($codes, a.code)
