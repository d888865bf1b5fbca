-- The people whose coverage steps one refresh recomputes: those the batch touched (rule_people).
CREATE OR REPLACE TEMP TABLE coverage_scope AS SELECT person_id FROM rule_people
