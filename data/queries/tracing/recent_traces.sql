-- The latest traced cases living inside the viewer's jurisdiction: one row per case, newest confirmation first, at most $limit.
SELECT
    t.case_id, p.full_name, a.name AS ward_name, d.name AS district_name,
    strftime(timezone('Asia/Ho_Chi_Minh', t.confirmed_ts), '%Y-%m-%dT%H:%M') AS confirmed_ts,
    t.f1_count, t.f2_count, t.points_count,
    date_diff('millisecond', t.stored_ts, t.ready_ts) / 1000.0 AS ready_s,
    k.cluster_id
FROM traces AS t
JOIN cases AS c ON c.person_id = t.case_id
JOIN people AS p ON p.person_id = t.case_id
JOIN areas AS a ON a.code = c.ward_code
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN cluster_cases AS k ON k.case_id = t.case_id
WHERE in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY t.confirmed_ts DESC, t.case_id
LIMIT $limit
