-- The histories of several directives the viewer may see, oldest action first: one row per action (its directive,
-- who, role, jurisdiction, when, note, progress, the status it left).
SELECT x.directive_id, x.seq, x.action, x.username, x.role, x.jurisdiction, x.acted_at, x.note, x.progress, x.status
FROM directive_actions AS x
JOIN directives AS d USING (directive_id)
WHERE list_contains($ids, x.directive_id)
  AND ($scope_level = 'national'
       OR ($scope_level = 'province' AND list_contains($scope_codes, d.issuer_area))
       OR in_scope(d.recipient_province, d.recipient_district, $scope_level, $scope_codes))
ORDER BY x.directive_id, x.seq
