-- The wards inside the viewer's jurisdiction whose point lies in a box (a drawn shape's bounds): one row per ward,
-- code, lat, lon.
SELECT a.code, a.lat, a.lon
FROM areas AS a
WHERE a.level = 'ward'
  AND a.lat BETWEEN $south AND $north
  AND a.lon BETWEEN $west AND $east
  AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
ORDER BY a.code
