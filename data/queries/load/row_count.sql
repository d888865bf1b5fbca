-- How many rows a table holds: one row (n); $table_name comes from the contract's table names (an allow-list).
SELECT count(*) AS n FROM query_table($table_name)
