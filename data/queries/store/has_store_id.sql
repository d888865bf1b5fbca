-- Whether the store was given its id yet: one row (n, 0 or 1).
SELECT count(*) AS n FROM meta WHERE key = 'store_id'
