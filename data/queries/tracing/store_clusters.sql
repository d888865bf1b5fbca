-- Recomputes the given clusters (view new_cluster_cases, already written to cluster_cases): one row per cluster, its
-- focus as the rewritten cases give it.
INSERT INTO clusters
SELECT k.cluster_id, count(*), min(c.confirmed_ts), max(c.confirmed_ts),
       list_sort(list_distinct(list(a.province_code))), list_sort(list_distinct(list(a.district_code))), 0, $load_id,
       f.focus_kind, f.focus_venue_id
FROM cluster_cases AS k
JOIN cases AS c ON c.person_id = k.case_id
JOIN areas AS a ON a.code = c.ward_code
JOIN (
    SELECT cluster_id, any_value(focus_kind) AS focus_kind, any_value(focus_venue_id) AS focus_venue_id
    FROM new_cluster_cases
    GROUP BY cluster_id
) AS f USING (cluster_id)
GROUP BY k.cluster_id, f.focus_kind, f.focus_venue_id
