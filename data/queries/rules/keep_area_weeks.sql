-- Stores the reassessed levels from each area's from_week on: no rows returned.
INSERT INTO area_level_week
SELECT * EXCLUDE (from_week) FROM area_level_new WHERE week_start >= from_week
