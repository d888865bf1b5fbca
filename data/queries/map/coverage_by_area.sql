-- Vaccine coverage at the end of $day per area of $child_level under $parent_code: one row per area the viewer may see (shares of the registered people of each age band).
WITH wards AS (
    SELECT code,
           CASE $child_level WHEN 'province' THEN province_code WHEN 'district' THEN district_code ELSE code END AS area_code
    FROM areas
    WHERE level = 'ward' AND in_scope(province_code, district_code, $scope_level, $scope_codes)
)
SELECT w.area_code AS code,
       sum(c.first_18) / nullif(sum(c.pop_18), 0) AS first_dose_18,
       sum(c.fully_50) / nullif(sum(c.pop_50), 0) AS fully_50,
       sum(c.fully_65) / nullif(sum(c.pop_65), 0) AS fully_65
FROM coverage_ward_day AS c JOIN wards AS w ON w.code = c.ward_code
WHERE c.day = CAST($day AS DATE)
  AND ($parent_code IS NULL OR w.area_code IN (SELECT code FROM areas WHERE parent_code = $parent_code))
GROUP BY w.area_code
