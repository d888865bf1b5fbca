-- The first of the rows load/conflicts_<table>.sql found (by file and row) and how many there are: at most one row.
-- They run after appending, so every row's key is stored: from an earlier load, or as the first copy this load appended
-- (sent_earlier; $repeated: the dataset holds copies of a key). A copy equal in every column is no conflict:
-- re-sending changes nothing.
SELECT _file, _row, difference.field, key, difference.known, difference.sent, sent_earlier, count(*) OVER () AS conflicts
FROM conflicting
ORDER BY _file, _row
LIMIT 1
