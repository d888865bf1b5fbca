-- Every registered person, as the people whose card spans are recomputed (a rebuild): one row per person.
INSERT INTO rule_people SELECT person_id FROM people
