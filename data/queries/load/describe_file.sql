-- The columns of one Parquet file and their types, as DuckDB reads them: one row per column (name, type, …).
DESCRIBE SELECT * FROM read_parquet($path)
