-- Stores the new card spans of the people in rule_people: no rows returned.
INSERT INTO card_spans SELECT * FROM card_spans_new
