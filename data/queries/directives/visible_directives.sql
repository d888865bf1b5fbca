-- The directives the viewer may see (issued by or to its jurisdiction; the national committee sees all), newest
-- first, optionally one ($directive_id) or only the active ones: one row per directive with its recipient's and
-- issuer's names, the areas it acts on (code, level, name) and its last action's time.
WITH visible AS (
    SELECT d.*
    FROM directives AS d
    WHERE ($directive_id IS NULL OR d.directive_id = $directive_id)
      AND (NOT $active_only OR d.status IN ('issued', 'acknowledged', 'in_progress'))
      AND ($scope_level = 'national'
           OR ($scope_level = 'province' AND list_contains($scope_codes, d.issuer_area))
           OR in_scope(d.recipient_province, d.recipient_district, $scope_level, $scope_codes))
),
targets AS (
    SELECT t.directive_id,
           list({'code': t.area_code, 'level': t.area_level, 'name': a.short_name,
                 'lat': a.lat, 'lon': a.lon} ORDER BY t.area_code) AS targets
    FROM directive_areas AS t
    JOIN visible USING (directive_id)
    JOIN areas AS a ON a.code = t.area_code
    GROUP BY t.directive_id
)
SELECT v.directive_id, v.batch_id, v.kind, v.issuer, v.issuer_role, v.issuer_level, v.issuer_area,
       ia.short_name AS issuer_area_name, v.recipient_code, v.recipient_level, v.recipient_province,
       v.recipient_district, ra.short_name AS recipient_name, rp.short_name AS recipient_province_name,
       v.text, v.level, v.cluster_id, v.deadline, v.owner, v.issued_at, v.status, v.progress, v.updated_at,
       v.rule_version, coalesce(t.targets, []) AS targets
FROM visible AS v
JOIN areas AS ra ON ra.code = v.recipient_code
JOIN areas AS rp ON rp.code = v.recipient_province
LEFT JOIN areas AS ia ON ia.code = v.issuer_area
LEFT JOIN targets AS t USING (directive_id)
ORDER BY v.issued_at DESC, v.directive_id DESC
LIMIT $limit
