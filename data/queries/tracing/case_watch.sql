-- The watch list living inside the viewer's jurisdiction of one case whose trace the viewer may open: one row per person, in the list's order (risk_rank).
-- Not F1: people the case met in the days before its infectious window, for follow-up only; those living elsewhere are not shown here.
-- Names and phones only for a reader of personal data ($personal; NULL otherwise), exposure times to the minute for it and the day for others.
SELECT
    w.person_id, w.via, w.venue_id, v.name AS venue_name, v.kind AS venue_kind,
    person_time(w.exposure_ts, $personal) AS exposure_ts,
    w.overlap_s, w.duration_s, w.distance_m, w.ward_code, a.name AS ward_name, d.name AS district_name,
    CASE WHEN $personal THEN p.full_name END AS full_name, CASE WHEN $personal THEN p.phone END AS phone,
    c.person_id IS NOT NULL AS is_case, w.risk_rank
FROM trace_watch AS w
JOIN people AS p ON p.person_id = w.person_id
JOIN areas AS a ON a.code = w.ward_code
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN venues AS v ON v.venue_id = w.venue_id
LEFT JOIN cases AS c ON c.person_id = w.person_id
WHERE w.case_id = $case_id
    AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY w.risk_rank, w.person_id
