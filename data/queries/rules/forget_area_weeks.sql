-- Removes the stored levels of the areas in level_areas from their from_week on (they are reassessed): no rows returned.
DELETE FROM area_level_week AS w
USING level_areas AS la
WHERE w.area_code = la.area_code AND w.level = la.level AND w.week_start >= la.from_week
