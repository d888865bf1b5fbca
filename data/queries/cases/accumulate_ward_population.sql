-- Adds one load's new people to the registered population per ward: one row per ward touched by the load.
INSERT INTO ward_population (ward_code, people)
SELECT ward_code, count(*) FROM people WHERE load_id = $load_id GROUP BY ward_code
ON CONFLICT (ward_code) DO UPDATE SET people = ward_population.people + excluded.people
