-- The cases living inside the viewer's jurisdiction of the cluster of case $cluster_ref (itself inside it): one row per
-- case with its ward and name; the cluster's cases elsewhere are counted by tracing/clusters.sql, never listed here.
-- The name only for a reader of personal data ($personal; NULL otherwise).
WITH chosen AS (
    SELECT m.cluster_id
    FROM cluster_cases AS m
    JOIN cases AS c ON c.person_id = m.case_id
    JOIN areas AS a ON a.code = c.ward_code
    WHERE m.case_id = $cluster_ref AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
)
SELECT
    m.case_id, CASE WHEN $personal THEN p.full_name END AS full_name, a.name AS ward_name, d.name AS district_name,
    strftime(timezone('Asia/Ho_Chi_Minh', c.confirmed_ts), '%Y-%m-%dT%H:%M') AS confirmed_ts,
    t.f1_count
FROM cluster_cases AS m
JOIN chosen USING (cluster_id)
JOIN cases AS c ON c.person_id = m.case_id
JOIN people AS p ON p.person_id = m.case_id
JOIN areas AS a ON a.code = c.ward_code
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN traces AS t ON t.case_id = m.case_id
WHERE in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY c.confirmed_ts, m.case_id
