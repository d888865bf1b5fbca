-- Writes the watch lists of the cases just traced (view new_watch, times in seconds since $base) with where each person lives.
INSERT INTO trace_watch
SELECT n.case_id, n.person_id, n.via, n.venue_id, to_timestamp(n.exposure_s + $base), n.overlap_s, n.duration_s,
       n.distance_m, p.ward_code, n.rule_version, n.risk_rank, $load_id
FROM new_watch AS n JOIN people AS p ON p.person_id = n.person_id
