-- Every row load/conflicts_<table>.sql found in the stream's batch, in stream order: one row per conflicting event
-- (row, the first differing column, the key, what is stored, what was sent, whether the stored row came earlier in this batch).
SELECT _row, difference.field, key, difference.known, difference.sent, sent_earlier
FROM conflicting
ORDER BY _row
