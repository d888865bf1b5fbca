-- The scratch tables of one rules refresh (temporary, on the writer's connection): no rows returned.
CREATE OR REPLACE TEMP TABLE rule_people (person_id BIGINT NOT NULL);
CREATE OR REPLACE TEMP TABLE card_spans_new (
    person_id BIGINT, ward_code VARCHAR, colour VARCHAR, from_day DATE, to_day DATE, rule_version VARCHAR
);
CREATE OR REPLACE TEMP TABLE card_delta (ward_code VARCHAR, measure VARCHAR, from_day DATE, to_day DATE, n BIGINT);
CREATE OR REPLACE TEMP TABLE coverage_delta (ward_code VARCHAR, measure VARCHAR, from_day DATE, n BIGINT);
CREATE OR REPLACE TEMP TABLE level_scope (ward_code VARCHAR, from_day DATE);
CREATE OR REPLACE TEMP TABLE level_areas (area_code VARCHAR, level VARCHAR, from_week DATE);
-- Spelled out, not CREATE … AS … LIMIT 0: in a transaction that had deleted from area_level_week, DuckDB 2.0 gave
-- such a copy rows of NULLs.
CREATE OR REPLACE TEMP TABLE area_level_new (
    area_code VARCHAR, level VARCHAR, week_start DATE, cases_7d BIGINT, population BIGINT, rate_per_100k DOUBLE,
    adults_first_dose_share DOUBLE, older_fully_share DOUBLE, all_fully_share DOUBLE, coverage_met BOOLEAN,
    capacity_met BOOLEAN, proposed_level INTEGER, level_in_force INTEGER, computed_ts TIMESTAMPTZ,
    effective_ts TIMESTAMPTZ, rule_version VARCHAR, from_week DATE
);
