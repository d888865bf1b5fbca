-- The traced cases of a set (view scope_cases) with their window's start and confirmation in seconds since the Unix
-- epoch: one row per case (case_id, window_start_s, confirmed_s).
SELECT case_id, epoch(window_start_ts) AS window_start_s, epoch(confirmed_ts) AS confirmed_s
FROM traces
WHERE case_id IN (SELECT case_id FROM scope_cases)
ORDER BY case_id
