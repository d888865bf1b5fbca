-- The id of the next batch: one row (load_id), one more than the newest load.
SELECT coalesce(max(load_id), 0) + 1 AS load_id FROM loads
