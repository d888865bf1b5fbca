-- Drops the batch's work table of touched (ward, day) pairs.
DROP TABLE IF EXISTS touched_case_days
