-- The (ward, day) pairs whose case counts a batch may change, filled by touch_case_days.sql before and after the
-- batch's cases are derived: empty at first.
CREATE OR REPLACE TEMP TABLE touched_case_days (ward_code VARCHAR, day DATE)
