-- Clusters of at least $min_size cases touching the viewer's jurisdiction: one row per cluster, with the centre of its cases' wards and its daily growth.
WITH visible AS (
    SELECT * FROM clusters AS k
    WHERE k.size >= $min_size
        AND ($scope_level = 'national'
             OR ($scope_level = 'province' AND len(list_intersect(k.province_codes, $scope_codes)) > 0)
             OR ($scope_level = 'district' AND len(list_intersect(k.district_codes, $scope_codes)) > 0))
),
members AS (
    SELECT m.cluster_id, local_day(c.confirmed_ts) AS day, a.lat, a.lon
    FROM cluster_cases AS m
    JOIN visible USING (cluster_id)
    JOIN cases AS c ON c.person_id = m.case_id
    JOIN areas AS a ON a.code = c.ward_code
),
daily AS (
    SELECT cluster_id, day, count(*) AS cases FROM members GROUP BY ALL
)
SELECT
    k.cluster_id, k.size, k.new_7d, k.province_codes, k.district_codes,
    strftime(local_day(k.first_confirmed_ts), '%Y-%m-%d') AS first_day,
    strftime(local_day(k.last_confirmed_ts), '%Y-%m-%d') AS last_day,
    (SELECT avg(lat) FROM members AS m WHERE m.cluster_id = k.cluster_id) AS lat,
    (SELECT avg(lon) FROM members AS m WHERE m.cluster_id = k.cluster_id) AS lon,
    (SELECT list(strftime(day, '%Y-%m-%d') ORDER BY day) FROM daily AS d WHERE d.cluster_id = k.cluster_id) AS days,
    (SELECT list(cases ORDER BY day) FROM daily AS d WHERE d.cluster_id = k.cluster_id) AS daily_cases,
    (SELECT string_agg(DISTINCT a.name, ', ') FROM areas AS a WHERE list_contains(k.province_codes, a.code)) AS provinces
FROM visible AS k
ORDER BY k.new_7d DESC, k.size DESC, k.cluster_id
