-- Whether load $load_id finished (a load rolled back never does): one row (finished).
SELECT count(*) > 0 AS finished FROM loads WHERE load_id = $load_id AND finished_at IS NOT NULL
