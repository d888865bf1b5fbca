-- The newest load in the store: one row (load_id, 0 when there is none).
SELECT coalesce(max(load_id), 0) AS load_id FROM loads
