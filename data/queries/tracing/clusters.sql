-- Clusters of at least $min_size cases with at least one case inside the viewer's jurisdiction, told from the viewer's
-- side: one row per cluster with its own cases' count, growth, first and last day, centre and provinces, and the cases living
-- elsewhere as counts per province (elsewhere). cluster_ref is the viewer's reference to the cluster: its smallest case
-- id inside the jurisdiction (the stored cluster id may be another province's case). size counts every case.
WITH touching AS (
    SELECT k.cluster_id, k.size
    FROM clusters AS k
    WHERE k.size >= $min_size
        AND ($scope_level = 'national'
             OR ($scope_level = 'province' AND len(list_intersect(k.province_codes, $scope_codes)) > 0)
             OR ($scope_level = 'district' AND len(list_intersect(k.district_codes, $scope_codes)) > 0))
),
members AS (
    SELECT
        m.cluster_id, m.case_id, c.confirmed_ts, local_day(c.confirmed_ts) AS day, a.lat, a.lon, a.province_code,
        pr.name AS province_name, in_scope(a.province_code, a.district_code, $scope_level, $scope_codes) AS inside
    FROM cluster_cases AS m
    JOIN touching USING (cluster_id)
    JOIN cases AS c ON c.person_id = m.case_id
    JOIN areas AS a ON a.code = c.ward_code
    JOIN areas AS pr ON pr.code = a.province_code
),
latest AS (
    SELECT max(confirmed_ts) AS ts FROM cases
),
own AS (
    SELECT
        cluster_id, min(case_id) AS cluster_ref, count(*) AS own_size,
        count(*) FILTER (WHERE confirmed_ts > (SELECT ts FROM latest) - to_days(7)) AS new_7d,
        min(day) AS first_day, max(day) AS last_day, avg(lat) AS lat, avg(lon) AS lon,
        array_to_string(list_sort(list_distinct(list(province_name))), ', ') AS provinces
    FROM members
    WHERE inside
    GROUP BY cluster_id
),
daily AS (
    SELECT cluster_id, list(strftime(day, '%Y-%m-%d') ORDER BY day) AS days, list(cases ORDER BY day) AS daily_cases
    FROM (SELECT cluster_id, day, count(*) AS cases FROM members WHERE inside GROUP BY ALL)
    GROUP BY cluster_id
),
elsewhere AS (
    SELECT cluster_id, list({'province': name, 'cases': cases} ORDER BY cases DESC, name) AS elsewhere
    FROM (
        SELECT cluster_id, province_name AS name, count(*) AS cases
        FROM members
        WHERE NOT inside
        GROUP BY ALL
    )
    GROUP BY cluster_id
)
SELECT
    o.cluster_ref, t.size, o.own_size, o.new_7d,
    strftime(o.first_day, '%Y-%m-%d') AS first_day, strftime(o.last_day, '%Y-%m-%d') AS last_day,
    o.lat, o.lon, o.provinces, d.days, d.daily_cases, coalesce(e.elsewhere, []) AS elsewhere
FROM own AS o
JOIN touching AS t USING (cluster_id)
JOIN daily AS d USING (cluster_id)
LEFT JOIN elsewhere AS e USING (cluster_id)
ORDER BY o.new_7d DESC, o.own_size DESC, o.cluster_ref
