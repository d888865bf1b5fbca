-- The cluster a case belongs to (a cluster is named by any of its cases, its stored id being its first case) if it
-- touches the viewer's jurisdiction: at most one row.
SELECT k.cluster_id, k.size, k.province_codes, k.district_codes
FROM cluster_cases AS m
JOIN clusters AS k USING (cluster_id)
WHERE m.case_id = $case_id
  AND ($scope_level = 'national'
       OR ($scope_level = 'province' AND len(list_intersect(k.province_codes, $scope_codes)) > 0)
       OR ($scope_level = 'district' AND len(list_intersect(k.district_codes, $scope_codes)) > 0))
