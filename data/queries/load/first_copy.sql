-- Where a key first appears in the dataset's table being loaded: one row (_file, _row).
SELECT _file, _row FROM src WHERE _key = $key ORDER BY _file, _row LIMIT 1
