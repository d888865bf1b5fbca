-- The candidate source links into a set of traced cases (view scope_cases): one row per F1 link (source_id, case_id,
-- via, venue_id, exposure_s) from a case whose infectious window opened earlier (then: confirmed earlier, then: the
-- smaller id), the case confirmed within $incubation_days after the exposure, a shared venue only of the
-- $source_venue_kinds (closed rooms, rules/tracing.toml [cluster]). Seconds since the Unix epoch.
SELECT k.case_id AS source_id, k.person_id AS case_id, k.via, k.venue_id, epoch(k.exposure_ts) AS exposure_s
FROM trace_contacts AS k
JOIN traces AS s ON s.case_id = k.case_id
JOIN traces AS b ON b.case_id = k.person_id
WHERE k.degree = 1
    AND k.person_id IN (SELECT case_id FROM scope_cases)
    AND b.confirmed_ts >= k.exposure_ts
    AND b.confirmed_ts <= k.exposure_ts + to_days(CAST($incubation_days AS INTEGER))
    AND (k.via <> 'venue' OR k.venue_id IN (SELECT venue_id FROM venues WHERE kind IN (SELECT unnest($source_venue_kinds))))
    AND (s.window_start_ts < b.window_start_ts
         OR (s.window_start_ts = b.window_start_ts AND s.confirmed_ts < b.confirmed_ts)
         OR (s.window_start_ts = b.window_start_ts AND s.confirmed_ts = b.confirmed_ts AND s.case_id < b.case_id))
ORDER BY k.person_id, k.case_id
