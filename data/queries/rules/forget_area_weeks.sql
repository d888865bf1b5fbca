-- Removes the stored levels of the areas in level_areas from their from_week on (they are reassessed): no rows returned.
DELETE FROM area_level_week
WHERE EXISTS (
    SELECT 1 FROM level_areas AS la
    WHERE la.area_code = area_level_week.area_code AND la.level = area_level_week.level
      AND area_level_week.week_start >= la.from_week
)
