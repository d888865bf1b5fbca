-- Contacts living inside the viewer's jurisdiction named by the traces of cases living outside it (for a national viewer:
-- every contact named by a case of another province): one row per case and contact, newest exposure first, at most
-- $limit. Of the case only what the tracing rule needs: the province it was handed over from, and the exposure's time,
-- type and venue; the contact's quarantine (F1) runs from the case's confirmation.
-- Names and phones only for a reader of personal data ($personal; NULL otherwise), exposure times to the minute for it and the day for others.
SELECT
    k.person_id, CASE WHEN $personal THEN p.full_name END AS full_name, CASE WHEN $personal THEN p.phone END AS phone, a.name AS ward_name, d.name AS district_name, pr.name AS province_name,
    k.degree, k.via,
    CASE WHEN k.through IS NULL OR in_scope(ta.province_code, ta.district_code, $scope_level, $scope_codes) THEN k.through END AS through,
    k.venue_id, v.name AS venue_name, v.kind AS venue_kind,
    person_time(k.exposure_ts, $personal) AS exposure_ts,
    k.overlap_s, k.duration_s, k.distance_m,
    fp.name AS from_province,
    strftime(timezone('Asia/Ho_Chi_Minh', q.end_ts), '%Y-%m-%d') AS quarantine_until,
    x.person_id IS NOT NULL AS is_case
FROM trace_contacts AS k
JOIN areas AS a ON a.code = k.ward_code
JOIN cases AS c ON c.person_id = k.case_id
JOIN areas AS ca ON ca.code = c.ward_code
JOIN people AS p ON p.person_id = k.person_id
LEFT JOIN areas AS d ON d.code = a.district_code
LEFT JOIN areas AS pr ON pr.code = a.province_code
LEFT JOIN areas AS fp ON fp.code = ca.province_code
LEFT JOIN venues AS v ON v.venue_id = k.venue_id
LEFT JOIN people AS tp ON tp.person_id = k.through
LEFT JOIN areas AS ta ON ta.code = tp.ward_code
LEFT JOIN quarantine AS q ON k.degree = 1 AND q.person_id = k.person_id AND q.start_ts = c.confirmed_ts
LEFT JOIN cases AS x ON x.person_id = k.person_id
WHERE in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
    AND CASE WHEN $scope_level = 'national' THEN ca.province_code <> a.province_code
             ELSE NOT in_scope(ca.province_code, ca.district_code, $scope_level, $scope_codes) END
ORDER BY k.exposure_ts DESC, k.degree, k.person_id
LIMIT $limit
