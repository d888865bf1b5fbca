-- The complete weeks to assess and the level rule in force on each (view weeks_frame): one row per week.
CREATE OR REPLACE TEMP TABLE level_weeks AS SELECT * FROM weeks_frame
