-- The result-to-list times of the cases one load traced: one row per trace written by $load_id, visible_s from the
-- batch handed to the write path until its commit returned (what tracers wait), stage_s the tracing stage's own part
-- (case rows stored → lists written, inside the transaction); visible_s is NULL when the commit time is missing.
SELECT
    t.case_id,
    date_diff('millisecond', l.started_at, l.committed_at) / 1000.0 AS visible_s,
    date_diff('millisecond', t.stored_ts, t.ready_ts) / 1000.0 AS stage_s
FROM traces AS t
JOIN loads AS l ON l.load_id = t.load_id AND (l.committed_at IS NULL OR t.ready_ts <= l.committed_at)
WHERE t.load_id = $load_id
ORDER BY t.case_id
