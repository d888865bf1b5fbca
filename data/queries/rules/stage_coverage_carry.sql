-- Each ward's coverage on the calendar's last day ($last_known) as steps from $first_day (the day after), so that the
-- new days start from it and only the steps falling on them are added: one row per ward and measure.
INSERT INTO coverage_delta
SELECT ward_code, measure, CAST($first_day AS DATE), n
FROM (
    UNPIVOT (SELECT * EXCLUDE (day, rule_version) FROM coverage_ward_day WHERE day = CAST($last_known AS DATE))
    ON population, first_all, fully_all, pop_18, first_18, fully_18, pop_50, first_50, fully_50, pop_65, first_65, fully_65
    INTO NAME measure VALUE n
)
