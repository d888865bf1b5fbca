-- Records the days the rules' tables now cover and the load they were refreshed for (after clear_calendar.sql).
INSERT INTO rule_calendar VALUES ($first_day, $last_day, $load_id)
