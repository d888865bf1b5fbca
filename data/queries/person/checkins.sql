-- One person's check-ins (QR scans at venues): one row per scan, newest first, at most $limit, with the venue's name,
-- kind and ward (a venue outside the viewer's jurisdiction with its province, not its ward).
SELECT
    c.event_id, c.venue_id, v.name AS venue_name, v.kind AS venue_kind, c.source, c.direction,
    CASE WHEN in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) THEN a.name END AS ward_name,
    pr.name AS province_name,
    strftime(timezone('Asia/Ho_Chi_Minh', c.ts), '%Y-%m-%dT%H:%M') AS ts
FROM checkins AS c
JOIN venues AS v ON v.venue_id = c.venue_id
JOIN areas AS a ON a.code = v.ward_code
LEFT JOIN areas AS pr ON pr.code = a.province_code
WHERE c.person_id = $person_id
ORDER BY c.ts DESC, c.event_id
LIMIT $limit
