-- The epidemiological points of one case whose trace the viewer may open: one row per venue visited in the window, by
-- first visit. A venue outside the viewer's jurisdiction comes with its province, not its ward.
-- Visit times to the minute for a reader of personal data ($personal), the day for others: they are the case's own check-ins.
SELECT
    q.venue_id, v.name AS venue_name, v.kind AS venue_kind,
    CASE WHEN in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) THEN a.name END AS ward_name,
    pr.name AS province_name,
    person_time(q.first_ts, $personal) AS first_ts,
    person_time(q.last_ts, $personal) AS last_ts,
    q.people_exposed
FROM trace_points AS q
JOIN venues AS v ON v.venue_id = q.venue_id
JOIN areas AS a ON a.code = v.ward_code
LEFT JOIN areas AS pr ON pr.code = a.province_code
WHERE q.case_id = $case_id
ORDER BY q.first_ts, q.venue_id
