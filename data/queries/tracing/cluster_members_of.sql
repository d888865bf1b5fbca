-- Every case of the cluster of case $cluster_ref, wherever it lives: one row per case (case_id, inside: whether it lives
-- inside the viewer's jurisdiction, province_name, and the link it joined by: source_id, via, venue_id). Empty unless
-- case $cluster_ref lives inside the jurisdiction.
WITH chosen AS (
    SELECT m.cluster_id
    FROM cluster_cases AS m
    JOIN cases AS c ON c.person_id = m.case_id
    JOIN areas AS a ON a.code = c.ward_code
    WHERE m.case_id = $cluster_ref AND in_scope(a.province_code, a.district_code, $scope_level, $scope_codes)
)
SELECT
    m.case_id, in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) AS inside, pr.name AS province_name,
    m.source_id, m.via, m.venue_id
FROM cluster_cases AS m
JOIN chosen USING (cluster_id)
JOIN cases AS c ON c.person_id = m.case_id
JOIN areas AS a ON a.code = c.ward_code
LEFT JOIN areas AS pr ON pr.code = a.province_code
