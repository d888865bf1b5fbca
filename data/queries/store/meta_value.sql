-- One value of the store's meta table: zero or one row (value).
SELECT value FROM meta WHERE key = $key
