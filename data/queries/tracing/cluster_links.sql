-- The cases the just traced cases (view new_traces) are linked with, either way: one row per pair (case_a, case_b) of an
-- F1 link between two traced cases, the F1 confirmed within $incubation_days after the exposure, a shared venue only
-- of the $source_venue_kinds (a source link).
SELECT k.case_id AS case_a, k.person_id AS case_b
FROM trace_contacts AS k
JOIN traces AS b ON b.case_id = k.person_id
WHERE k.degree = 1
    AND (k.case_id IN (SELECT case_id FROM new_traces) OR k.person_id IN (SELECT case_id FROM new_traces))
    AND b.confirmed_ts >= k.exposure_ts
    AND b.confirmed_ts <= k.exposure_ts + to_days(CAST($incubation_days AS INTEGER))
    AND (k.via <> 'venue' OR k.venue_id IN (SELECT venue_id FROM venues WHERE kind IN (SELECT unnest($source_venue_kinds))))
