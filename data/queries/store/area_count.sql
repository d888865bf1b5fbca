-- How many areas the store holds: one row (n); 0 in a new store, which then reads the shared geography.
SELECT count(*) AS n FROM areas
