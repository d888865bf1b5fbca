-- Every stored F1 with what its place in the call list depends on: one row per case and F1 (venue_kind NULL unless via venue; exposure_s in seconds since 1970).
SELECT k.case_id, k.person_id, k.via, v.kind AS venue_kind, epoch(k.exposure_ts)::BIGINT AS exposure_s,
       k.overlap_s, k.duration_s, k.distance_m
FROM trace_contacts AS k
LEFT JOIN venues AS v ON v.venue_id = k.venue_id
WHERE k.degree = 1
