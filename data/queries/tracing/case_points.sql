-- The epidemiological points of one case whose trace the viewer may open: one row per venue visited in the window, by
-- first visit. A venue outside the viewer's jurisdiction comes with its province, not its ward.
SELECT
    q.venue_id, v.name AS venue_name, v.kind AS venue_kind,
    CASE WHEN in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) THEN a.name END AS ward_name,
    pr.name AS province_name,
    strftime(timezone('Asia/Ho_Chi_Minh', q.first_ts), '%Y-%m-%dT%H:%M') AS first_ts,
    strftime(timezone('Asia/Ho_Chi_Minh', q.last_ts), '%Y-%m-%dT%H:%M') AS last_ts,
    q.people_exposed
FROM trace_points AS q
JOIN venues AS v ON v.venue_id = q.venue_id
JOIN areas AS a ON a.code = v.ward_code
LEFT JOIN areas AS pr ON pr.code = a.province_code
WHERE q.case_id = $case_id
ORDER BY q.first_ts, q.venue_id
