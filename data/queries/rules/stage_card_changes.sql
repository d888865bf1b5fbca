-- What one refresh changes in the card counts: the new spans of the people in rule_people (+1), their stored spans (-1) and the people new in $load_id (+1 each, every day): one row per span or per ward.
INSERT INTO card_delta
SELECT ward_code, colour, from_day, to_day, 1 FROM card_spans_new
UNION ALL
SELECT ward_code, colour, from_day, to_day, -1 FROM card_spans WHERE person_id IN (SELECT person_id FROM rule_people)
UNION ALL
SELECT ward_code, 'person', DATE '0001-01-01', DATE '9999-12-31', count(*) FROM people WHERE load_id = $load_id GROUP BY ward_code
