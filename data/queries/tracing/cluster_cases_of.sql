-- The cases of one cluster touching the viewer's jurisdiction: one row per case, with its ward; names only inside the jurisdiction.
SELECT
    m.case_id,
    CASE WHEN in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) THEN p.full_name END AS full_name,
    in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) AS visible,
    a.name AS ward_name, d.name AS district_name,
    strftime(timezone('Asia/Ho_Chi_Minh', c.confirmed_ts), '%Y-%m-%dT%H:%M') AS confirmed_ts,
    t.f1_count
FROM cluster_cases AS m
JOIN cases AS c ON c.person_id = m.case_id
JOIN people AS p ON p.person_id = m.case_id
JOIN areas AS a ON a.code = c.ward_code
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN traces AS t ON t.case_id = m.case_id
WHERE m.cluster_id = $cluster_id
    AND EXISTS (
        SELECT 1 FROM clusters AS k WHERE k.cluster_id = $cluster_id
            AND ($scope_level = 'national'
                 OR ($scope_level = 'province' AND len(list_intersect(k.province_codes, $scope_codes)) > 0)
                 OR ($scope_level = 'district' AND len(list_intersect(k.district_codes, $scope_codes)) > 0)))
ORDER BY c.confirmed_ts, m.case_id
