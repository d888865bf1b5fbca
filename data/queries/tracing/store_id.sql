-- The store's id, written once when it was created: one row (value).
SELECT value FROM meta WHERE key = 'store_id'
