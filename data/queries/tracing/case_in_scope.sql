-- Whether the viewer may open one case's trace (the case lives inside its jurisdiction): one row (case_id) or none.
SELECT t.case_id
FROM traces AS t
JOIN cases AS c ON c.person_id = t.case_id
JOIN areas AS a ON a.code = c.ward_code
WHERE t.case_id = $case_id AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
