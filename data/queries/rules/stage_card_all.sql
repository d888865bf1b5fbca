-- Every stored card span (+1) and every person of the register (+1 each, every day), to fill days new to the calendar: one row per span or per ward.
INSERT INTO card_delta
SELECT ward_code, colour, from_day, to_day, 1 FROM card_spans
UNION ALL
SELECT ward_code, 'person', DATE '0001-01-01', DATE '9999-12-31', count(*) FROM people GROUP BY ward_code
