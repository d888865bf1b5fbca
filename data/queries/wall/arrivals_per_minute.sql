-- Events committed inside the viewer's jurisdiction from minute $since on: one row per minute (UTC) per kind.
SELECT minute, kind, sum(events) AS events
FROM arrivals
WHERE minute >= $since
  AND in_scope(province_code, district_code, $scope_level, $scope_codes)
GROUP BY minute, kind
ORDER BY minute, kind
