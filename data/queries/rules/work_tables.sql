-- The scratch tables of one rules refresh (temporary, on the writer's connection): no rows returned.
CREATE OR REPLACE TEMP TABLE rule_people (person_id BIGINT NOT NULL);
CREATE OR REPLACE TEMP TABLE card_spans_new AS SELECT * FROM card_spans LIMIT 0;
CREATE OR REPLACE TEMP TABLE card_delta (ward_code VARCHAR, measure VARCHAR, from_day DATE, to_day DATE, n BIGINT);
CREATE OR REPLACE TEMP TABLE coverage_delta (ward_code VARCHAR, measure VARCHAR, from_day DATE, n BIGINT);
CREATE OR REPLACE TEMP TABLE level_scope (ward_code VARCHAR, from_day DATE);
CREATE OR REPLACE TEMP TABLE level_areas (area_code VARCHAR, level VARCHAR, from_week DATE);
CREATE OR REPLACE TEMP TABLE area_level_new AS SELECT *, week_start AS from_week FROM area_level_week LIMIT 0;
