-- How many rows of the dataset's table being loaded repeat a key already in it: one row (copies).
SELECT count(*) - count(DISTINCT _key) AS copies FROM src
