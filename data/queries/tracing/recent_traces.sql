-- The latest traced cases living inside the viewer's jurisdiction: one row per case, newest confirmation first, at most
-- $limit. cluster_ref is the viewer's reference to the case's cluster (its smallest case id inside the jurisdiction);
-- visible_s is result to visible list, as tracing_summary.sql measures it (NULL where not measured).
-- The name only for a reader of personal data ($personal; NULL otherwise).
WITH inside AS (
    SELECT t.case_id, t.confirmed_ts, t.f1_count, t.f2_count, t.points_count, t.load_id, t.ready_ts,
        c.ward_code, a.name AS ward_name, a.district_code
    FROM traces AS t
    JOIN cases AS c ON c.person_id = t.case_id
    JOIN areas AS a ON a.code = c.ward_code
    WHERE in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
),
refs AS (
    SELECT k.cluster_id, min(k.case_id) AS cluster_ref
    FROM cluster_cases AS k JOIN inside USING (case_id)
    GROUP BY k.cluster_id
),
latest AS (
    SELECT * FROM inside ORDER BY confirmed_ts DESC, case_id LIMIT $limit
)
SELECT
    l.case_id, CASE WHEN $personal THEN p.full_name END AS full_name, l.ward_name, d.name AS district_name,
    strftime(timezone('Asia/Ho_Chi_Minh', l.confirmed_ts), '%Y-%m-%dT%H:%M') AS confirmed_ts,
    l.f1_count, l.f2_count, l.points_count,
    date_diff('millisecond', b.started_at, b.committed_at) / 1000.0 AS visible_s,
    r.cluster_ref
FROM latest AS l
JOIN people AS p ON p.person_id = l.case_id
LEFT JOIN areas AS d ON d.code = l.district_code
LEFT JOIN loads AS b ON b.load_id = l.load_id AND l.ready_ts <= b.committed_at
LEFT JOIN cluster_cases AS k ON k.case_id = l.case_id
LEFT JOIN refs AS r ON r.cluster_id = k.cluster_id
ORDER BY l.confirmed_ts DESC, l.case_id
