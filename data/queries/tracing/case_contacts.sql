-- The F1 and F2 living inside the viewer's jurisdiction of one case whose trace the viewer may open: one row per person.
-- Contacts living elsewhere are handed over (tracing/case_handovers.sql counts them); an F2 found through an F1 living
-- elsewhere names that F1's province, not the F1 (through NULL). $degree NULL for both; $through NULL for every F2.
-- F1 come in their call order (risk_rank, rules/tracing.toml [risk]); F2 by the F1 they came through, then kind and time.
-- Names and phones only for a reader of personal data ($personal; NULL otherwise), exposure times to the minute for it and the day for others.
SELECT
    k.person_id, k.degree, k.via,
    CASE WHEN k.through IS NULL OR in_scope(ta.province_code, ta.district_code, $scope_level, $scope_codes) THEN k.through END AS through,
    CASE WHEN k.through IS NOT NULL AND NOT in_scope(ta.province_code, ta.district_code, $scope_level, $scope_codes) THEN tpr.name END AS through_province,
    k.venue_id, v.name AS venue_name, v.kind AS venue_kind,
    person_time(k.exposure_ts, $personal) AS exposure_ts,
    k.overlap_s, k.duration_s, k.distance_m, k.ward_code, a.name AS ward_name, d.name AS district_name,
    CASE WHEN $personal THEN p.full_name END AS full_name, CASE WHEN $personal THEN p.phone END AS phone,
    c.person_id IS NOT NULL AS is_case, k.risk_rank
FROM trace_contacts AS k
JOIN people AS p ON p.person_id = k.person_id
JOIN areas AS a ON a.code = k.ward_code
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN venues AS v ON v.venue_id = k.venue_id
LEFT JOIN cases AS c ON c.person_id = k.person_id
LEFT JOIN people AS tp ON tp.person_id = k.through
LEFT JOIN areas AS ta ON ta.code = tp.ward_code
LEFT JOIN areas AS tpr ON tpr.code = ta.province_code
WHERE k.case_id = $case_id
    AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
    AND ($degree IS NULL OR k.degree = $degree)
    AND ($through IS NULL OR (k.through = $through AND in_scope(ta.province_code, ta.district_code, $scope_level, $scope_codes)))
ORDER BY k.degree, k.through NULLS FIRST, k.risk_rank NULLS LAST, CASE k.via WHEN 'household' THEN 0 WHEN 'proximity' THEN 1 ELSE 2 END, k.exposure_ts, k.person_id
