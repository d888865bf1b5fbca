-- The traces that name one person as F1 or F2: one row per case and degree, newest exposure first, with the link
-- (household, proximity, venue), the F1 an F2 came through, and whether the case and that F1 live inside the viewer's
-- jurisdiction (only those are linked; the others are named by their province).
SELECT
    k.case_id, k.degree, k.via, k.through, v.name AS venue_name,
    strftime(timezone('Asia/Ho_Chi_Minh', k.exposure_ts), '%Y-%m-%dT%H:%M') AS exposure_ts,
    in_scope(ca.province_code, ca.district_code, $scope_level, $scope_codes) AS case_inside,
    cpr.name AS case_province,
    k.through IS NOT NULL AND in_scope(ta.province_code, ta.district_code, $scope_level, $scope_codes) AS through_inside,
    strftime(timezone('Asia/Ho_Chi_Minh', c.confirmed_ts), '%Y-%m-%dT%H:%M') AS case_confirmed_ts
FROM trace_contacts AS k
JOIN cases AS c ON c.person_id = k.case_id
JOIN areas AS ca ON ca.code = c.ward_code
LEFT JOIN areas AS cpr ON cpr.code = ca.province_code
LEFT JOIN venues AS v ON v.venue_id = k.venue_id
LEFT JOIN people AS tp ON tp.person_id = k.through
LEFT JOIN areas AS ta ON ta.code = tp.ward_code
WHERE k.person_id = $person_id
ORDER BY k.exposure_ts DESC, k.degree, k.case_id
