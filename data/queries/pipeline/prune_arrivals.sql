-- Forgets the arrivals older than a day before $arrived_at, keeping each district's newest row per kind (the wall's
-- "last update" still knows when a quiet district last sent): deletes rows of arrivals, returns nothing.
DELETE FROM arrivals AS old
WHERE old.minute < $arrived_at - INTERVAL 1 DAY
  AND old.minute < (
      SELECT max(newer.minute)
      FROM arrivals AS newer
      WHERE newer.district_code = old.district_code AND newer.kind = old.kind
  )
