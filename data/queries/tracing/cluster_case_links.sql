-- The links between the cases of one cluster: one row per link (case_a, case_b, via, venue_id) — F1 links, then shared points.
WITH members AS (SELECT case_id FROM cluster_cases WHERE cluster_id = $cluster_id)
SELECT k.case_id AS case_a, k.person_id AS case_b, k.via, k.venue_id
FROM trace_contacts AS k
WHERE k.degree = 1 AND k.case_id IN (SELECT case_id FROM members) AND k.person_id IN (SELECT case_id FROM members)
UNION
SELECT a.case_id, b.case_id, 'point', a.venue_id
FROM trace_points AS a
JOIN trace_points AS b ON b.venue_id = a.venue_id AND b.case_id > a.case_id
JOIN traces AS ta ON ta.case_id = a.case_id
JOIN traces AS tb ON tb.case_id = b.case_id
WHERE a.case_id IN (SELECT case_id FROM members) AND b.case_id IN (SELECT case_id FROM members)
    AND ta.window_start_ts < tb.confirmed_ts AND tb.window_start_ts < ta.confirmed_ts
ORDER BY 1, 2
