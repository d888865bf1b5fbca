-- The contacts of one case (whose trace the viewer may open) living outside the viewer's jurisdiction, handed over to
-- where they live: one row per receiving area (their province; their district for a district viewer's own province)
-- with how many F1 and F2, and no person.
WITH outside AS (
    SELECT
        k.degree,
        CASE WHEN $scope_level = 'district' AND a.province_code = ca.province_code THEN a.district_code ELSE a.province_code END AS area_code
    FROM trace_contacts AS k
    JOIN areas AS a ON a.code = k.ward_code
    JOIN cases AS c ON c.person_id = k.case_id
    JOIN areas AS ca ON ca.code = c.ward_code
    WHERE k.case_id = $case_id AND NOT in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
)
SELECT
    o.area_code, r.name AS area_name, pr.name AS province_name,
    count(*) FILTER (WHERE o.degree = 1) AS f1, count(*) FILTER (WHERE o.degree = 2) AS f2
FROM outside AS o
JOIN areas AS r ON r.code = o.area_code
LEFT JOIN areas AS pr ON pr.code = r.province_code
GROUP BY ALL
ORDER BY f1 + f2 DESC, o.area_code
