-- The directive actions after sequence $since on directives the viewer may see (issued by or to its jurisdiction),
-- oldest first, at most $limit: one row per action with its directive's kind, recipient and issuer.
SELECT x.seq, x.directive_id, x.action, x.username, x.status, x.progress, x.acted_at,
       d.kind, d.issuer_level, d.issuer_area, d.recipient_code, d.recipient_level, d.recipient_district,
       ra.short_name AS recipient_name, d.deadline
FROM directive_actions AS x
JOIN directives AS d USING (directive_id)
JOIN areas AS ra ON ra.code = d.recipient_code
WHERE x.seq > $since
  AND ($scope_level = 'national'
       OR ($scope_level = 'province' AND list_contains($scope_codes, d.issuer_area))
       OR in_scope(d.recipient_province, d.recipient_district, $scope_level, $scope_codes))
ORDER BY x.seq
LIMIT $limit
