-- The F1 and F2 of one case whose trace the viewer may open: one row per person; name and phone only for people living
-- inside the viewer's jurisdiction (the others: ward and link). $degree NULL for both; $through NULL for every F2.
SELECT
    k.person_id, k.degree, k.via, k.through, k.venue_id, v.name AS venue_name, v.kind AS venue_kind,
    strftime(timezone('Asia/Ho_Chi_Minh', k.exposure_ts), '%Y-%m-%dT%H:%M') AS exposure_ts,
    k.overlap_s, k.duration_s, k.distance_m, k.ward_code, a.name AS ward_name, d.name AS district_name,
    in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) AS visible,
    CASE WHEN in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) THEN p.full_name END AS full_name,
    CASE WHEN in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) THEN p.phone END AS phone,
    c.person_id IS NOT NULL AS is_case
FROM trace_contacts AS k
JOIN people AS p ON p.person_id = k.person_id
JOIN areas AS a ON a.code = k.ward_code
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN venues AS v ON v.venue_id = k.venue_id
LEFT JOIN cases AS c ON c.person_id = k.person_id
WHERE k.case_id = $case_id
    AND ($degree IS NULL OR k.degree = $degree)
    AND ($through IS NULL OR k.through = $through)
ORDER BY k.degree, k.through NULLS FIRST, CASE k.via WHEN 'household' THEN 0 WHEN 'proximity' THEN 1 ELSE 2 END, k.exposure_ts, k.person_id
