-- Clusters of at least $min_size cases with at least one case inside the viewer's jurisdiction, told from the viewer's
-- side: one row per cluster with its own cases' count, growth, first and last day, centre and provinces, and the cases living
-- elsewhere as counts per province (elsewhere). cluster_ref is the viewer's reference to the cluster: its smallest case
-- id inside the jurisdiction (the stored cluster id may be another province's case). size counts every case. The focus
-- names the cluster: its venue (focus_kind 'venue', focus_name, focus_area its ward and district) or the household
-- of its first case (focus_kind 'household', focus_area that case's ward and district); outside the jurisdiction,
-- focus_area is only the province, as for the cases living there.
WITH touching AS (
    SELECT k.cluster_id, k.size, k.focus_kind, k.focus_venue_id
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
),
focus AS (
    SELECT
        t.cluster_id, coalesce(t.focus_kind, 'household') AS focus_kind, v.name AS focus_name,
        CASE
            WHEN v.venue_id IS NULL AND in_scope(ra.province_code, ra.district_code, $scope_level, $scope_codes)
                THEN concat_ws(', ', ra.name, rd.name)
            WHEN v.venue_id IS NULL THEN rp.name
            WHEN in_scope(va.province_code, va.district_code, $scope_level, $scope_codes)
                THEN concat_ws(', ', va.name, vd.name)
            ELSE vp.name
        END AS focus_area
    FROM touching AS t
    LEFT JOIN venues AS v ON v.venue_id = t.focus_venue_id
    LEFT JOIN areas AS va ON va.code = v.ward_code
    LEFT JOIN areas AS vd ON vd.code = va.district_code
    LEFT JOIN areas AS vp ON vp.code = va.province_code
    LEFT JOIN cases AS r ON r.person_id = t.cluster_id
    LEFT JOIN areas AS ra ON ra.code = r.ward_code
    LEFT JOIN areas AS rd ON rd.code = ra.district_code
    LEFT JOIN areas AS rp ON rp.code = ra.province_code
)
SELECT
    o.cluster_ref, t.size, o.own_size, o.new_7d, f.focus_kind, f.focus_name, f.focus_area,
    strftime(o.first_day, '%Y-%m-%d') AS first_day, strftime(o.last_day, '%Y-%m-%d') AS last_day,
    o.lat, o.lon, o.provinces, d.days, d.daily_cases, coalesce(e.elsewhere, []) AS elsewhere
FROM own AS o
JOIN touching AS t USING (cluster_id)
JOIN daily AS d USING (cluster_id)
JOIN focus AS f USING (cluster_id)
LEFT JOIN elsewhere AS e USING (cluster_id)
ORDER BY o.new_7d DESC, o.own_size DESC, o.cluster_ref
