-- The days after the calendar's last day ($last_known), from $first_day on, carried forward: each ward's counts on that
-- day as steps from $first_day, the stored spans starting from $first_day on, and the end of each span held on that day
-- that ends from $first_day on: one row per ward and measure, or per span.
INSERT INTO card_delta
SELECT ward_code, 'green', CAST($first_day AS DATE), DATE '9999-12-31', green FROM card_ward_day WHERE day = CAST($last_known AS DATE)
UNION ALL
SELECT ward_code, 'yellow', CAST($first_day AS DATE), DATE '9999-12-31', yellow FROM card_ward_day WHERE day = CAST($last_known AS DATE)
UNION ALL
SELECT ward_code, 'person', CAST($first_day AS DATE), DATE '9999-12-31', green + yellow + red FROM card_ward_day WHERE day = CAST($last_known AS DATE)
UNION ALL
SELECT ward_code, colour, from_day, to_day, 1 FROM card_spans WHERE from_day >= CAST($first_day AS DATE)
UNION ALL
SELECT ward_code, colour, to_day, DATE '9999-12-31', -1 FROM card_spans
WHERE from_day < CAST($first_day AS DATE) AND to_day >= CAST($first_day AS DATE) AND to_day < DATE '9999-12-31'
