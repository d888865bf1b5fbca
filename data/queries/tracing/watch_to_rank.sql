-- Every stored watch-list row with what its place in the list depends on: one row per case and person (venue_kind NULL unless via venue; exposure_s in seconds since 1970).
SELECT w.case_id, w.person_id, w.via, v.kind AS venue_kind, epoch(w.exposure_ts)::BIGINT AS exposure_s,
       w.overlap_s, w.duration_s, w.distance_m
FROM trace_watch AS w
LEFT JOIN venues AS v ON v.venue_id = w.venue_id
