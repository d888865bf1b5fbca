-- Drops the scratch tables of a rules refresh: no rows returned.
DROP TABLE IF EXISTS rule_people;
DROP TABLE IF EXISTS card_spans_new;
DROP TABLE IF EXISTS card_delta;
DROP TABLE IF EXISTS coverage_delta;
DROP TABLE IF EXISTS level_scope;
DROP TABLE IF EXISTS level_areas;
DROP TABLE IF EXISTS area_level_new;
DROP TABLE IF EXISTS level_weeks;
DROP TABLE IF EXISTS card_rule_province;
DROP TABLE IF EXISTS level_rule;
DROP TABLE IF EXISTS level_band;
DROP TABLE IF EXISTS coverage_scope;
