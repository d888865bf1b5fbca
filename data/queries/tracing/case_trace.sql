-- The stored trace of one case inside the viewer's jurisdiction (where the case lives): zero or one row, times as local ISO text.
-- cluster_ref is the viewer's reference to the case's cluster: its smallest case id inside the jurisdiction (the stored
-- cluster id may be a case of another province); cluster_size counts every case of the cluster, wherever they live.
-- visible_s is result to visible list, as tracing_summary.sql measures it (NULL where not measured).
-- The name only for a reader of personal data ($personal; NULL otherwise).
WITH own_cluster AS (
    SELECT min(m.case_id) AS cluster_ref
    FROM cluster_cases AS m
    JOIN cases AS mc ON mc.person_id = m.case_id
    JOIN areas AS ma ON ma.code = mc.ward_code
    WHERE m.cluster_id = (SELECT cluster_id FROM cluster_cases WHERE case_id = $case_id)
        AND in_scope(ma.province_code, ma.district_code, $scope_level, $scope_codes)
)
SELECT
    t.case_id, CASE WHEN $personal THEN p.full_name END AS full_name, c.ward_code, a.name AS ward_name, a.province_code, d.name AS district_name, pr.name AS province_name,
    strftime(timezone('Asia/Ho_Chi_Minh', t.confirmed_ts), '%Y-%m-%dT%H:%M') AS confirmed_ts,
    strftime(timezone('Asia/Ho_Chi_Minh', t.window_start_ts), '%Y-%m-%dT%H:%M') AS window_start_ts,
    date_diff('millisecond', b.started_at, b.committed_at) / 1000.0 AS visible_s,
    t.elapsed_ms, t.f1_count, t.f2_count, t.points_count, t.rule_version,
    (SELECT cluster_ref FROM own_cluster) AS cluster_ref,
    g.size AS cluster_size
FROM traces AS t
JOIN cases AS c ON c.person_id = t.case_id
JOIN people AS p ON p.person_id = t.case_id
JOIN areas AS a ON a.code = c.ward_code
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN areas AS pr ON pr.code = a.province_code
LEFT JOIN cluster_cases AS k ON k.case_id = t.case_id
LEFT JOIN clusters AS g ON g.cluster_id = k.cluster_id
LEFT JOIN loads AS b ON b.load_id = t.load_id AND t.ready_ts <= b.committed_at
WHERE t.case_id = $case_id AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
