-- The wards, districts and provinces to reassess and the first week to reassess each from, given the wards in level_scope: one row per area.
INSERT INTO level_areas
WITH scope AS (
    SELECT s.ward_code, a.district_code, a.province_code,
           greatest(CAST(date_trunc('week', s.from_day) AS DATE), CAST($first_week AS DATE)) AS from_week
    FROM level_scope AS s JOIN areas AS a ON a.code = s.ward_code
)
SELECT ward_code, 'ward', min(from_week) FROM scope GROUP BY ward_code
UNION ALL
SELECT district_code, 'district', min(from_week) FROM scope GROUP BY district_code
UNION ALL
SELECT province_code, 'province', min(from_week) FROM scope GROUP BY province_code
