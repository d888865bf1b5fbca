-- Writes the F1 and F2 of the cases just traced (view new_contacts, times in seconds since $base) with where each person lives and each F1's place in the call list.
INSERT INTO trace_contacts
SELECT n.case_id, n.person_id, n.degree, n.via, n.through, n.venue_id, to_timestamp(n.exposure_s + $base),
       n.overlap_s, n.duration_s, n.distance_m, p.ward_code, n.rule_version, $load_id, n.risk_rank
FROM new_contacts AS n JOIN people AS p ON p.person_id = n.person_id
