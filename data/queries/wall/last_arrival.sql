-- When the newest events inside the viewer's jurisdiction were committed: one row (last_ts, NULL when none ever were).
SELECT max(last_ts) AS last_ts
FROM arrivals
WHERE in_scope(province_code, district_code, $scope_level, $scope_codes)
