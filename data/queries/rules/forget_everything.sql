-- Empties every table the rules derive, before rebuilding them from the events (after a rule file changed).
DELETE FROM card_spans;
DELETE FROM card_ward_day;
DELETE FROM coverage_ward_day;
DELETE FROM area_level_week;
DELETE FROM rule_calendar
