-- The cluster links among a set of traced cases (view scope_cases): one row per link (case_a, case_b, via, venue_id),
-- F1 links first, then shared points. An F1 link: a case named the other as F1, and the other was confirmed within
-- $incubation_days after that exposure (not already a case before it, nor months later). A shared point: both
-- visited the venue inside their windows, with presences no more than $point_gap_hours apart (trace_points spans).
SELECT k.case_id AS case_a, k.person_id AS case_b, k.via, k.venue_id
FROM trace_contacts AS k
JOIN traces AS b ON b.case_id = k.person_id
WHERE k.degree = 1
    AND k.case_id IN (SELECT case_id FROM scope_cases) AND k.person_id IN (SELECT case_id FROM scope_cases)
    AND b.confirmed_ts >= k.exposure_ts
    AND b.confirmed_ts <= k.exposure_ts + to_days(CAST($incubation_days AS INTEGER))
UNION
SELECT a.case_id, b.case_id, 'point', a.venue_id
FROM trace_points AS a
JOIN trace_points AS b ON b.venue_id = a.venue_id AND b.case_id > a.case_id
WHERE a.case_id IN (SELECT case_id FROM scope_cases) AND b.case_id IN (SELECT case_id FROM scope_cases)
    AND a.first_ts <= b.last_ts + to_seconds(CAST($point_gap_hours * 3600 AS BIGINT))
    AND b.first_ts <= a.last_ts + to_seconds(CAST($point_gap_hours * 3600 AS BIGINT))
ORDER BY 1, 2
