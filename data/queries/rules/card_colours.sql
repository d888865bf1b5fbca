-- People by card colour at the end of each local day in area $area_code (the viewer's jurisdiction when NULL), days $first_day..$last_day (open ends when NULL): one row per day.
SELECT c.day,
       CAST(sum(c.green) AS BIGINT) AS green,
       CAST(sum(c.yellow) AS BIGINT) AS yellow,
       CAST(sum(c.red) AS BIGINT) AS red,
       string_agg(DISTINCT c.rule_version, '; ' ORDER BY c.rule_version) AS rule_version
FROM card_ward_day AS c
JOIN areas AS a ON a.code = c.ward_code
WHERE in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
  AND ($area_code IS NULL OR $area_code IN (a.code, a.district_code, a.province_code))
  AND ($area_code IS NULL OR EXISTS (
      SELECT 1 FROM areas AS x
      WHERE x.code = $area_code AND area_visible(x.level, x.province_code, x.district_code, $scope_level, $scope_codes)
  ))
  AND ($first_day IS NULL OR c.day >= CAST($first_day AS DATE))
  AND ($last_day IS NULL OR c.day <= CAST($last_day AS DATE))
GROUP BY c.day
ORDER BY c.day
