-- Shares of people by card colour at the end of $day per area of $child_level under $parent_code: one row per area the viewer may see.
WITH wards AS (
    SELECT code,
           CASE $child_level WHEN 'province' THEN province_code WHEN 'district' THEN district_code ELSE code END AS area_code
    FROM areas
    WHERE level = 'ward' AND in_scope(province_code, district_code, $scope_level, $scope_codes)
)
SELECT w.area_code AS code,
       sum(c.red) / nullif(sum(c.green + c.yellow + c.red), 0) AS red_share,
       sum(c.yellow) / nullif(sum(c.green + c.yellow + c.red), 0) AS yellow_share,
       sum(c.green) / nullif(sum(c.green + c.yellow + c.red), 0) AS green_share
FROM card_ward_day AS c JOIN wards AS w ON w.code = c.ward_code
WHERE c.day = CAST($day AS DATE)
  AND ($parent_code IS NULL OR w.area_code IN (SELECT code FROM areas WHERE parent_code = $parent_code))
GROUP BY w.area_code
