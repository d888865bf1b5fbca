-- The first and last local day with any event inside the viewer's jurisdiction: one row (NULLs when there is none).
SELECT min(d.day) AS first_day, max(d.day) AS last_day
FROM ward_day AS d JOIN areas AS w ON w.code = d.ward_code AND w.level = 'ward'
WHERE in_scope(w.province_code, w.district_code, $scope_level, $scope_codes)
