-- Contacts handed over across the viewer's boundary: one row per direction ('sent': the viewer's cases named people
-- living elsewhere; 'received': cases elsewhere named the viewer's people), other area and degree. For a national
-- viewer every flow between two provinces, as 'sent' from the case's province. Counts only: no person, no case.
WITH crossing AS (
    SELECT
        k.degree, k.exposure_ts, k.case_id, a.province_code AS to_province, a.district_code AS to_district,
        ca.province_code AS from_province, ca.district_code AS from_district,
        in_scope(ca.province_code, ca.district_code, $scope_level, $scope_codes) AS case_inside,
        in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) AS contact_inside
    FROM trace_contacts AS k
    JOIN areas AS a ON a.code = k.ward_code
    JOIN cases AS c ON c.person_id = k.case_id
    JOIN areas AS ca ON ca.code = c.ward_code
    WHERE CASE WHEN $scope_level = 'national' THEN a.province_code <> ca.province_code
               ELSE in_scope(ca.province_code, ca.district_code, $scope_level, $scope_codes)
                    <> in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) END
),
flows AS (
    SELECT
        CASE WHEN contact_inside AND NOT case_inside THEN 'received' ELSE 'sent' END AS direction,
        -- a district viewer's neighbours inside its own province are districts; everyone else a province
        CASE WHEN $scope_level = 'district' AND from_province = to_province THEN from_district ELSE from_province END AS from_code,
        CASE WHEN $scope_level = 'district' AND from_province = to_province THEN to_district ELSE to_province END AS to_code,
        degree, exposure_ts, case_id
    FROM crossing
)
SELECT
    f.direction, f.from_code, fa.name AS from_name, f.to_code, ta.name AS to_name,
    count(DISTINCT f.case_id) AS cases,
    count(*) FILTER (WHERE f.degree = 1) AS f1,
    count(*) FILTER (WHERE f.degree = 2) AS f2,
    strftime(local_day(max(f.exposure_ts)), '%Y-%m-%d') AS last_day
FROM flows AS f
JOIN areas AS fa ON fa.code = f.from_code
JOIN areas AS ta ON ta.code = f.to_code
GROUP BY ALL
ORDER BY f.direction DESC, f1 + f2 DESC, f.from_code, f.to_code
