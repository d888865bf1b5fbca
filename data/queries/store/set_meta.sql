-- Sets one value of the store's meta table (inside the writer's transaction).
INSERT OR REPLACE INTO meta VALUES ($key, $value)
