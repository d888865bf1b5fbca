-- The days the rules' tables cover and the last load they were refreshed for: zero or one row.
SELECT first_day, last_day, load_id FROM rule_calendar
