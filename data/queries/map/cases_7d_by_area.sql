-- Confirmed cases in the 7 days ending on $day and in the 7 days before, and the rate per 100,000 registered people, per area of $child_level under $parent_code (all when NULL): one row per area the viewer may see.
WITH wards AS (
    SELECT code, province_code, district_code,
           CASE $child_level WHEN 'province' THEN province_code WHEN 'district' THEN district_code ELSE code END AS area_code
    FROM areas
    WHERE level = 'ward' AND in_scope(province_code, district_code, $scope_level, $scope_codes)
),
counts AS (
    SELECT w.area_code AS code,
           sum(d.new_cases) FILTER (d.day > CAST($day AS DATE) - 7)::BIGINT AS cases_7d,
           sum(d.new_cases) FILTER (d.day <= CAST($day AS DATE) - 7)::BIGINT AS cases_prev_7d
    FROM ward_day AS d JOIN wards AS w ON w.code = d.ward_code
    WHERE d.day > CAST($day AS DATE) - 14 AND d.day <= CAST($day AS DATE)
    GROUP BY 1
),
registered AS (
    SELECT w.area_code AS code, sum(p.people)::BIGINT AS people
    FROM ward_population AS p JOIN wards AS w ON w.code = p.ward_code
    GROUP BY 1
)
SELECT a.code, a.name, a.short_name, a.lat, a.lon,
       coalesce(r.people, 0) AS population,
       coalesce(c.cases_7d, 0) AS new_cases_7d,
       coalesce(c.cases_prev_7d, 0) AS new_cases_prev_7d,
       CASE WHEN r.people > 0 THEN 1e5 * coalesce(c.cases_7d, 0) / r.people END AS new_cases_7d_per_100k
FROM areas AS a
LEFT JOIN counts AS c USING (code)
LEFT JOIN registered AS r USING (code)
WHERE a.level = $child_level
  AND ($parent_code IS NULL OR a.parent_code = $parent_code)
  AND area_visible(a.level, a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY a.code
