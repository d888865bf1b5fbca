-- Removes the stored card spans of the people in rule_people (their new spans replace them): no rows returned.
DELETE FROM card_spans WHERE person_id IN (SELECT person_id FROM rule_people)
