"""The ingest side of the live feed: what scanners, laboratories, vaccination sites and apps post (CONTRACT §5), and how
accepted events travel on the Redis Stream to the one writer. Never touches DuckDB."""
